"""PS2 part 1: softmax regression from scratch (forward, loss, gradients, standardize, fit, predict, accuracy)."""
import numpy as np
import pytest

from autograder.suitelib import checks
from autograder.suitelib.calls import both, grade_array, grade_arrays, grade_raises_value_error, grade_scalar, rows_sum_to_one
from autograder.suitelib.checks import show, spec_dtypes
from autograder.suitelib.inputs import grade_inputs_unchanged
from . import oracle

# Raschka's worked example (lecture 8): with X = log A, W = I and b = 0 the logits are log A, whose softmax is A.
A_LECTURE = np.array([[0.3792, 0.3104, 0.3104], [0.3072, 0.4147, 0.2780],
                      [0.4263, 0.2248, 0.3490], [0.2668, 0.2978, 0.4354]])
Y_LECTURE = oracle.one_hot([0, 1, 2, 2], 3)

# Logits of ±1e4 in one batch: the rows are far apart (a batch-wide maximum leaves a row of 0/0) and a target
# class sits 2e4 below the best one (log of its softmax is log 0).
X_LARGE = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.5, -0.5]])
W_LARGE = np.array([[1e4, 0.0, -1e4], [0.0, -1e4, 1e4]])
Y_LARGE = oracle.one_hot([2, 0, 1, 1], 3)


def random_problem(rng, n: int = 6, m: int = 4, h: int = 3, scale: float = 1.0):
    """X (n, m), one-hot Y (n, h), W (m, h) and a non-zero b (h,): m ≠ h, so a transposed W cannot pass."""
    X = rng.normal(0.0, 1.5, (n, m))
    Y = oracle.one_hot(rng.integers(0, h, n), h)
    W = rng.normal(0.0, scale, (m, h))
    b = rng.normal(0.0, 1.0, h)
    return X, Y, W, b


# ------------------------------------------------------------------ softmax_regression_forward: 7 points


def grade_forward(student, reference, X, W, b, *, where: str, **kw):
    grade_array(student, reference, "softmax_regression_forward", (X, W, b), oracle.softmax_regression_forward(X, W, b),
                where=where, extra=rows_sum_to_one, **kw)


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_regression_forward_visible(student, reference):
    """softmax_regression_forward: two examples, two features, three classes, a non-zero bias"""
    X, W, b = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.0]]), np.array([0.0, 1.0, -1.0])
    grade_forward(student, reference, X, W, b, where=f"softmax_regression_forward(X, W, b) for X {show(X)}, W {show(W)}, b {show(b)}")


@pytest.mark.grade(points=2, visibility="hidden")
def test_softmax_regression_forward_random(student, reference, rng):
    """softmax_regression_forward: random X (6, 4), W (4, 3) and b, each row a distribution"""
    X, _, W, b = random_problem(rng)
    grade_forward(student, reference, X, W, b, where="softmax_regression_forward(X, W, b) for random X (6, 4), W (4, 3), b (3,)")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_softmax_regression_forward_stable(student, reference):
    """softmax_regression_forward: stable for logits up to ±1e4 in rows far apart (no RuntimeWarning)"""
    grade_forward(student, reference, X_LARGE, W_LARGE, np.zeros(3),
                  where="softmax_regression_forward(X, W, b) for logits from -1e4 to 1e4 (shift each row by its own maximum)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_forward_float32(student, reference, rng):
    """softmax_regression_forward: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    X, _, W, b = [a.astype(np.float32) for a in random_problem(rng)]
    grade_forward(student, reference, X, W, b, where="softmax_regression_forward(X, W, b) for float32 X, W and b",
                  dtype=spec_dtypes(X, W, b))
    X, W, b = np.array([[1, 2], [0, -1]]), np.array([[1, 0, -1], [0, 1, 0]]), np.array([0, 1, 0])
    grade_forward(student, reference, X, W, b, where="softmax_regression_forward(X, W, b) for integer X, W and b",
                  dtype=spec_dtypes(X, W, b))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_forward_one_row_one_class(student, reference, rng):
    """softmax_regression_forward: one example (n = 1) stays 2-D; one class (h = 1) is all ones"""
    X, _, W, b = random_problem(rng, n=1)
    grade_forward(student, reference, X, W, b, where="softmax_regression_forward(X, W, b) for X of shape (1, 4)")
    X, _, W, b = random_problem(rng, n=3, h=1)
    grade_forward(student, reference, X, W, b, where="softmax_regression_forward(X, W, b) for W of shape (4, 1)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_forward_integer_input(student, reference, rng):
    """softmax_regression_forward: integer features with float weights"""
    X = rng.integers(-3, 4, (5, 4))
    _, _, W, b = random_problem(rng)
    grade_forward(student, reference, X, W, b, where=f"softmax_regression_forward(X, W, b) for integer X {show(X, limit=20)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_regression_forward_inputs_unchanged(student, reference, rng):
    """softmax_regression_forward: leaves its inputs as they were"""
    X, _, W, b = random_problem(rng)
    args = (X + 3.0, W, b)
    grade_inputs_unchanged(student, reference, "softmax_regression_forward", ("X", "W", "b"), args,
                           oracle.softmax_regression_forward(*args))


# ------------------------------------------------------------------ softmax_regression_loss: 7 points


def grade_loss(student, reference, X, Y, W, b, *, where: str, **kw):
    grade_scalar(student, reference, "softmax_regression_loss", (X, Y, W, b),
                 oracle.softmax_regression_loss(X, Y, W, b), where=where, batch=len(X), **kw)


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_regression_loss_visible(student, reference):
    """softmax_regression_loss: the lecture's 4×3 example costs 0.93352; W = 0 and b = 0 cost log 3"""
    grade_loss(student, reference, np.log(A_LECTURE), Y_LECTURE, np.eye(3), np.zeros(3),
               where="softmax_regression_loss(X, Y, W, b) for the lecture's example (X = log A, W = I, b = 0)")
    X, Y = np.array([[1.0, 2.0], [3.0, 4.0]]), oracle.one_hot([0, 2], 3)
    grade_loss(student, reference, X, Y, np.zeros((2, 3)), np.zeros(3),
               where=f"softmax_regression_loss(X, Y, W, b) for X {show(X)}, Y {show(Y)}, W = 0, b = 0")


@pytest.mark.grade(points=2, visibility="hidden")
def test_softmax_regression_loss_random(student, reference, rng):
    """softmax_regression_loss: random X (6, 4), Y, W and b: the mean over rows of the cross-entropy"""
    X, Y, W, b = random_problem(rng)
    grade_loss(student, reference, X, Y, W, b, where="softmax_regression_loss(X, Y, W, b) for random X (6, 4), W (4, 3)")


@pytest.mark.grade(points=2, visibility="hidden")
def test_softmax_regression_loss_stable(student, reference):
    """softmax_regression_loss: exact and stable for logits up to ±1e4 (log-softmax, not log of softmax)"""
    grade_loss(student, reference, X_LARGE, Y_LARGE, W_LARGE, np.zeros(3),
               where="softmax_regression_loss(X, Y, W, b) for logits from -1e4 to 1e4, a target class 2e4 below the best",
               hint=" (a target logit 2e4 below the largest costs 2e4: compute log-softmax from the logits)")


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_regression_loss_float32(student, reference, rng):
    """softmax_regression_loss: float32 inputs, logits up to ±1e3"""
    X, Y, W, b = [a.astype(np.float32) for a in random_problem(rng, n=5)]
    W[:, 0] *= 200.0  # the logits of class 0 reach about ±1e3: exp overflows float32 without the shift
    grade_loss(student, reference, X, Y, W, b, where="softmax_regression_loss(X, Y, W, b) for float32 inputs with logits up to ±1e3")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_loss_one_row(student, reference, rng):
    """softmax_regression_loss: one example (n = 1) costs -log of its class's probability"""
    X, Y, W, b = random_problem(rng, n=1)
    grade_loss(student, reference, X, Y, W, b, where="softmax_regression_loss(X, Y, W, b) for X of shape (1, 4)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_loss_inputs_unchanged(student, reference, rng):
    """softmax_regression_loss: leaves its inputs as they were"""
    X, Y, W, b = random_problem(rng)
    args = (X + 3.0, Y, W, b)
    grade_inputs_unchanged(student, reference, "softmax_regression_loss", ("X", "Y", "W", "b"), args,
                           oracle.softmax_regression_loss(*args))


# ------------------------------------------------------------------ softmax_regression_grads: 8 points


def grade_grads(student, reference, X, Y, W, b, *, where: str, **kw):
    grade_arrays(student, reference, "softmax_regression_grads", (X, Y, W, b),
                 oracle.softmax_regression_grads(X, Y, W, b), names=("dW", "db"), where=where, batch=len(X), **kw)


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_regression_grads_visible(student, reference):
    """softmax_regression_grads: W = 0 and b = 0 on four examples; then a non-zero W and b"""
    X, Y = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]), oracle.one_hot([0, 1, 2, 2], 3)
    grade_grads(student, reference, X, Y, np.zeros((2, 3)), np.zeros(3),
                where=f"softmax_regression_grads(X, Y, W, b) for X {show(X)}, y = [0, 1, 2, 2], W = 0, b = 0")
    W, b = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]]), np.array([0.5, 0.0, -0.5])
    grade_grads(student, reference, X, Y, W, b,
                where=f"softmax_regression_grads(X, Y, W, b) for X {show(X)}, y = [0, 1, 2, 2], W {show(W)}, b {show(b)}")


@pytest.mark.grade(points=2.5, visibility="hidden")
def test_softmax_regression_grads_random(student, reference, rng):
    """softmax_regression_grads: random X (6, 4), Y, W and b: (Xᵀ(A − Y)/n, mean of the rows of A − Y)"""
    X, Y, W, b = random_problem(rng)
    grade_grads(student, reference, X, Y, W, b, where="softmax_regression_grads(X, Y, W, b) for random X (6, 4), W (4, 3)")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_softmax_regression_grads_square(student, reference, rng):
    """softmax_regression_grads: as many features as classes (W square), many examples (n = 40)"""
    X, Y, W, b = random_problem(rng, n=40, m=3, h=3)
    grade_grads(student, reference, X, Y, W, b, where="softmax_regression_grads(X, Y, W, b) for random X (40, 3), W (3, 3)")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_softmax_regression_grads_stable(student, reference):
    """softmax_regression_grads: stable for logits up to ±1e4 (no RuntimeWarning)"""
    grade_grads(student, reference, X_LARGE, Y_LARGE, W_LARGE, np.zeros(3),
                where="softmax_regression_grads(X, Y, W, b) for logits from -1e4 to 1e4")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_grads_float32(student, reference, rng):
    """softmax_regression_grads: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    X, Y, W, b = [a.astype(np.float32) for a in random_problem(rng)]
    grade_grads(student, reference, X, Y, W, b, where="softmax_regression_grads(X, Y, W, b) for float32 inputs",
                dtype=spec_dtypes(X, Y, W, b))
    X, Y = np.array([[1, 0], [0, 2], [-1, 1]]), np.array([[1, 0], [0, 1], [0, 1]])
    W, b = np.array([[1, -1], [0, 1]]), np.array([0, 1])
    grade_grads(student, reference, X, Y, W, b, where="softmax_regression_grads(X, Y, W, b) for integer inputs",
                dtype=spec_dtypes(X, Y, W, b))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_grads_one_row(student, reference, rng):
    """softmax_regression_grads: one example (n = 1) gives (xᵀ(a − y), a − y)"""
    X, Y, W, b = random_problem(rng, n=1)
    grade_grads(student, reference, X, Y, W, b, where="softmax_regression_grads(X, Y, W, b) for X of shape (1, 4)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_regression_grads_inputs_unchanged(student, reference, rng):
    """softmax_regression_grads: leaves its inputs as they were"""
    X, Y, W, b = random_problem(rng)
    args = (X + 3.0, Y, W, b)
    grade_inputs_unchanged(student, reference, "softmax_regression_grads", ("X", "Y", "W", "b"), args,
                           oracle.softmax_regression_grads(*args))


# ------------------------------------------------------------------ standardize: 5 points


def grade_standardize(student, reference, X_train, X_other, *, where: str, **kw):
    grade_arrays(student, reference, "standardize", (X_train, X_other), oracle.standardize(X_train, X_other),
                 names=("X_train_std", "X_other_std"), where=where, **kw)


@pytest.mark.grade(points=1, visibility="visible")
def test_standardize_visible(student, reference):
    """standardize: three training rows and two other rows, both scaled with the training statistics"""
    X_train, X_other = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]]), np.array([[4.0, 30.0], [0.0, 0.0]])
    grade_standardize(student, reference, X_train, X_other,
                      where=f"standardize(X_train, X_other) for X_train {show(X_train)}, X_other {show(X_other)}")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_standardize_training_statistics(student, reference, rng):
    """standardize: the other rows use the training mean and population deviation (ddof 0), not their own"""
    X_train = rng.normal(0.0, 1.0, (5, 3)) * [1.0, 10.0, 0.1] + [2.0, -5.0, 0.0]
    X_other = rng.normal(3.0, 4.0, (4, 3))
    grade_standardize(student, reference, X_train, X_other,
                      where="standardize(X_train, X_other) for random X_train (5, 3) and X_other (4, 3) of another mean and spread",
                      hint="; use the training rows' mean and np.std (ddof 0) for both arrays")


@pytest.mark.grade(points=1, visibility="hidden")
def test_standardize_zero_spread(student, reference, rng):
    """standardize: a constant feature (or one that varies only by rounding) is only centred"""
    X_train = np.column_stack([rng.normal(0.0, 1.0, 4), np.full(4, 7.0), [0.1 + 0.2, 0.3, 0.3, 0.1 + 0.2]])
    X_other = np.column_stack([rng.normal(0.0, 1.0, 3), [7.0, 8.0, 5.0], [0.3, 1.3, -0.7]])
    grade_standardize(student, reference, X_train, X_other,
                      where="standardize(X_train, X_other) for X_train whose columns 1 and 2 do not vary "
                            "(column 2 only by rounding: 0.1 + 0.2 and 0.3)",
                      hint="; a column whose training deviation is at most 1e-12 · max(1, |mean|) is divided by 1")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_standardize_float32(student, reference, rng):
    """standardize: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    X_train, X_other = rng.normal(1.0, 2.0, (6, 3)).astype(np.float32), rng.normal(0.0, 2.0, (2, 3)).astype(np.float32)
    grade_standardize(student, reference, X_train, X_other, where="standardize(X_train, X_other) for float32 inputs",
                      dtype=spec_dtypes(X_train, X_other))
    X_train, X_other = np.array([[1, 4], [3, 4], [5, 4]]), np.array([[2, 5]])
    grade_standardize(student, reference, X_train, X_other,
                      where=f"standardize(X_train, X_other) for integer X_train {show(X_train)}, X_other {show(X_other)}",
                      dtype=spec_dtypes(X_train, X_other))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_standardize_iris(student, reference):
    """standardize: Iris's 120 training flowers and 30 held-out flowers"""
    X, y = oracle.load_iris()
    X_train, X_other = np.delete(X, np.s_[::5], axis=0), X[::5].copy()
    grade_standardize(student, reference, X_train, X_other, where="standardize(X_train, X_other) for Iris (120 and 30 rows)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_standardize_inputs_unchanged(student, reference, rng):
    """standardize: leaves its inputs as they were"""
    args = (rng.normal(2.0, 3.0, (5, 3)), rng.normal(2.0, 3.0, (4, 3)))
    grade_inputs_unchanged(student, reference, "standardize", ("X_train", "X_other"), args, oracle.standardize(*args))


# ------------------------------------------------------------------ fit_softmax_regression: 7 points

FIT_NAMES = ("W", "b", "losses")


def grade_fit(student, reference, X, y, num_classes: int, *, lr: float, epochs: int, where: str, dtype=None):
    """(W, b, losses) close to the oracle's replay of full-batch gradient descent; losses a list of
    ``epochs`` numbers, losses[k] the loss before step k."""
    W0, b0, L0 = oracle.fit_softmax_regression(X, y, num_classes, lr=lr, epochs=epochs)
    in_dtypes = [X.dtype]

    def judge(reply, who):
        W, b, losses = checks.check_items(reply.value, where=where, count=3, names="the tuple (W, b, losses)")
        W = checks.check_array(W, fn="fit_softmax_regression", where=f"W of {where}", shape=W0.shape, dtype=dtype,
                               in_dtypes=in_dtypes)
        b = checks.check_array(b, fn="fit_softmax_regression", where=f"b of {where}", shape=b0.shape, dtype=dtype,
                               in_dtypes=in_dtypes)
        rtol, atol = checks.tolerance(checks.judging_dtype(W.dtype, in_dtypes), [X])
        if type(losses) not in (list, tuple):
            raise AssertionError(f"{where} returned {checks.type_text(losses)} as losses; expected a list of "
                                 f"{epochs} floats.")
        if len(losses) != epochs:
            raise AssertionError(f"{where} returned {len(losses)} losses; expected one per step, {epochs}.")
        for k, (value, expected) in enumerate(zip(losses, L0)):
            value = checks.check_scalar(value, fn="fit_softmax_regression", where=f"losses[{k}] of {where}")
            checks.check_scalar_close(value, expected, where=f"losses[{k}] of {where}", rtol=rtol, atol=atol,
                                      hint=" (losses[k] is the mean loss before step k: losses[0] is that of W = 0 "
                                           "and b = 0, log h)" if k < 2 else "")
        hint = "; expected W, b ← W, b − lr · gradient of the mean loss, from zero, once per epoch"
        checks.check_close(W, W0, where=f"W of {where}", rtol=rtol, atol=atol, hint=hint)
        checks.check_close(b, b0, where=f"b of {where}", rtol=rtol, atol=atol, hint=hint)
        checks.check_no_warnings(reply.warnings, where=where)
        return W, b

    return both(student, reference, "fit_softmax_regression", (X, y, num_classes), judge, lr=lr, epochs=epochs)


@pytest.mark.grade(points=1, visibility="visible")
def test_fit_softmax_regression_visible(student, reference):
    """fit_softmax_regression: one step of lr = 0.5 from zero on four examples, then 50"""
    X, y = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]), np.array([0, 1, 2, 2])
    for epochs in (1, 50):
        grade_fit(student, reference, X, y, 3, lr=0.5, epochs=epochs,
                  where=f"fit_softmax_regression(X, y, 3, lr=0.5, epochs={epochs}) for X {show(X)}, y {show(y)}")


@pytest.mark.grade(points=2.5, visibility="hidden")
def test_fit_softmax_regression_random(student, reference, rng):
    """fit_softmax_regression: random data (30, 4), lr = 0.3, 25 steps; a class with no example (h = 4, labels 0-2)"""
    X = rng.normal(0.0, 1.0, (30, 4))
    y = np.concatenate([[0, 1, 2], rng.integers(0, 3, 27)])
    grade_fit(student, reference, X, y, 4, lr=0.3, epochs=25,
              where="fit_softmax_regression(X, y, 4, lr=0.3, epochs=25) for random X (30, 4), labels 0 to 2")


@pytest.mark.grade(points=1, visibility="hidden")
def test_fit_softmax_regression_losses_before_steps(student, reference, rng):
    """fit_softmax_regression: losses[k] is the loss before step k (losses[0] = log h), three steps"""
    X = rng.normal(0.0, 1.0, (8, 2))
    y = np.array([0, 1, 2, 3, 4, 0, 1, 2])
    grade_fit(student, reference, X, y, 5, lr=1.0, epochs=3,
              where="fit_softmax_regression(X, y, 5, lr=1.0, epochs=3) for random X (8, 2)")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_fit_softmax_regression_iris(student, reference):
    """fit_softmax_regression: on standardised Iris (lr = 0.5, 100 steps), the oracle's W and b; ≥ 80 % held out"""
    X_train, y_train, X_test, y_test = oracle.iris_split()
    where = "fit_softmax_regression(X_train, y_train, 3, lr=0.5, epochs=100) on standardised Iris"
    W, b = grade_fit(student, reference, X_train, y_train, 3, lr=0.5, epochs=100, where=where)
    held_out = oracle.accuracy(y_test, oracle.predict_classes(X_test, W, b))
    if held_out < 0.8:
        raise AssertionError(f"after {where} the held-out accuracy is {held_out:.1%}; expected at least 80 %.")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_fit_softmax_regression_float32(student, reference, rng):
    """fit_softmax_regression: keeps the float dtype (float32 X gives float32 W and b; integer X float64)"""
    X, y = rng.normal(0.0, 1.0, (10, 3)).astype(np.float32), rng.integers(0, 3, 10)
    grade_fit(student, reference, X, y, 3, lr=0.5, epochs=5, dtype=spec_dtypes(X),
              where="fit_softmax_regression(X, y, 3, lr=0.5, epochs=5) for float32 X (10, 3)")
    X = rng.integers(-2, 3, (6, 2))
    grade_fit(student, reference, X, np.array([0, 1, 1, 0, 1, 0]), 2, lr=0.5, epochs=3, dtype=spec_dtypes(X),
              where=f"fit_softmax_regression(X, y, 2, lr=0.5, epochs=3) for integer X {show(X, limit=12)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_fit_softmax_regression_inputs_unchanged(student, reference, rng):
    """fit_softmax_regression: leaves its inputs as they were"""
    args = (rng.normal(1.0, 1.0, (12, 3)), rng.integers(0, 3, 12), 3)
    W, b, losses = oracle.fit_softmax_regression(*args, lr=0.5, epochs=4)
    grade_inputs_unchanged(student, reference, "fit_softmax_regression", ("X", "y", "num_classes"), args,
                           (W, b, tuple(losses)), lr=0.5, epochs=4)


# ------------------------------------------------------------------ predict_classes: 3 points


def grade_predict(student, reference, X, W, b, *, where: str, dtype=None):
    """Integer labels equal to the oracle's arg-max, except where the top two logits are within float
    rounding of each other (either label is right there)."""
    expected = oracle.predict_classes(X, W, b)
    margins = oracle.logit_margins(X, W, b)
    scale = 1e-5 if np.asarray(X).dtype == np.float32 else 1e-10
    ties = margins <= scale * np.maximum(1.0, np.abs(np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64)).max(axis=1))
    exact_ties = margins == 0

    def judge(reply, who):
        labels = checks.check_array(reply.value, fn="predict_classes", where=where, shape=expected.shape)
        if dtype and labels.dtype.kind not in "iu":
            raise AssertionError(f"{where} returned labels of dtype {labels.dtype}; expected integers.")
        wrong = np.flatnonzero((labels != expected) & (~ties | exact_ties))
        if wrong.size:
            i = int(wrong[0])
            tie = " (a tie: the lowest index wins, as np.argmax gives)" if exact_ties[i] else ""
            raise AssertionError(f"{where}: row {i} is labelled {checks.num(labels[i])}, expected {expected[i]}{tie} "
                                 f"({wrong.size} {'row' if wrong.size == 1 else 'rows'} wrong).")
        checks.check_no_warnings(reply.warnings, where=where)

    both(student, reference, "predict_classes", (X, W, b), judge)


@pytest.mark.grade(points=1, visibility="visible")
def test_predict_classes_visible(student, reference):
    """predict_classes: four examples, the last a three-way tie (the lowest index)"""
    X, W = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [0.0, 0.0]]), np.array([[2.0, 0.0, -1.0], [0.0, 2.0, -1.0]])
    grade_predict(student, reference, X, W, np.zeros(3), where=f"predict_classes(X, W, b) for X {show(X)}, W {show(W)}, b = 0")


@pytest.mark.grade(points=1, visibility="hidden")
def test_predict_classes_random_and_large(student, reference, rng):
    """predict_classes: random X, W and b; logits up to ±1e4 (no RuntimeWarning); ties go to the lowest index"""
    X, _, W, b = random_problem(rng, n=12, m=4, h=5)
    grade_predict(student, reference, X, W, b, where="predict_classes(X, W, b) for random X (12, 4), W (4, 5), b (5,)")
    grade_predict(student, reference, X_LARGE, W_LARGE, np.zeros(3),
                  where="predict_classes(X, W, b) for logits from -1e4 to 1e4")
    X = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, -2.0]])
    W, b = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), np.array([0.0, 0.0, 1.0])
    grade_predict(student, reference, X, W, b, where=f"predict_classes(X, W, b) for tied logits, X {show(X)}, W {show(W)}, b {show(b)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_predict_classes_integer_labels(student, reference, rng):
    """predict_classes: returns integer labels, shape (n,), also for float32 inputs"""
    X, _, W, b = [a.astype(np.float32) for a in random_problem(rng, n=7)]
    grade_predict(student, reference, X, W, b, where="predict_classes(X, W, b) for float32 X (7, 4)", dtype=True)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_predict_classes_inputs_unchanged(student, reference, rng):
    """predict_classes: leaves its inputs as they were"""
    X, _, W, b = random_problem(rng)
    args = (X + 3.0, W, b)
    grade_inputs_unchanged(student, reference, "predict_classes", ("X", "W", "b"), args,
                           oracle.predict_classes(*args).astype(np.float64))


# ------------------------------------------------------------------ accuracy: 3 points


def grade_accuracy(student, reference, y_true, y_pred, *, where: str):
    grade_scalar(student, reference, "accuracy", (y_true, y_pred), oracle.accuracy(y_true, y_pred), where=where)


@pytest.mark.grade(points=1, visibility="visible")
def test_accuracy_visible(student, reference):
    """accuracy: [0, 1, 2, 2] against [0, 1, 1, 2] is 0.75"""
    y_true, y_pred = np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])
    grade_accuracy(student, reference, y_true, y_pred, where=f"accuracy(y_true, y_pred) for y_true {show(y_true)}, y_pred {show(y_pred)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_accuracy_random(student, reference, rng):
    """accuracy: random labels (n = 37), int32 against int64; all right gives 1.0, all wrong 0.0"""
    y_true = rng.integers(0, 4, 37)
    y_pred = np.where(rng.random(37) < 0.6, y_true, rng.integers(0, 4, 37)).astype(np.int32)
    grade_accuracy(student, reference, y_true, y_pred, where="accuracy(y_true, y_pred) for random labels, n = 37")
    grade_accuracy(student, reference, y_true, y_true.copy(), where="accuracy(y, y) for random labels, n = 37")
    grade_accuracy(student, reference, y_true, y_true + 1, where="accuracy(y, y + 1) for random labels, n = 37")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_accuracy_lengths_differ(student, reference):
    """accuracy: ValueError when the lengths differ"""
    grade_raises_value_error(student, reference, "accuracy", (np.array([0, 1, 2]), np.array([0, 1])),
                             where="accuracy(y_true, y_pred) for y_true of length 3 and y_pred of length 2")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_accuracy_empty(student, reference):
    """accuracy: ValueError for two empty arrays"""
    empty = np.zeros(0, dtype=np.int64)
    grade_raises_value_error(student, reference, "accuracy", (empty, empty.copy()),
                             where="accuracy(y_true, y_pred) for two empty arrays")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_accuracy_inputs_unchanged(student, reference, rng):
    """accuracy: leaves its inputs as they were"""
    y_true = rng.integers(0, 3, 9)
    # 3 to 6 of the 9 predictions wrong: never an accuracy of 0 or 1, which a function returning a constant
    # would hit by chance (random labels all differ about once in 40 seeds)
    wrong = rng.choice(9, int(rng.integers(3, 7)), replace=False)
    y_pred = y_true.copy()
    y_pred[wrong] = (y_pred[wrong] + 1) % 3
    args = (y_true, y_pred)
    grade_inputs_unchanged(student, reference, "accuracy", ("y_true", "y_pred"), args, oracle.accuracy(*args))

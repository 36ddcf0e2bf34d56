"""PS1 part 2: one_hot, the three losses, their gradients and logistic regression's gradient."""
import numpy as np
import pytest

from autograder.suitelib import checks
from . import oracle
from autograder.suitelib.checks import show, spec_dtypes
from autograder.suitelib.calls import both, grade_array, grade_raises_value_error, grade_scalar
from autograder.suitelib.inputs import grade_inputs_unchanged


def random_one_hot(rng, n: int, c: int, dtype=np.float64) -> np.ndarray:
    return oracle.one_hot(rng.integers(0, c, n), c).astype(dtype)


# ------------------------------------------------------------------ one_hot: 3 points


@pytest.mark.grade(points=1, visibility="visible")
def test_one_hot_visible(student, reference):
    """one_hot: one_hot([0, 2], 3) = [[1, 0, 0], [0, 0, 1]]"""
    labels = np.array([0, 2])
    grade_array(student, reference, "one_hot", (labels, 3), oracle.one_hot(labels, 3),
                where=f"one_hot(labels, 3) for labels {show(labels)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_one_hot_random(student, reference, rng):
    """one_hot: random labels, N = 9 and C = 5"""
    labels = rng.integers(0, 5, 9)
    grade_array(student, reference, "one_hot", (labels, 5), oracle.one_hot(labels, 5),
                where=f"one_hot(labels, 5) for labels {show(labels, limit=10)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_one_hot_other_dtypes_and_unused_classes(student, reference):
    """one_hot: int32 and uint8 labels, with classes that never occur, still give C float64 columns"""
    for labels in (np.array([1, 1, 3], dtype=np.uint8), np.array([4, 0, 4, 2], dtype=np.int32)):
        grade_array(student, reference, "one_hot", (labels, 7), oracle.one_hot(labels, 7), dtype=np.float64,
                    where=f"one_hot(labels, 7) for labels {show(labels)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_one_hot_label_too_large(student, reference):
    """one_hot: ValueError for a label equal to num_classes"""
    labels = np.array([0, 3, 1])
    grade_raises_value_error(student, reference, "one_hot", (labels, 3), where=f"one_hot(labels, 3) for labels {show(labels)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_one_hot_negative_label(student, reference):
    """one_hot: ValueError for a negative label"""
    labels = np.array([0, -1, 2])
    grade_raises_value_error(student, reference, "one_hot", (labels, 3), where=f"one_hot(labels, 3) for labels {show(labels)}")


# ------------------------------------------------------------------ binary_cross_entropy: 4 points


@pytest.mark.grade(points=1, visibility="visible")
def test_binary_cross_entropy_visible(student, reference):
    """binary_cross_entropy: o = [0.5, 0.5] costs log 2, o = [0.9, 0.2] for t = [1, 0] costs 0.16425"""
    t = np.array([1.0, 0.0])
    for o in (np.array([0.5, 0.5]), np.array([0.9, 0.2])):
        grade_scalar(student, reference, "binary_cross_entropy", (o, t), oracle.binary_cross_entropy(o, t),
                     where=f"binary_cross_entropy(o, t) for o {show(o)} and t {show(t)}", batch=2)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_random(student, reference, rng):
    """binary_cross_entropy: random 1-D probabilities, the mean over the batch"""
    o, t = rng.uniform(0.02, 0.98, 8), rng.integers(0, 2, 8).astype(np.float64)
    grade_scalar(student, reference, "binary_cross_entropy", (o, t), oracle.binary_cross_entropy(o, t),
                 where=f"binary_cross_entropy(o, t) for o and t of shape {o.shape}", batch=8)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_2d(student, reference, rng):
    """binary_cross_entropy: 2-D o and integer t, the mean over all elements"""
    o, t = rng.uniform(0.02, 0.98, (4, 3)), rng.integers(0, 2, (4, 3))
    grade_scalar(student, reference, "binary_cross_entropy", (o, t), oracle.binary_cross_entropy(o, t),
                 where=f"binary_cross_entropy(o, t) for o of shape {o.shape} and integer t", batch=12)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_clamp(student, reference, rng):
    """binary_cross_entropy: probabilities exactly 0 and 1 give a finite loss (log clamped at -100), no warning"""
    o = np.array([0.0, 1.0, 0.0, 1.0, 0.3, 0.6, 1e-50])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    grade_scalar(student, reference, "binary_cross_entropy", (o, t), oracle.binary_cross_entropy(o, t),
                 where=f"binary_cross_entropy(o, t) for o {show(o)} and t {show(t)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_perfect(student, reference, rng):
    """binary_cross_entropy: perfect predictions (o = t, exactly 0 and 1) give 0, no warning"""
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    grade_scalar(student, reference, "binary_cross_entropy", (t.copy(), t), oracle.binary_cross_entropy(t, t),
                 where=f"binary_cross_entropy(o, t) for o = t {show(t)[2:]}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_float32(student, reference, rng):
    """binary_cross_entropy: float32 probabilities and targets"""
    o = rng.uniform(0.02, 0.98, 10).astype(np.float32)
    t = rng.integers(0, 2, 10).astype(np.float32)
    grade_scalar(student, reference, "binary_cross_entropy", (o, t), oracle.binary_cross_entropy(o, t),
                 where="binary_cross_entropy(o, t) for float32 o and t of shape (10,)", batch=10)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_binary_cross_entropy_inputs_unchanged(student, reference, rng):
    """binary_cross_entropy: leaves its inputs as they were (probabilities of 0 and 1 too)"""
    o = np.concatenate([[0.0, 1.0, 1e-20], rng.uniform(0.02, 0.98, 7)])
    args = (o, np.concatenate([[1.0, 0.0, 1.0], rng.integers(0, 2, 7)]).astype(np.float64))
    grade_inputs_unchanged(student, reference, "binary_cross_entropy", ("o", "t"), args,
                           oracle.binary_cross_entropy(*args))


# ------------------------------------------------------------------ cross_entropy: 4 points


@pytest.mark.grade(points=1, visibility="visible")
def test_cross_entropy_visible(student, reference):
    """cross_entropy: two rows, -(log 0.7 + log 0.8) / 2 = 0.28991"""
    y_hat = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    grade_scalar(student, reference, "cross_entropy", (y_hat, y), oracle.cross_entropy(y_hat, y),
                 where=f"cross_entropy(y_hat, y) for y_hat {show(y_hat)} and y {show(y)}", batch=2)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_cross_entropy_random(student, reference, rng):
    """cross_entropy: random probabilities, N = 6 rows and C = 4 classes, the mean over rows"""
    y_hat = oracle.softmax(rng.normal(0.0, 1.5, (6, 4)))
    y = random_one_hot(rng, 6, 4)
    grade_scalar(student, reference, "cross_entropy", (y_hat, y), oracle.cross_entropy(y_hat, y),
                 where=f"cross_entropy(y_hat, y) for y_hat and y of shape {y.shape}", batch=6)


@pytest.mark.grade(points=1, visibility="hidden")
def test_cross_entropy_zero_probabilities(student, reference):
    """cross_entropy: probabilities exactly 0 (log clamped at -100) give a finite loss, no warning"""
    y_hat = np.array([[0.0, 1.0, 0.0], [0.2, 0.8, 0.0], [0.5, 0.0, 0.5]])
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    grade_scalar(student, reference, "cross_entropy", (y_hat, y), oracle.cross_entropy(y_hat, y),
                 where=f"cross_entropy(y_hat, y) for y_hat {show(y_hat, limit=9)} and y {show(y, limit=9)}", batch=3)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_cross_entropy_float32(student, reference, rng):
    """cross_entropy: float32 probabilities and targets"""
    y_hat = oracle.softmax(rng.normal(0.0, 1.5, (5, 3))).astype(np.float32)
    y = random_one_hot(rng, 5, 3, np.float32)
    grade_scalar(student, reference, "cross_entropy", (y_hat, y), oracle.cross_entropy(y_hat, y),
                 where="cross_entropy(y_hat, y) for float32 y_hat and y of shape (5, 3)", batch=5)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_cross_entropy_one_row(student, reference, rng):
    """cross_entropy: a single row (N = 1) gives -log of the true class's probability"""
    y_hat = oracle.softmax(rng.normal(0.0, 1.5, (1, 5)))
    y = random_one_hot(rng, 1, 5)
    grade_scalar(student, reference, "cross_entropy", (y_hat, y), oracle.cross_entropy(y_hat, y),
                 where=f"cross_entropy(y_hat, y) for y_hat {show(y_hat)} and y {show(y)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_cross_entropy_inputs_unchanged(student, reference, rng):
    """cross_entropy: leaves its inputs as they were (probabilities of 0 too)"""
    y_hat = np.array([[0.0, 1.0, 0.0], [0.2, 0.8, 0.0], [0.5, 0.0, 0.5], [0.1, 0.6, 0.3]])
    args = (y_hat, random_one_hot(rng, 4, 3))
    grade_inputs_unchanged(student, reference, "cross_entropy", ("y_hat", "y"), args, oracle.cross_entropy(*args))


# ------------------------------------------------------------------ softmax_cross_entropy: 5 points

LARGE_LOGITS = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [0.0, 0.0, 0.0], [-1e4, -1e4, -1e4 + 1.0],
                         [5e3, 5e3, -5e3]])
LARGE_TARGETS = oracle.one_hot(np.array([0, 0, 2, 1, 1]), 3)


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_cross_entropy_visible(student, reference):
    """softmax_cross_entropy: logits [1, 2, 3] with class 2 cost -log 0.66524 = 0.40761"""
    logits, y = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]])
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where=f"softmax_cross_entropy(logits, y) for logits {show(logits)} and y {show(y)}")
    logits, y = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]), np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where=f"softmax_cross_entropy(logits, y) for logits {show(logits)} and y {show(y)}", batch=2)


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_cross_entropy_random(student, reference, rng):
    """softmax_cross_entropy: random logits, N = 5 and C = 7, the mean over rows"""
    logits, y = rng.normal(0.0, 3.0, (5, 7)), random_one_hot(rng, 5, 7)
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where=f"softmax_cross_entropy(logits, y) for logits and y of shape {y.shape}", batch=5)


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_cross_entropy_stable(student, reference):
    """softmax_cross_entropy: exact (no clamp) and stable for logits up to |z| = 1e4, no warning"""
    grade_scalar(student, reference, "softmax_cross_entropy", (LARGE_LOGITS, LARGE_TARGETS),
                 oracle.softmax_cross_entropy(LARGE_LOGITS, LARGE_TARGETS),
                 where=f"softmax_cross_entropy(logits, y) for logits {show(LARGE_LOGITS, limit=16)} "
                       f"and y {show(LARGE_TARGETS, limit=16)}",
                 hint=" (a target logit 2e4 below the largest costs 2e4: use log-softmax, not log(softmax))")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_float32(student, reference, rng):
    """softmax_cross_entropy: float32 logits up to |z| = 1e3"""
    logits = np.vstack([rng.normal(0.0, 3.0, (3, 4)), [[1e3, -1e3, 0.0, 999.0]], [[-1e3, -1e3, -999.0, -1e3]]])
    logits = logits.astype(np.float32)
    # fixed targets in the two large rows: the class 2e3 below the top (its softmax underflows to 0 in
    # float32, so log(softmax) gives inf on every seed) and a class 1 below the top
    y = np.vstack([random_one_hot(rng, 3, 4), oracle.one_hot(np.array([1, 0]), 4)]).astype(np.float32)
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where="softmax_cross_entropy(logits, y) for float32 logits of shape (5, 4) with entries up to 1e3")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_integer_logits(student, reference, rng):
    """softmax_cross_entropy: integer logits and targets"""
    logits = rng.integers(-4, 5, (4, 3))
    y = random_one_hot(rng, 4, 3, np.int64)
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where=f"softmax_cross_entropy(logits, y) for integer logits {show(logits, limit=12)} "
                       f"and integer y {show(y, limit=12)}", batch=4)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_one_row(student, reference, rng):
    """softmax_cross_entropy: a single row (N = 1)"""
    logits, y = rng.normal(0.0, 3.0, (1, 6)), random_one_hot(rng, 1, 6)
    grade_scalar(student, reference, "softmax_cross_entropy", (logits, y), oracle.softmax_cross_entropy(logits, y),
                 where=f"softmax_cross_entropy(logits, y) for logits {show(logits)} and y {show(y)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_inputs_unchanged(student, reference, rng):
    """softmax_cross_entropy: leaves its inputs as they were"""
    args = (rng.normal(0.0, 3.0, (5, 7)) + 2.0, random_one_hot(rng, 5, 7))
    grade_inputs_unchanged(student, reference, "softmax_cross_entropy", ("logits", "y"), args,
                           oracle.softmax_cross_entropy(*args))


# ------------------------------------------------------------------ softmax_cross_entropy_grad: 5 points


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_cross_entropy_grad_visible(student, reference):
    """softmax_cross_entropy_grad: softmax(z) - y for one row, divided by N = 2 for two"""
    for n in (1, 2):
        logits, y = np.array([[1.0, 2.0, 3.0]] * n), np.array([[0.0, 0.0, 1.0]] * n)
        grade_array(student, reference, "softmax_cross_entropy_grad", (logits, y),
                    oracle.softmax_cross_entropy_grad(logits, y), batch=n,
                    where=f"softmax_cross_entropy_grad(logits, y) for logits {show(logits)} and y {show(y)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_cross_entropy_grad_random(student, reference, rng):
    """softmax_cross_entropy_grad: random logits, N = 5 and C = 7 (the gradient of the mean)"""
    logits, y = rng.normal(0.0, 3.0, (5, 7)), random_one_hot(rng, 5, 7)
    grade_array(student, reference, "softmax_cross_entropy_grad", (logits, y),
                oracle.softmax_cross_entropy_grad(logits, y), batch=5,
                where=f"softmax_cross_entropy_grad(logits, y) for logits and y of shape {y.shape}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_cross_entropy_grad_stable(student, reference):
    """softmax_cross_entropy_grad: stable for logits up to |z| = 1e4, no warning"""
    grade_array(student, reference, "softmax_cross_entropy_grad", (LARGE_LOGITS, LARGE_TARGETS),
                oracle.softmax_cross_entropy_grad(LARGE_LOGITS, LARGE_TARGETS), batch=5,
                where=f"softmax_cross_entropy_grad(logits, y) for logits {show(LARGE_LOGITS, limit=16)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_grad_float32(student, reference, rng):
    """softmax_cross_entropy_grad: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    logits = rng.normal(0.0, 3.0, (4, 5)).astype(np.float32)
    y = random_one_hot(rng, 4, 5, np.float32)
    grade_array(student, reference, "softmax_cross_entropy_grad", (logits, y),
                oracle.softmax_cross_entropy_grad(logits, y), batch=4, dtype=spec_dtypes(logits, y),
                where="softmax_cross_entropy_grad(logits, y) for float32 logits and y of shape (4, 5)")
    logits, y = np.array([[2, 0, -1], [0, 1, 1]]), np.array([[1, 0, 0], [0, 0, 1]])
    grade_array(student, reference, "softmax_cross_entropy_grad", (logits, y),
                oracle.softmax_cross_entropy_grad(logits, y), batch=2, dtype=spec_dtypes(logits, y),
                where=f"softmax_cross_entropy_grad(logits, y) for integer logits {show(logits)} and y {show(y)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_grad_mixed_precision(student, reference, rng):
    """softmax_cross_entropy_grad: float32 with float64 inputs (either dtype, to float32 tolerance)"""
    logits, y = rng.normal(0.0, 3.0, (4, 5)), random_one_hot(rng, 4, 5)
    for lg, yy in ((logits.astype(np.float32), y), (logits, y.astype(np.float32))):
        grade_array(student, reference, "softmax_cross_entropy_grad", (lg, yy),
                    oracle.softmax_cross_entropy_grad(lg, yy), batch=4,
                    where=f"softmax_cross_entropy_grad(logits, y) for {lg.dtype} logits and {yy.dtype} y")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_grad_one_row(student, reference, rng):
    """softmax_cross_entropy_grad: a single row (N = 1) gives softmax(z) - y"""
    logits, y = rng.normal(0.0, 3.0, (1, 6)), random_one_hot(rng, 1, 6)
    grade_array(student, reference, "softmax_cross_entropy_grad", (logits, y),
                oracle.softmax_cross_entropy_grad(logits, y),
                where=f"softmax_cross_entropy_grad(logits, y) for logits {show(logits)} and y {show(y)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_cross_entropy_grad_inputs_unchanged(student, reference, rng):
    """softmax_cross_entropy_grad: leaves its inputs as they were"""
    args = (rng.normal(0.0, 3.0, (5, 7)) + 2.0, random_one_hot(rng, 5, 7))
    grade_inputs_unchanged(student, reference, "softmax_cross_entropy_grad", ("logits", "y"), args,
                           oracle.softmax_cross_entropy_grad(*args))


# ------------------------------------------------------------------ logistic_regression_grad: 4 points


def grade_logistic(student, reference, x, t, w, b, *, where: str, batch: int | None = None,
                   check_dtype: bool = False) -> None:
    """(dw, db): dw shaped like w, db a float, both close to the oracle's; with check_dtype, dw has SPEC's
    dtype (that of x, t and w: the Python float b never decides it)."""
    exp_dw, exp_db = oracle.logistic_regression_grad(x, t, w, b)
    in_dtypes = [x.dtype, t.dtype, w.dtype]

    def judge(reply, who):
        dw, db = checks.check_pair(reply.value, where=where, names="(dw, db)")
        dw = checks.check_array(dw, fn="logistic_regression_grad", where=f"dw of {where}", shape=w.shape,
                                dtype=spec_dtypes(x, t, w) if check_dtype else None, in_dtypes=in_dtypes)
        rtol, atol = checks.tolerance(checks.judging_dtype(dw.dtype, in_dtypes), [x, t, w, b])
        checks.check_close(dw, exp_dw, where=f"dw of {where}", rtol=rtol, atol=atol, batch=batch)
        raw_db = db
        db = checks.check_scalar(db, fn="logistic_regression_grad", where=f"db of {where}")
        rtol, atol = checks.tolerance(checks.judging_dtype(checks.scalar_dtype(raw_db), in_dtypes), [x, t, w, b])
        checks.check_scalar_close(db, exp_db, where=f"db of {where}", rtol=rtol, atol=atol, batch=batch)
        checks.check_no_warnings(reply.warnings, where=where)

    both(student, reference, "logistic_regression_grad", (x, t, w, b), judge)


@pytest.mark.grade(points=1, visibility="visible")
def test_logistic_regression_grad_visible(student, reference):
    """logistic_regression_grad: w = 0, b = 0 on two examples gives dw = [0.5, 0.5], db = 0; a non-zero w and b"""
    x, t, w = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 0.0]), np.zeros(2)
    grade_logistic(student, reference, x, t, w, 0.0, batch=2,
                   where=f"logistic_regression_grad(x, t, w, b) for x {show(x)}, t {show(t)}, w = 0, b = 0")
    x2, w2 = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([0.5, -0.25])
    grade_logistic(student, reference, x2, t, w2, 0.5, batch=2,
                   where=f"logistic_regression_grad(x, t, w, b) for x {show(x2)}, t {show(t)}, w {show(w2)}, b = 0.5")
    grade_logistic(student, reference, x[:1], t[:1], w, 0.0,
                   where=f"logistic_regression_grad(x, t, w, b) for x {show(x[:1])}, t {show(t[:1])}, w = 0, b = 0")


@pytest.mark.grade(points=1, visibility="hidden")
def test_logistic_regression_grad_random(student, reference, rng):
    """logistic_regression_grad: random x (N = 6, D = 3), t, w and b (gradients of the mean BCE)"""
    x, t = rng.normal(0.0, 1.0, (6, 3)), rng.integers(0, 2, 6).astype(np.float64)
    w, b = rng.normal(0.0, 1.0, 3), float(rng.normal())
    grade_logistic(student, reference, x, t, w, b, batch=6,
                   where="logistic_regression_grad(x, t, w, b) for random x of shape (6, 3)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_logistic_regression_grad_float32(student, reference, rng):
    """logistic_regression_grad: keeps the float dtype (float32 x, t, w and a Python float b give a float32 dw)"""
    x0, t0 = rng.normal(0.0, 1.0, (5, 4)), rng.integers(0, 2, 5)
    w0, b = rng.normal(0.0, 1.0, 4), float(rng.normal())
    for dtype in ("float32", "float64"):
        x, t, w = x0.astype(dtype), t0.astype(dtype), w0.astype(dtype)
        grade_logistic(student, reference, x, t, w, b, batch=5, check_dtype=True,
                       where=f"logistic_regression_grad(x, t, w, b) for {dtype} x of shape (5, 4), t and w "
                             f"and a Python float b")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_logistic_regression_grad_one_example(student, reference, rng):
    """logistic_regression_grad: a single example (N = 1)"""
    x, t = rng.normal(0.0, 1.0, (1, 3)), np.array([1.0])
    w, b = rng.normal(0.0, 1.0, 3), float(rng.normal())
    grade_logistic(student, reference, x, t, w, b,
                   where=f"logistic_regression_grad(x, t, w, b) for x {show(x)}, t = [1], w {show(w)}, b = {b:.4g}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_logistic_regression_grad_large_logits(student, reference, rng):
    """logistic_regression_grad: stable when x w + b reaches ±1e4, no warning"""
    x, t = rng.normal(0.0, 1.0, (8, 3)), rng.integers(0, 2, 8).astype(np.float64)
    w = rng.normal(0.0, 1.0, 3)
    w *= 1e4 / np.max(np.abs(x @ w))
    grade_logistic(student, reference, x, t, w, 0.0, batch=8,
                   where="logistic_regression_grad(x, t, w, b) for x w + b from -1e4 to 1e4")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_logistic_regression_grad_inputs_unchanged(student, reference, rng):
    """logistic_regression_grad: leaves its inputs as they were"""
    args = (rng.normal(0.0, 1.0, (6, 3)), rng.integers(0, 2, 6).astype(np.float64), rng.normal(0.0, 1.0, 3),
            float(rng.normal()))
    grade_inputs_unchanged(student, reference, "logistic_regression_grad", ("x", "t", "w", "b"), args,
                           oracle.logistic_regression_grad(*args))

"""PS2 part 2: output layer and loss chosen together (output_loss, output_delta for each kind)."""
import numpy as np
import pytest

from autograder.suitelib.calls import grade_array, grade_raises_value_error, grade_scalar
from autograder.suitelib.checks import show, spec_dtypes
from autograder.suitelib.inputs import grade_inputs_unchanged
from . import oracle

KINDS = list(oracle.KINDS)
HINT_MEAN = {"linear_mse": " (the loss sums over the k outputs and averages over the n examples; PyTorch's "
                           "reduction='mean' averages over n·k)",
             "sigmoid_bce": " (the loss sums over the k outputs and averages over the n examples)",
             "softmax_ce": " (the loss averages the cross-entropy over the n rows)"}


def targets(kind: str, rng, n: int, k: int, dtype=np.float64) -> np.ndarray:
    """Real values for linear_mse, independent 0/1 labels for sigmoid_bce, one-hot rows for softmax_ce."""
    if kind == "linear_mse":
        return rng.normal(0.0, 2.0, (n, k)).astype(dtype)
    if kind == "sigmoid_bce":
        return rng.integers(0, 2, (n, k)).astype(dtype)
    return oracle.one_hot(rng.integers(0, k, n), k).astype(dtype)


# Pre-activations of ±1e4: exp(1e4) overflows, σ(-1e4) and a softmax 2e4 below the best underflow to 0.
A_LARGE = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [0.5, -1e4, 1e4]])
Y_LARGE = {"linear_mse": np.array([[1e4, -1e4, 1.0], [0.0, 1e4, 5e3], [0.0, 0.0, 1e4]]),
           "sigmoid_bce": np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]),
           "softmax_ce": oracle.one_hot([1, 0, 1], 3)}


def small_case(kind: str):
    a = np.array([[1.0, 2.0, -1.0], [0.0, -2.0, 0.5]])
    y = {"linear_mse": np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.0]]),
         "sigmoid_bce": np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
         "softmax_ce": oracle.one_hot([1, 2], 3)}[kind]
    return a, y


# ------------------------------------------------------------------ output_loss: 9 points


def grade_loss(student, reference, kind, a, y, *, where: str, hint: str = ""):
    grade_scalar(student, reference, "output_loss", (kind, a, y), oracle.output_loss(kind, a, y), where=where,
                 batch=len(a), hint=hint)


@pytest.mark.grade(points=1.5, visibility="visible")
def test_output_loss_visible(student, reference):
    """output_loss: each kind on two examples with three outputs; the lecture's example for softmax_ce"""
    for kind in KINDS:
        a, y = small_case(kind)
        grade_loss(student, reference, kind, a, y, where=f"output_loss({kind!r}, a, y) for a {show(a)}, y {show(y)}")
    grade_loss(student, reference, "softmax_ce", np.log(np.array([[0.3792, 0.3104, 0.3104], [0.3072, 0.4147, 0.2780],
                                                                 [0.4263, 0.2248, 0.3490], [0.2668, 0.2978, 0.4354]])),
               oracle.one_hot([0, 1, 2, 2], 3), where="output_loss('softmax_ce', log A, Y) for the lecture's example")


@pytest.mark.grade(points=3, visibility="hidden")
@pytest.mark.parametrize("kind", KINDS)
def test_output_loss_random(student, reference, rng, kind):
    """output_loss: random pre-activations (n = 5, k = 4), the sum over outputs averaged over examples"""
    a = rng.normal(0.0, 2.0, (5, 4))
    y = targets(kind, rng, 5, 4)
    grade_loss(student, reference, kind, a, y, where=f"output_loss({kind!r}, a, y) for random a and y of shape (5, 4)",
               hint=HINT_MEAN[kind])


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_loss_reduction(student, reference):
    """output_loss: two examples with four outputs: the sum over the k outputs, the mean over the n examples"""
    a = np.array([[1.0, -1.0, 2.0, 0.0], [0.5, 0.5, -2.0, 3.0]])
    for kind in KINDS:
        y = {"linear_mse": np.zeros((2, 4)), "sigmoid_bce": np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]]),
             "softmax_ce": oracle.one_hot([2, 3], 4)}[kind]
        grade_loss(student, reference, kind, a, y, where=f"output_loss({kind!r}, a, y) for a {show(a)}, y {show(y)}",
                   hint=HINT_MEAN[kind])


@pytest.mark.grade(points=1, visibility="hidden")
def test_output_loss_sigmoid_bce_stable(student, reference):
    """output_loss: sigmoid_bce exact and stable for pre-activations up to ±1e4 (from the logits, no RuntimeWarning)"""
    y = Y_LARGE["sigmoid_bce"]
    grade_loss(student, reference, "sigmoid_bce", A_LARGE, y,
               where="output_loss('sigmoid_bce', a, y) for a from -1e4 to 1e4",
               hint=" (log σ(a) of a = -1e4 is -1e4: compute the loss from a, max(a, 0) − a y + log(1 + e^−|a|))")


@pytest.mark.grade(points=1, visibility="hidden")
def test_output_loss_softmax_ce_stable(student, reference):
    """output_loss: softmax_ce exact and stable for logits up to ±1e4 (log-softmax, no RuntimeWarning)"""
    grade_loss(student, reference, "softmax_ce", A_LARGE, Y_LARGE["softmax_ce"],
               where="output_loss('softmax_ce', a, y) for logits from -1e4 to 1e4, a target 2e4 below the best",
               hint=" (compute log-softmax from the logits, not log of the softmax)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_loss_linear_mse_large(student, reference):
    """output_loss: linear_mse for values up to ±1e4"""
    grade_loss(student, reference, "linear_mse", A_LARGE, Y_LARGE["linear_mse"],
               where="output_loss('linear_mse', a, y) for a and y from -1e4 to 1e4")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_loss_unknown_kind(student, reference):
    """output_loss: ValueError for an unknown kind"""
    a, y = small_case("linear_mse")
    for kind in ("mse", "softmax"):
        grade_raises_value_error(student, reference, "output_loss", (kind, a, y), where=f"output_loss({kind!r}, a, y)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_loss_float32(student, reference, rng):
    """output_loss: float32 a and y, each kind"""
    for kind in KINDS:
        a = rng.normal(0.0, 3.0, (4, 3)).astype(np.float32)
        y = targets(kind, rng, 4, 3, np.float32)
        grade_loss(student, reference, kind, a, y, where=f"output_loss({kind!r}, a, y) for float32 a and y of shape (4, 3)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_loss_inputs_unchanged(student, reference, rng):
    """output_loss: leaves its inputs as they were"""
    for kind in KINDS:
        args = (kind, rng.normal(2.0, 3.0, (4, 3)), targets(kind, rng, 4, 3))
        grade_inputs_unchanged(student, reference, "output_loss", ("kind", "a", "y"), args, oracle.output_loss(*args))


# ------------------------------------------------------------------ output_delta: 9 points


def grade_delta(student, reference, kind, a, y, *, where: str, **kw):
    grade_array(student, reference, "output_delta", (kind, a, y), oracle.output_delta(kind, a, y), where=where,
                batch=len(a), **kw)


@pytest.mark.grade(points=1.5, visibility="visible")
def test_output_delta_visible(student, reference):
    """output_delta: each kind on two examples with three outputs: (ŷ − y)/n, and 2(a − y)/n for linear_mse"""
    for kind in KINDS:
        a, y = small_case(kind)
        grade_delta(student, reference, kind, a, y, where=f"output_delta({kind!r}, a, y) for a {show(a)}, y {show(y)}")


@pytest.mark.grade(points=3, visibility="hidden")
@pytest.mark.parametrize("kind", KINDS)
def test_output_delta_random(student, reference, rng, kind):
    """output_delta: random pre-activations (n = 5, k = 4), the gradient of the mean loss"""
    a = rng.normal(0.0, 2.0, (5, 4))
    y = targets(kind, rng, 5, 4)
    grade_delta(student, reference, kind, a, y, where=f"output_delta({kind!r}, a, y) for random a and y of shape (5, 4)")


@pytest.mark.grade(points=1, visibility="hidden")
def test_output_delta_reduction(student, reference):
    """output_delta: two examples with four outputs (the gradient of the sum over outputs, mean over examples)"""
    a = np.array([[1.0, -1.0, 2.0, 0.0], [0.5, 0.5, -2.0, 3.0]])
    for kind in KINDS:
        y = {"linear_mse": np.zeros((2, 4)), "sigmoid_bce": np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]]),
             "softmax_ce": oracle.one_hot([2, 3], 4)}[kind]
        grade_delta(student, reference, kind, a, y, where=f"output_delta({kind!r}, a, y) for a {show(a)}, y {show(y)}")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_output_delta_stable(student, reference):
    """output_delta: stable for pre-activations up to ±1e4, each kind (no RuntimeWarning)"""
    for kind in KINDS:
        grade_delta(student, reference, kind, A_LARGE, Y_LARGE[kind],
                    where=f"output_delta({kind!r}, a, y) for a from -1e4 to 1e4")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_delta_unknown_kind(student, reference):
    """output_delta: ValueError for an unknown kind"""
    a, y = small_case("linear_mse")
    for kind in ("mse", "softmax"):
        grade_raises_value_error(student, reference, "output_delta", (kind, a, y), where=f"output_delta({kind!r}, a, y)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_delta_float32(student, reference, rng):
    """output_delta: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    for kind in KINDS:
        a = rng.normal(0.0, 3.0, (4, 3)).astype(np.float32)
        y = targets(kind, rng, 4, 3, np.float32)
        grade_delta(student, reference, kind, a, y, where=f"output_delta({kind!r}, a, y) for float32 a and y",
                    dtype=spec_dtypes(a, y))
    a, y = np.array([[2, -1], [0, 3]]), np.array([[1, 0], [0, 1]])
    grade_delta(student, reference, "softmax_ce", a, y, where="output_delta('softmax_ce', a, y) for integer a and y",
                dtype=spec_dtypes(a, y))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_delta_one_example(student, reference, rng):
    """output_delta: one example (n = 1), each kind"""
    for kind in KINDS:
        a, y = rng.normal(0.0, 2.0, (1, 5)), targets(kind, rng, 1, 5)
        grade_delta(student, reference, kind, a, y, where=f"output_delta({kind!r}, a, y) for a and y of shape (1, 5)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_output_delta_inputs_unchanged(student, reference, rng):
    """output_delta: leaves its inputs as they were"""
    for kind in KINDS:
        args = (kind, rng.normal(2.0, 3.0, (4, 3)), targets(kind, rng, 4, 3))
        grade_inputs_unchanged(student, reference, "output_delta", ("kind", "a", "y"), args, oracle.output_delta(*args))

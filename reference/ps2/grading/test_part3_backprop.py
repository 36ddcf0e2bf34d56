"""PS2 part 3: backpropagation through a network of any depth (mlp_forward, mlp_grads), against autograd."""
import numpy as np
import pytest

from autograder.suitelib import checks
from autograder.suitelib.calls import both, grade_array, grade_raises_value_error, rows_sum_to_one
from autograder.suitelib.checks import show, spec_dtypes
from autograder.suitelib.inputs import grade_inputs_unchanged, leaves
from . import oracle

ACTIVATIONS = list(oracle.ACTIVATIONS)


def network(rng, widths: list[int], scale: float = 1.0, dtype=np.float64) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random (W_l, b_l) for layers of these widths (d_0, ..., d_L), non-zero biases."""
    return [(rng.normal(0.0, scale, (d_in, d_out)).astype(dtype), rng.normal(0.0, 0.5, d_out).astype(dtype))
            for d_in, d_out in zip(widths, widths[1:])]


def shapes(params) -> str:
    return "[" + ", ".join(f"({W.shape[0]}, {W.shape[1]})" for W, _ in params) + "]"


def flat(params) -> list[np.ndarray]:
    return [a for _, a in leaves("params", params)]


# ------------------------------------------------------------------ mlp_forward: 8 points


def grade_forward(student, reference, x, params, activation, *, where: str, **kw):
    grade_array(student, reference, "mlp_forward", (x, params, activation), oracle.mlp_forward(x, params, activation),
                where=where, extra=rows_sum_to_one, tol_inputs=[x, *flat(params)], **kw)


@pytest.mark.grade(points=1, visibility="visible")
def test_mlp_forward_visible(student, reference):
    """mlp_forward: one hidden layer of two units, each activation"""
    x = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]])
    params = [(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]]), np.array([0.1, -0.2])),
              (np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]]), np.array([0.0, 0.5, 0.0]))]
    for activation in ACTIVATIONS:
        grade_forward(student, reference, x, params, activation,
                      where=f"mlp_forward(x, params, {activation!r}) for x {show(x)} and params of shapes {shapes(params)}")


@pytest.mark.grade(points=1.5, visibility="hidden")
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_forward_random(student, reference, rng, activation):
    """mlp_forward: random network 4 → 5 → 3, batch of 6"""
    x, params = rng.normal(0.0, 1.0, (6, 4)), network(rng, [4, 5, 3])
    grade_forward(student, reference, x, params, activation,
                  where=f"mlp_forward(x, params, {activation!r}) for random x (6, 4), params of shapes {shapes(params)}")


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_mlp_forward_deep(student, reference, rng):
    """mlp_forward: four layers of different widths (3 → 6 → 4 → 5 → 2), the activation on every hidden layer"""
    x, params = rng.normal(0.0, 1.0, (5, 3)), network(rng, [3, 6, 4, 5, 2])
    for activation in ("tanh", "relu"):
        grade_forward(student, reference, x, params, activation,
                      where=f"mlp_forward(x, params, {activation!r}) for params of shapes {shapes(params)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_forward_one_layer(student, reference, rng):
    """mlp_forward: L = 1 is softmax regression (no activation applied)"""
    x, params = rng.normal(0.0, 1.0, (4, 3)), network(rng, [3, 4])
    grade_forward(student, reference, x, params, "sigmoid",
                  where=f"mlp_forward(x, params, 'sigmoid') for one layer, params of shapes {shapes(params)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_forward_stable(student, reference):
    """mlp_forward: stable for pre-activations and logits up to ±1e4 (no RuntimeWarning)"""
    x = np.array([[1.0], [-1.0]])
    params = [(np.array([[1e4, -1e4, 0.5]]), np.zeros(3)), (np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]]) * 5e3, np.zeros(2))]
    for activation in ACTIVATIONS:
        grade_forward(student, reference, x, params, activation,
                      where=f"mlp_forward(x, params, {activation!r}) for pre-activations of ±1e4")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_forward_value_errors(student, reference, rng):
    """mlp_forward: ValueError for an unknown activation (even with L = 1) and for shapes that do not chain"""
    x = rng.normal(0.0, 1.0, (3, 4))
    for params, activation in ((network(rng, [4, 3]), "softmax"), (network(rng, [4, 5, 3]), "Relu"),
                               ([(np.ones((4, 5)), np.zeros(5)), (np.ones((4, 3)), np.zeros(3))], "relu"),
                               ([(np.ones((3, 5)), np.zeros(5))], "tanh")):
        grade_raises_value_error(student, reference, "mlp_forward", (x, params, activation),
                                 where=f"mlp_forward(x, params, {activation!r}) for x (3, 4) and params of shapes {shapes(params)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_forward_float32(student, reference, rng):
    """mlp_forward: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    x, params = rng.normal(0.0, 1.0, (4, 3)).astype(np.float32), network(rng, [3, 4, 2], dtype=np.float32)
    grade_forward(student, reference, x, params, "tanh", where="mlp_forward(x, params, 'tanh') for float32 x and params",
                  dtype=spec_dtypes(x, *flat(params)))
    x, params = np.array([[1, 0], [2, -1]]), [(np.array([[1, -1], [0, 2]]), np.array([0, 1])), (np.array([[1], [-1]]), np.array([0]))]
    grade_forward(student, reference, x, params, "relu", where="mlp_forward(x, params, 'relu') for integer x and params",
                  dtype=spec_dtypes(x, *flat(params)))


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_forward_inputs_unchanged(student, reference, rng):
    """mlp_forward: leaves its inputs (x and every W_l, b_l) as they were"""
    args = (rng.normal(1.0, 1.0, (4, 3)), network(rng, [3, 5, 4, 2]), "relu")
    grade_inputs_unchanged(student, reference, "mlp_forward", ("x", "params", "activation"), args, oracle.mlp_forward(*args))


# ------------------------------------------------------------------ mlp_grads: 14 points


def grade_grads(student, reference, x, y, params, activation, *, where: str, dtype=None):
    """A list of L pairs (dW_l, db_l), each shaped like its parameter and close to autograd's."""
    expected = oracle.mlp_grads(x, y, params, activation)
    inputs = [x, y, *flat(params)]
    in_dtypes = [a.dtype for a in inputs]

    def judge(reply, who):
        pairs = checks.check_items(reply.value, where=where, count=len(params),
                                   names=f"a list of {len(params)} pairs (dW_l, db_l), one per layer")
        for l, (pair, (eW, eb)) in enumerate(zip(pairs, expected), start=1):
            dW, db = checks.check_pair(pair, where=f"layer {l} of {where}", names=f"(dW_{l}, db_{l})")
            for name, value, exp in ((f"dW_{l}", dW, eW), (f"db_{l}", db, eb)):
                at = f"{name} of {where}"
                value = checks.check_array(value, fn="mlp_grads", where=at, shape=exp.shape, dtype=dtype, in_dtypes=in_dtypes)
                rtol, atol = checks.tolerance(checks.judging_dtype(value.dtype, in_dtypes), inputs)
                checks.check_close(value, exp, where=at, rtol=rtol, atol=atol, batch=len(x))
        checks.check_no_warnings(reply.warnings, where=where)

    both(student, reference, "mlp_grads", (x, y, params, activation), judge)


def labels(rng, n: int, k: int) -> np.ndarray:
    return oracle.one_hot(rng.integers(0, k, n), k)


@pytest.mark.grade(points=1.5, visibility="visible")
def test_mlp_grads_visible(student, reference):
    """mlp_grads: one hidden layer of two units, two examples, each activation"""
    x, y = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]]), oracle.one_hot([2, 0], 3)
    params = [(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]]), np.array([0.1, -0.2])),
              (np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]]), np.array([0.0, 0.5, 0.0]))]
    for activation in ACTIVATIONS:
        grade_grads(student, reference, x, y, params, activation,
                    where=f"mlp_grads(x, y, params, {activation!r}) for x {show(x)}, y {show(y)}, params of shapes {shapes(params)}")


@pytest.mark.grade(points=4.5, visibility="hidden")
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_grads_random(student, reference, rng, activation):
    """mlp_grads: random network 4 → 5 → 3, batch of 6"""
    x, y, params = rng.normal(0.0, 1.0, (6, 4)), labels(rng, 6, 3), network(rng, [4, 5, 3])
    grade_grads(student, reference, x, y, params, activation,
                where=f"mlp_grads(x, y, params, {activation!r}) for random x (6, 4), params of shapes {shapes(params)}")


@pytest.mark.grade(points=2, visibility="hidden")
def test_mlp_grads_deep(student, reference, rng):
    """mlp_grads: four layers of different widths (3 → 6 → 4 → 5 → 2), sigmoid and tanh"""
    x, y, params = rng.normal(0.0, 1.0, (7, 3)), labels(rng, 7, 2), network(rng, [3, 6, 4, 5, 2])
    for activation in ("sigmoid", "tanh"):
        grade_grads(student, reference, x, y, params, activation,
                    where=f"mlp_grads(x, y, params, {activation!r}) for params of shapes {shapes(params)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_grads_one_layer(student, reference, rng):
    """mlp_grads: L = 1 gives softmax regression's gradients"""
    x, y, params = rng.normal(0.0, 1.0, (5, 3)), labels(rng, 5, 4), network(rng, [3, 4])
    grade_grads(student, reference, x, y, params, "relu",
                where=f"mlp_grads(x, y, params, 'relu') for one layer, params of shapes {shapes(params)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_grads_relu_at_zero(student, reference, rng):
    """mlp_grads: ReLU's derivative at exactly 0 is 0 (as PyTorch's)"""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    W1, b1 = np.array([[1.0, -1.0, 0.0, 2.0], [0.0, 0.0, 1.0, -2.0]]), np.array([0.0, 1.0, 0.0, 0.0])
    params = [(W1, b1), network(rng, [4, 3])[0]]
    y = oracle.one_hot([0, 1, 2, 1], 3)
    grade_grads(student, reference, x, y, params, "relu",
                where="mlp_grads(x, y, params, 'relu') where some hidden pre-activations are exactly 0")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_grads_stable(student, reference):
    """mlp_grads: stable for pre-activations and logits up to ±1e4 (no RuntimeWarning)"""
    x, y = np.array([[1.0], [-1.0]]), oracle.one_hot([1, 0], 2)
    params = [(np.array([[1e4, -1e4, 0.5]]), np.zeros(3)), (np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]]) * 5e3, np.zeros(2))]
    for activation in ACTIVATIONS:
        grade_grads(student, reference, x, y, params, activation,
                    where=f"mlp_grads(x, y, params, {activation!r}) for pre-activations of ±1e4")


@pytest.mark.grade(points=1, visibility="hidden")
def test_mlp_grads_one_example(student, reference, rng):
    """mlp_grads: one example (n = 1), two hidden layers"""
    x, y, params = rng.normal(0.0, 1.0, (1, 3)), labels(rng, 1, 3), network(rng, [3, 4, 4, 3])
    grade_grads(student, reference, x, y, params, "tanh",
                where=f"mlp_grads(x, y, params, 'tanh') for x of shape (1, 3), params of shapes {shapes(params)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_grads_unknown_activation(student, reference, rng):
    """mlp_grads: ValueError for an unknown activation (even with L = 1)"""
    x, y = rng.normal(0.0, 1.0, (3, 4)), labels(rng, 3, 3)
    for params, activation in ((network(rng, [4, 3]), "softmax"), (network(rng, [4, 5, 3]), "leaky_relu")):
        grade_raises_value_error(student, reference, "mlp_grads", (x, y, params, activation),
                                 where=f"mlp_grads(x, y, params, {activation!r})")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_grads_shapes_do_not_chain(student, reference, rng):
    """mlp_grads: ValueError for shapes that do not chain"""
    x, y = rng.normal(0.0, 1.0, (3, 4)), labels(rng, 3, 3)
    for params in ([(np.ones((4, 5)), np.zeros(5)), (np.ones((4, 3)), np.zeros(3))], [(np.ones((3, 3)), np.zeros(3))]):
        grade_raises_value_error(student, reference, "mlp_grads", (x, y, params, "relu"),
                                 where=f"mlp_grads(x, y, params, 'relu') for x (3, 4) and params of shapes {shapes(params)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_grads_float32(student, reference, rng):
    """mlp_grads: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    x, y = rng.normal(0.0, 1.0, (4, 3)).astype(np.float32), labels(rng, 4, 2).astype(np.float32)
    params = network(rng, [3, 4, 2], dtype=np.float32)
    grade_grads(student, reference, x, y, params, "sigmoid", where="mlp_grads(x, y, params, 'sigmoid') for float32 inputs",
                dtype=spec_dtypes(x, y, *flat(params)))
    x, y = np.array([[1, 0], [2, -1]]), np.array([[1, 0], [0, 1]])
    params = [(np.array([[1, -1], [0, 2]]), np.array([0, 1])), (np.array([[1, 0], [-1, 1]]), np.array([0, 0]))]
    grade_grads(student, reference, x, y, params, "tanh", where="mlp_grads(x, y, params, 'tanh') for integer inputs",
                dtype=spec_dtypes(x, y, *flat(params)))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_mlp_grads_inputs_unchanged(student, reference, rng):
    """mlp_grads: leaves its inputs (x, y and every W_l, b_l) as they were"""
    args = (rng.normal(1.0, 1.0, (4, 3)), labels(rng, 4, 2), network(rng, [3, 5, 4, 2]), "relu")
    expected = tuple(oracle.mlp_grads(*args))
    grade_inputs_unchanged(student, reference, "mlp_grads", ("x", "y", "params", "activation"), args, expected)

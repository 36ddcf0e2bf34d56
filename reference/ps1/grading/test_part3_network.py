"""PS1 part 3: the network with one hidden layer (forward pass, ∂CE/∂x, parameter gradients, size)."""
import numpy as np
import pytest

from autograder.suitelib import checks
from . import oracle
from autograder.suitelib.calls import both, grade_array, grade_raises_value_error, rows_sum_to_one, tolerance_dtype
from autograder.suitelib.inputs import grade_inputs_unchanged

KEYS = ("W1", "b1", "W2", "b2")


def network(rng, n=5, dx=7, h=4, dy=3, dtype=np.float64, scale=1.0):
    """(x, y, W1, b1, W2, b2): random inputs, one-hot targets and parameters."""
    x = rng.normal(0.0, 1.0, (n, dx))
    y = oracle.one_hot(rng.integers(0, dy, n), dy)
    W1, b1 = rng.normal(0.0, scale, (dx, h)), rng.normal(0.0, 0.5, h)
    W2, b2 = rng.normal(0.0, scale, (h, dy)), rng.normal(0.0, 0.5, dy)
    return tuple(a.astype(dtype) for a in (x, y, W1, b1, W2, b2))


def fixed_network():
    """The forward check of the notebook: N = 3, Dx = 2, H = 4, Dy = 2, non-zero biases."""
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.5]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    W1 = np.array([[1.0, -1.0, 0.5, 0.0], [0.0, 2.0, -1.0, 1.0]])
    b1 = np.array([0.5, -1.0, 0.25, 2.0])
    W2 = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 1.0], [0.5, 0.5]])
    b2 = np.array([0.0, np.log(3.0)])
    return x, y, W1, b1, W2, b2


def hand_network(n=1):
    """The hand-worked network of the notebook's checks: Dx = H = 1, Dy = 2, non-zero biases; one example at
    x = -0.25 (z1 = 0), or (n = 2) that example and a second one of the other class at x = 0.75."""
    x, y = np.array([[-0.25], [0.75]])[:n], np.array([[1.0, 0.0], [0.0, 1.0]])[:n]
    return x, y, np.array([[2.0]]), np.array([0.5]), np.array([[0.5, -0.5]]), np.array([0.25, -0.25])


def large_network(rng):
    """Pre-activations z1 and z2 reaching thousands: stable code must not overflow."""
    x, y, W1, b1, W2, b2 = network(rng, n=6, dx=5, h=4, dy=3)
    W1[:, :2] *= 2000.0  # two saturated hidden units, two ordinary ones
    W2 *= 500.0
    return x, y, W1, b1, W2, b2


def shapes(args) -> str:
    names = ("x", "y", "W1", "b1", "W2", "b2")
    return ", ".join(f"{n} {a.shape}" for n, a in zip(names, args))


def forward_args(args):
    x, y, W1, b1, W2, b2 = args
    return x, W1, b1, W2, b2


def where_for(fn, args, extra=""):
    dtypes = sorted({str(a.dtype) for a in args})
    kind = "" if dtypes == ["float64"] else " (" + ", ".join(dtypes) + ")"
    names = "x, W1, b1, W2, b2" if fn == "two_layer_forward" else "x, y, W1, b1, W2, b2"
    return f"{fn}({names}) for {shapes(args)}{kind}{extra}"


# ------------------------------------------------------------------ two_layer_forward: 5 points


def grade_forward(student, reference, args, where_extra="", dtype=None):
    fargs = forward_args(args)
    grade_array(student, reference, "two_layer_forward", fargs, oracle.two_layer_forward(*fargs), dtype=dtype,
                where=where_for("two_layer_forward", args, where_extra), extra=rows_sum_to_one)


@pytest.mark.grade(points=1, visibility="visible")
def test_two_layer_forward_visible(student, reference):
    """two_layer_forward: a small fixed network (N = 3, Dx = 2, H = 4, Dy = 2)"""
    grade_forward(student, reference, fixed_network())


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_forward_random(student, reference, rng):
    """two_layer_forward: random network, N = 5, Dx = 7, H = 4, Dy = 3"""
    grade_forward(student, reference, network(rng))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_forward_float32(student, reference, rng):
    """two_layer_forward: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)"""
    for dtype in (np.float32, np.float64):
        args = network(rng, dtype=dtype)
        grade_forward(student, reference, args, dtype=checks.spec_dtypes(*args))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_forward_mixed_precision(student, reference, rng):
    """two_layer_forward: float32 x with float64 parameters (either dtype, to float32 tolerance)"""
    args = network(rng)
    args = (args[0].astype(np.float32),) + args[1:]
    grade_forward(student, reference, args)


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_forward_stable(student, reference, rng):
    """two_layer_forward: stable when pre-activations reach thousands, no warning"""
    grade_forward(student, reference, large_network(rng), " with pre-activations in the thousands")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_forward_one_example(student, reference, rng):
    """two_layer_forward: a single example (N = 1) stays 2-D"""
    grade_forward(student, reference, network(rng, n=1))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_forward_inputs_unchanged(student, reference, rng):
    """two_layer_forward: leaves its inputs as they were"""
    args = forward_args(network(rng))
    grade_inputs_unchanged(student, reference, "two_layer_forward", ("x", "W1", "b1", "W2", "b2"), args,
                           oracle.two_layer_forward(*args))


# ------------------------------------------------------------------ two_layer_grad_x: 8 points


def grade_grad_x(student, reference, args, where_extra="", dtype=None):
    grade_array(student, reference, "two_layer_grad_x", args, oracle.two_layer_grad_x(*args), dtype=dtype,
                where=where_for("two_layer_grad_x", args, where_extra), batch=args[0].shape[0])


@pytest.mark.grade(points=1, visibility="visible")
def test_two_layer_grad_x_visible(student, reference):
    """two_layer_grad_x: the hand-worked network (Dx = H = 1, Dy = 2) gives -0.13447; two examples (N = 2)"""
    grade_grad_x(student, reference, hand_network(1))
    grade_grad_x(student, reference, hand_network(2))


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_two_layer_grad_x_random(student, reference, rng):
    """two_layer_grad_x: random network, N = 5, Dx = 7, H = 4, Dy = 3 (gradient of the mean loss)"""
    grade_grad_x(student, reference, network(rng))


@pytest.mark.grade(points=1, visibility="hidden")
@pytest.mark.parametrize("sizes", [(3, 2, 5, 4), (7, 1, 3, 2)], ids=["N=3 Dx=2 H=5 Dy=4", "N=7 Dx=1 H=3 Dy=2"])
def test_two_layer_grad_x_other_shapes(student, reference, rng, sizes):
    """two_layer_grad_x: other non-square sizes"""
    grade_grad_x(student, reference, network(rng, *sizes))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grad_x_one_example(student, reference, rng):
    """two_layer_grad_x: a single example (N = 1), the textbook formula"""
    grade_grad_x(student, reference, network(rng, n=1))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grad_x_float32(student, reference, rng):
    """two_layer_grad_x: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)"""
    for dtype in (np.float32, np.float64):
        args = network(rng, dtype=dtype)
        grade_grad_x(student, reference, args, dtype=checks.spec_dtypes(*args))


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grad_x_mixed_precision(student, reference, rng):
    """two_layer_grad_x: float32 parameters with float64 x and y (either dtype, to float32 tolerance)"""
    args = network(rng)
    args = args[:2] + tuple(a.astype(np.float32) for a in args[2:])
    grade_grad_x(student, reference, args)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grad_x_integer_input(student, reference, rng):
    """two_layer_grad_x: integer x and y are treated as float64"""
    args = network(rng)
    args = (rng.integers(-2, 3, args[0].shape), args[1].astype(np.int64)) + args[2:]
    grade_grad_x(student, reference, args, " with integer x and y")


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grad_x_stable(student, reference, rng):
    """two_layer_grad_x: stable when pre-activations reach thousands, no warning"""
    grade_grad_x(student, reference, large_network(rng), " with pre-activations in the thousands")


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grad_x_inputs_unchanged(student, reference, rng):
    """two_layer_grad_x: leaves its inputs as they were"""
    args = network(rng)
    grade_inputs_unchanged(student, reference, "two_layer_grad_x", ("x", "y", "W1", "b1", "W2", "b2"), args,
                           oracle.two_layer_grad_x(*args))


# ------------------------------------------------------------------ two_layer_grads: 8 points


def grade_grads(student, reference, args, keys=KEYS, where_extra="", check_dtype=False):
    """The dict of gradients: the listed keys each shaped like their parameter and close to the oracle
    (with check_dtype, each of SPEC's dtype)."""
    expected = oracle.two_layer_grads(*args)
    arrays = list(args)
    dtype = checks.spec_dtypes(*arrays) if check_dtype else None
    where = where_for("two_layer_grads", args, where_extra)
    params = dict(zip(("W1", "b1", "W2", "b2"), args[2:]))

    def judge(reply, who):
        value = reply.value
        if type(value) is not dict:
            raise AssertionError(f"two_layer_grads returned {checks.type_text(value)}; expected a dict with "
                                 "keys 'W1', 'b1', 'W2', 'b2'.")
        for key in keys:
            if key not in value:
                raise AssertionError(f"{where} returned a dict without the key '{key}' "
                                     f"(its keys: {', '.join(repr(k) for k in value) or 'none'}).")
            got = checks.check_array(value[key], fn="two_layer_grads", where=f"'{key}' of {where}",
                                     shape=params[key].shape, dtype=dtype, in_dtypes=[a.dtype for a in arrays])
            rtol, atol = checks.tolerance(tolerance_dtype(got.dtype, arrays), arrays)
            checks.check_close(got, expected[key], where=f"'{key}' of {where}", rtol=rtol, atol=atol,
                               batch=args[0].shape[0])
        checks.check_no_warnings(reply.warnings, where=where)

    both(student, reference, "two_layer_grads", args, judge)


@pytest.mark.grade(points=1, visibility="visible")
def test_two_layer_grads_visible(student, reference):
    """two_layer_grads: the hand-worked network (Dx = H = 1, Dy = 2), one example and two (N = 2)"""
    grade_grads(student, reference, hand_network(1))
    grade_grads(student, reference, hand_network(2))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grads_keys_and_shapes(student, reference, rng):
    """two_layer_grads: a dict with keys W1, b1, W2, b2, each shaped like its parameter"""
    args = network(rng)
    where = where_for("two_layer_grads", args)
    params = dict(zip(KEYS, args[2:]))

    def judge(reply, who):
        value = reply.value
        if type(value) is not dict:
            raise AssertionError(f"two_layer_grads returned {checks.type_text(value)}; expected a dict with "
                                 "keys 'W1', 'b1', 'W2', 'b2'.")
        for key in KEYS:
            if key not in value:
                raise AssertionError(f"{where} returned a dict without the key '{key}' "
                                     f"(its keys: {', '.join(repr(k) for k in value) or 'none'}).")
            checks.check_array(value[key], fn="two_layer_grads", where=f"'{key}' of {where}",
                               shape=params[key].shape)

    both(student, reference, "two_layer_grads", args, judge)


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grads_W1(student, reference, rng):
    """two_layer_grads: the gradient for W1, random network (N = 5, Dx = 7, H = 4, Dy = 3)"""
    grade_grads(student, reference, network(rng), keys=("W1",))


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grads_b1(student, reference, rng):
    """two_layer_grads: the gradient for b1, random network (N = 5, Dx = 7, H = 4, Dy = 3)"""
    grade_grads(student, reference, network(rng), keys=("b1",))


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grads_W2(student, reference, rng):
    """two_layer_grads: the gradient for W2, random network (N = 5, Dx = 7, H = 4, Dy = 3)"""
    grade_grads(student, reference, network(rng), keys=("W2",))


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grads_b2(student, reference, rng):
    """two_layer_grads: the gradient for b2, random network (N = 5, Dx = 7, H = 4, Dy = 3)"""
    grade_grads(student, reference, network(rng), keys=("b2",))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grads_float32(student, reference, rng):
    """two_layer_grads: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)"""
    for dtype in (np.float32, np.float64):
        grade_grads(student, reference, network(rng, dtype=dtype), check_dtype=True)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grads_one_example(student, reference, rng):
    """two_layer_grads: a single example (N = 1)"""
    grade_grads(student, reference, network(rng, n=1, dx=3, h=5, dy=4))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_two_layer_grads_stable(student, reference, rng):
    """two_layer_grads: stable when pre-activations reach thousands, no warning"""
    grade_grads(student, reference, large_network(rng), where_extra=" with pre-activations in the thousands")


@pytest.mark.grade(points=1, visibility="hidden")
def test_two_layer_grads_inputs_unchanged(student, reference, rng):
    """two_layer_grads: leaves its inputs as they were"""
    args = network(rng)
    grade_inputs_unchanged(student, reference, "two_layer_grads", ("x", "y", "W1", "b1", "W2", "b2"), args,
                           oracle.two_layer_grads(*args))


# ------------------------------------------------------------------ num_params: 4 points


def grade_num_params(student, reference, sizes):
    expected = oracle.num_params(*sizes)
    where = f"num_params({', '.join(repr(s) for s in sizes)})"

    def judge(reply, who):
        value = checks.check_int(reply.value, where=where)
        if value != expected:
            raise AssertionError(f"{where} is {value}, expected {expected} = (Dx + 1) H + (H + 1) Dy.")

    both(student, reference, "num_params", tuple(sizes), judge)


@pytest.mark.grade(points=1, visibility="visible")
def test_num_params_visible(student, reference):
    """num_params: num_params(2, 3, 4) = 25 and num_params(784, 100, 10) = 79510"""
    grade_num_params(student, reference, (2, 3, 4))
    grade_num_params(student, reference, (784, 100, 10))


@pytest.mark.grade(points=1, visibility="hidden")
def test_num_params_random(student, reference, rng):
    """num_params: random sizes, counted like the parameters of two torch.nn.Linear layers"""
    for _ in range(3):
        grade_num_params(student, reference, tuple(int(v) for v in rng.integers(1, 60, 3)))
    grade_num_params(student, reference, (1, 1, 1))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_num_params_numpy_ints(student, reference, rng):
    """num_params: NumPy integers are accepted"""
    grade_num_params(student, reference, (np.int64(7), np.int32(5), np.int64(3)))


BAD_SIZES = {
    "zero": (0, 3, 2),
    "negative": (3, -1, 2),
    "float 3.0": (3.0, 4, 2),
    "string": ("3", 4, 2),
    "bool": (3, True, 2),
    "numpy float": (3, 4, np.float64(2.0)),
}


@pytest.mark.grade(points=1.5, visibility="hidden")
@pytest.mark.parametrize("case", list(BAD_SIZES))
def test_num_params_value_error(student, reference, case):
    """num_params: ValueError unless all three sizes are positive integers"""
    sizes = BAD_SIZES[case]
    grade_raises_value_error(student, reference, "num_params", sizes,
                             where=f"num_params({', '.join(repr(s) for s in sizes)})")

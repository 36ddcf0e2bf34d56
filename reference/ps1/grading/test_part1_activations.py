"""PS1 part 1: sigmoid, sigmoid_grad, softmax, softmax_jacobian."""
import numpy as np
import pytest

from . import oracle
from autograder.suitelib.checks import show, spec_dtypes
from autograder.suitelib.calls import grade_array, rows_sum_to_one
from autograder.suitelib.inputs import grade_inputs_unchanged

# Dtypes: each function has one dtype test (named "keeps the float dtype"), the only test that looks at
# the result's dtype; every other test judges the values alone, at the precision of the inputs and result.

# Inputs that overflow a naive exp in float64, and in float32.
EXTREMES_64 = [-1e4, -1e3, -745.2, -710.0, -40.0, -1.0, 0.0, 1.0, 40.0, 710.0, 745.2, 1e3, 1e4]
EXTREMES_32 = [-1e3, -200.0, -104.0, -89.0, -88.0, -1.0, 0.0, 1.0, 88.0, 89.0, 104.0, 200.0, 1e3]


# ------------------------------------------------------------------ sigmoid: 5 points


@pytest.mark.grade(points=1, visibility="visible")
def test_sigmoid_visible(student, reference):
    """sigmoid: small inputs, sigmoid([-1, 0, 1]) = [0.2689, 0.5, 0.7311]"""
    x = np.array([[-1.0, 0.0, 1.0], [2.0, -2.0, 3.0]])
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for x {show(x)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_random(student, reference, rng):
    """sigmoid: random 2-D input"""
    x = rng.normal(0.0, 4.0, (5, 7))
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for x {show(x)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_sigmoid_stable_float64(student, reference, rng):
    """sigmoid: stable for |x| up to 1e4 (no RuntimeWarning)"""
    x = np.concatenate([EXTREMES_64, rng.uniform(-1e4, 1e4, 7)]).reshape(4, 5)
    rng.shuffle(x.reshape(-1))
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x),
                where=f"sigmoid(x) for x of shape {x.shape} with entries from -1e4 to 1e4")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_float32(student, reference, rng):
    """sigmoid: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    x = rng.normal(0.0, 3.0, (6, 4)).astype(np.float32)
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for x {show(x)}",
                dtype=spec_dtypes(x))
    x = np.array([[-2, 0, 3]])
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for integer x {show(x)}",
                dtype=spec_dtypes(x))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_stable_float32(student, reference, rng):
    """sigmoid: stable in float32 for |x| up to 1e3"""
    x = np.concatenate([EXTREMES_32, rng.uniform(-1e3, 1e3, 7)]).astype(np.float32).reshape(5, 4)
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x),
                where=f"sigmoid(x) for float32 x of shape {x.shape} with entries from -1e3 to 1e3")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_integer_input(student, reference, rng):
    """sigmoid: integer input"""
    x = rng.integers(-6, 7, (3, 5))
    grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for integer x {show(x)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_any_shape(student, reference, rng):
    """sigmoid: element-wise on 1-D and 3-D input"""
    for shape in [(7,), (2, 3, 4)]:
        x = rng.normal(0.0, 3.0, shape)
        grade_array(student, reference, "sigmoid", (x,), oracle.sigmoid(x), where=f"sigmoid(x) for x {show(x)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_inputs_unchanged(student, reference, rng):
    """sigmoid: leaves its inputs as they were"""
    args = (rng.normal(0.0, 3.0, (5, 7)),)
    grade_inputs_unchanged(student, reference, "sigmoid", ("x",), args, oracle.sigmoid(*args))


# ------------------------------------------------------------------ sigmoid_grad: 3 points


@pytest.mark.grade(points=1, visibility="visible")
def test_sigmoid_grad_visible(student, reference):
    """sigmoid_grad: sigmoid_grad([0.5, 0, 1, 0.2]) = [0.25, 0, 0, 0.16]"""
    s = np.array([0.5, 0.0, 1.0, 0.2])
    x = np.array([0.0, -np.inf, np.inf, np.log(0.2 / 0.8)])  # sigmoid(x) = s
    grade_array(student, reference, "sigmoid_grad", (s,), oracle.sigmoid_derivative(x),
                where=f"sigmoid_grad(s) for s {show(s)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_grad_random(student, reference, rng):
    """sigmoid_grad: random 2-D s = sigmoid(x) (takes the output s, not x)"""
    x = rng.uniform(-8.0, 8.0, (5, 7))
    s = oracle.sigmoid(x)
    grade_array(student, reference, "sigmoid_grad", (s,), oracle.sigmoid_derivative(x),
                where=f"sigmoid_grad(s) for s = sigmoid(x), x of shape {x.shape}",
                hint="; sigmoid_grad takes the sigmoid's output s and returns s (1 - s)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_grad_float32(student, reference, rng):
    """sigmoid_grad: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    x = rng.uniform(-6.0, 6.0, (4, 6))
    s = oracle.sigmoid(x).astype(np.float32)
    # the oracle on the same float32 values: s (1 - s) is the derivative at x = logit(s)
    s64 = s.astype(np.float64)
    grade_array(student, reference, "sigmoid_grad", (s,), oracle.sigmoid_derivative(np.log(s64) - np.log1p(-s64)),
                where=f"sigmoid_grad(s) for float32 s of shape {s.shape}", dtype=spec_dtypes(s))
    s = np.array([0, 1])
    grade_array(student, reference, "sigmoid_grad", (s,), oracle.sigmoid_derivative(np.array([-np.inf, np.inf])),
                where=f"sigmoid_grad(s) for integer s {show(s)}", dtype=spec_dtypes(s))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_grad_integer_input(student, reference):
    """sigmoid_grad: integer s (0 and 1) gives zeros"""
    s = np.array([[0, 1, 1], [1, 0, 0]])
    expected = oracle.sigmoid_derivative(np.where(s == 1, np.inf, -np.inf))
    grade_array(student, reference, "sigmoid_grad", (s,), expected, where=f"sigmoid_grad(s) for integer s {show(s)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_sigmoid_grad_inputs_unchanged(student, reference, rng):
    """sigmoid_grad: leaves its inputs as they were"""
    x = rng.normal(0.0, 3.0, (5, 7))
    grade_inputs_unchanged(student, reference, "sigmoid_grad", ("s",), (oracle.sigmoid(x),),
                           oracle.sigmoid_derivative(x))


# ------------------------------------------------------------------ softmax: 8 points


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_visible(student, reference):
    """softmax: softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652], and row by row in 2-D, also for rows 1000 apart"""
    for x in (np.array([1.0, 2.0, 3.0]), np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
              np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])):
        grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for x {show(x)}",
                    extra=rows_sum_to_one)


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_random_2d(student, reference, rng):
    """softmax: random 2-D input, each row independently (N = 5, C = 7)"""
    x = rng.normal(0.0, 3.0, (5, 7))
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for x {show(x)}",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_random_1d(student, reference, rng):
    """softmax: random 1-D input"""
    x = rng.normal(0.0, 3.0, 9)
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for 1-D x {show(x)}",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_softmax_stable(student, reference, rng):
    """softmax: stable for |x| up to 1e4, 1-D and 2-D (no RuntimeWarning)"""
    rows = np.array([
        [1e4, 0.0, -1e4, 5e3, 1.0],
        [-1e4, -1e4 + 1, -1e4 + 2, -1e4 + 3, -1e4 + 0.5],
        [1e4, 1e4 - 0.5, 1e4 - 1, 9990.0, 1e4 - 2],
        [-745.2, -710.0, 710.0, 745.2, 0.0],
        rng.uniform(-1e4, 1e4, 5),
    ])
    grade_array(student, reference, "softmax", (rows,), oracle.softmax(rows),
                where=f"softmax(x) for x of shape {rows.shape} with entries from -1e4 to 1e4", extra=rows_sum_to_one)
    x = np.array([-1e4, -1e4 + 1.0, -1e4 + 3.0, -1e4 + 0.25])
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for 1-D x {show(x)}",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_shift_invariance(student, reference, rng):
    """softmax: softmax(x + c) = softmax(x) for a different constant c in each row, up to |c| = 1000"""
    x = rng.normal(0.0, 2.0, (4, 6))
    c = rng.uniform(-1000.0, 1000.0, (4, 1))
    c[rng.integers(0, 4)] = 1000.0
    c[rng.integers(0, 4)] = -1000.0
    expected = oracle.softmax(x)
    grade_array(student, reference, "softmax", (x,), expected, where=f"softmax(x) for x {show(x)}",
                extra=rows_sum_to_one)
    grade_array(student, reference, "softmax", (x + c,), expected,
                where=f"softmax(x + c) for x of shape {x.shape} and a constant c per row (from -1000 to 1000)",
                extra=rows_sum_to_one, hint="; it should equal softmax(x)")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_float32(student, reference, rng):
    """softmax: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    x = rng.normal(0.0, 3.0, (5, 7)).astype(np.float32)
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for x {show(x)}",
                extra=rows_sum_to_one, dtype=spec_dtypes(x))
    x = np.array([[1, 0, 2], [0, 0, 0]])
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for integer x {show(x)}",
                extra=rows_sum_to_one, dtype=spec_dtypes(x))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_stable_float32(student, reference, rng):
    """softmax: stable in float32 for |x| up to 1e3"""
    x = np.array([[1e3, 0.0, -1e3, 999.0], [-1e3, -999.5, -998.0, -1e3], [88.0, 89.0, 104.0, -104.0]],
                 dtype=np.float32)
    x = np.vstack([x, rng.uniform(-1e3, 1e3, (1, 4)).astype(np.float32)])
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x),
                where=f"softmax(x) for float32 x of shape {x.shape} with entries from -1e3 to 1e3",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_integer_input(student, reference, rng):
    """softmax: integer input"""
    x = rng.integers(-5, 6, (3, 4))
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for integer x {show(x)}",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_one_row_one_column(student, reference, rng):
    """softmax: a single row (N = 1) stays 2-D, a single column (C = 1) is all ones"""
    x = rng.normal(0.0, 3.0, (1, 6))
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for x {show(x)}",
                extra=rows_sum_to_one)
    x = rng.normal(0.0, 3.0, (3, 1))
    grade_array(student, reference, "softmax", (x,), oracle.softmax(x), where=f"softmax(x) for x {show(x)}",
                extra=rows_sum_to_one)


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_inputs_unchanged(student, reference, rng):
    """softmax: leaves its inputs as they were (1-D inputs too)"""
    args = (rng.normal(0.0, 3.0, (4, 6)) + 2.0,)
    grade_inputs_unchanged(student, reference, "softmax", ("x",), args, oracle.softmax(*args))
    x = rng.normal(0.0, 3.0, 7) + 2.0
    grade_inputs_unchanged(student, reference, "softmax", ("x",), (x,), oracle.softmax(x))


# ------------------------------------------------------------------ softmax_jacobian: 4 points


@pytest.mark.grade(points=1, visibility="visible")
def test_softmax_jacobian_visible(student, reference):
    """softmax_jacobian: at s = [0.5, 0.5] and s = [0.2, 0.3, 0.5]"""
    for s in (np.array([0.5, 0.5]), np.array([0.2, 0.3, 0.5])):
        grade_array(student, reference, "softmax_jacobian", (s,), oracle.softmax_jacobian(np.log(s)),
                    where=f"softmax_jacobian(s) for s {show(s)}")


@pytest.mark.grade(points=1, visibility="hidden")
def test_softmax_jacobian_random(student, reference, rng):
    """softmax_jacobian: random s = softmax(z) with C = 6"""
    z = rng.normal(0.0, 2.0, 6)
    s = oracle.softmax(z)
    grade_array(student, reference, "softmax_jacobian", (s,), oracle.softmax_jacobian(z),
                where=f"softmax_jacobian(s) for s = softmax(z), z of length {z.size}",
                hint="; J[i, j] = s_i (δ_ij - s_j) is a function of the softmax output s")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_jacobian_float32(student, reference, rng):
    """softmax_jacobian: keeps the float dtype (float32 in, float32 out; integers give float64)"""
    z = rng.normal(0.0, 2.0, 5)
    s = oracle.softmax(z).astype(np.float32)
    # the oracle on the same float32 values: softmax(log s) is s, renormalised (a change of ~1e-7)
    expected = oracle.softmax_jacobian(np.log(s.astype(np.float64)))
    grade_array(student, reference, "softmax_jacobian", (s,), expected,
                where=f"softmax_jacobian(s) for float32 s of length {s.size}", dtype=spec_dtypes(s))
    s = np.array([0, 1, 0])  # a one-hot softmax output: every entry of J is 0
    grade_array(student, reference, "softmax_jacobian", (s,), oracle.softmax_jacobian(np.array([-1e4, 0.0, -1e4])),
                where=f"softmax_jacobian(s) for integer s {show(s)}", dtype=spec_dtypes(s))


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_jacobian_edge_cases(student, reference):
    """softmax_jacobian: C = 1 gives [[0]], a one-hot s gives all zeros"""
    for z in (np.array([0.7]), np.array([-1e4, 0.0, -1e4])):
        s = oracle.softmax(z)
        grade_array(student, reference, "softmax_jacobian", (s,), oracle.softmax_jacobian(z),
                    where=f"softmax_jacobian(s) for s {show(s)}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_jacobian_many_classes(student, reference, rng):
    """softmax_jacobian: C = 40 classes"""
    z = rng.normal(0.0, 1.5, 40)
    s = oracle.softmax(z)
    grade_array(student, reference, "softmax_jacobian", (s,), oracle.softmax_jacobian(z),
                where=f"softmax_jacobian(s) for s = softmax(z), z of length {z.size}")


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_softmax_jacobian_inputs_unchanged(student, reference, rng):
    """softmax_jacobian: leaves its inputs as they were"""
    z = rng.normal(0.0, 2.0, 6)
    grade_inputs_unchanged(student, reference, "softmax_jacobian", ("s",), (oracle.softmax(z),),
                           oracle.softmax_jacobian(z))

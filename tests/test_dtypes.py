"""Dtype rules a careful student meets from the notebook alone (SPEC, changed 2026-11-28).

Only one test per function looks at the result's dtype (0.5 points each, 5 of 100 in all); every other
test judges the values, at the precision of the inputs and the result. The correct variants
tests/submissions/correct/dtype_*.py (float32-first arithmetic, float32 for mixed inputs, 0-d arrays
for losses) score 100 in test_grading.py; here a submission with right values in wrong dtypes loses
exactly the dtype tests.
"""
from autograder.grade import grade
from conftest import SUBMISSIONS

NUMERIC = {"sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "binary_cross_entropy",
           "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad", "logistic_regression_grad",
           "two_layer_forward", "two_layer_grad_x", "two_layer_grads", "numerical_gradient", "gradient_check"}

# Every array the base's functions return comes back in a dtype SPEC does not allow: float64 when an
# input is float32, float32 otherwise (so integer inputs give float32 and one_hot float32 rows).
WRONG_DTYPES = '''

import functools as _functools


def _wrong_dtype(value, inputs):
    narrow = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in inputs)
    dtype = np.float64 if narrow else np.float32
    if isinstance(value, np.ndarray):
        return value.astype(dtype)
    if isinstance(value, tuple):
        return tuple(_wrong_dtype(v, inputs) if isinstance(v, np.ndarray) else v for v in value)
    if isinstance(value, dict):
        return {k: _wrong_dtype(v, inputs) for k, v in value.items()}
    return value


def _careless(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return _wrong_dtype(fn(*args, **kwargs), args)
    return wrapper


for _name in ["sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "softmax_cross_entropy_grad",
              "logistic_regression_grad", "two_layer_forward", "two_layer_grad_x", "two_layer_grads",
              "numerical_gradient"]:
    globals()[_name] = _careless(globals()[_name])
'''

DTYPE_TESTS = {  # the tests that look at a dtype, and their points
    "sigmoid: keeps the float dtype (float32 in, float32 out; integers give float64)": 0.5,
    "sigmoid_grad: keeps the float dtype (float32 in, float32 out; integers give float64)": 0.5,
    "softmax: keeps the float dtype (float32 in, float32 out; integers give float64)": 0.5,
    "softmax_jacobian: keeps the float dtype (float32 in, float32 out; integers give float64)": 0.5,
    "one_hot: int32 and uint8 labels, with classes that never occur, still give C float64 columns": 0.5,
    "softmax_cross_entropy_grad: keeps the float dtype (float32 in, float32 out; integers give float64)": 0.5,
    "logistic_regression_grad: keeps the float dtype (float32 x, t, w and a Python float b give a float32 dw)": 0.5,
    "two_layer_forward: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)": 0.5,
    "two_layer_grad_x: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)": 0.5,
    "two_layer_grads: keeps the float dtype (float32 in, float32 out; float64 in, float64 out)": 0.5,
}


def test_right_values_in_wrong_dtypes_lose_the_dtype_tests_alone(reference, spawn, tmp_path):
    path = tmp_path / "ps1.py"
    path.write_text((SUBMISSIONS / "correct" / "base.py").read_text() + WRONG_DTYPES)
    result = grade(path, reference=reference, spawn=spawn, functions=NUMERIC)
    lost = {t.name: t.max_score - t.score for t in result.tests if t.score < t.max_score}
    assert lost == DTYPE_TESTS, [(t.name, t.output) for t in result.tests if t.status == "failed"]
    assert sum(lost.values()) <= 5 and result.max_score - result.score == sum(DTYPE_TESTS.values())

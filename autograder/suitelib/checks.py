"""Judging what a submission returned: each check raises AssertionError with one sentence for the student.

Type checks come first (Unsupported, torch tensors, wrong type, shape, dtype, nan), so no value a
student can return makes the grader itself fail: every helper here raises only AssertionError.
Tolerances are SPEC's: float64 rtol 1e-6, atol 1e-8; float32 rtol 1e-4, atol 1e-6 * max(1, max|input|).
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Iterable, Iterator

import numpy as np

from autograder.codec import TensorInfo, Unsupported
from autograder.worker import StudentError

RTOL64, ATOL64 = 1e-6, 1e-8
RTOL32, ATOL32 = 1e-4, 1e-6


class SelfCheckFailed(RuntimeError):
    """The reference solution and the oracle disagree: a grader bug, never the student's fault."""


# ------------------------------------------------------------------ formatting


def _digits(v: float, digits: int) -> str:
    """v to this many significant digits, trailing zeros kept (0.28990, not 0.2899), no bare point."""
    if v == 0:
        return "0"
    text = f"{v:#.{digits}g}"
    mantissa, _, exponent = text.partition("e")
    return mantissa.rstrip(".") + ("e" + exponent if exponent else "")


def num(v: float, other: float | None = None) -> str:
    """A number with as many digits as it takes to tell it from ``other`` (the same count for both,
    so num(a, b) and num(b, a) line up digit for digit)."""
    try:
        v = float(v)
    except (TypeError, ValueError, OverflowError):
        return str(v)
    if not math.isfinite(v):
        return str(v)
    if other is None or not math.isfinite(float(other)):
        return f"{v:.6g}"
    other = float(other)
    for digits in range(4, 18):
        if f"{v:.{digits}g}" != f"{other:.{digits}g}":
            return _digits(v, digits)
    return repr(v)


def tolerance_text(tol: float) -> str:
    """The tolerance to two significant digits, rounded down: a value shown outside it is outside it."""
    if not math.isfinite(tol) or tol <= 0:
        return f"{tol:g}"
    exponent = math.floor(math.log10(tol)) - 1
    floored = math.floor(tol / 10.0 ** exponent) * 10.0 ** exponent
    while floored > tol:  # the division may round up
        floored -= 10.0 ** exponent
    return f"{floored:.2g}"


def mismatch(value: float, expected: float, tol: float) -> tuple[str, str, str]:
    """(value, expected, tolerance) as text for "is V, expected E (tolerance T)": V and E get the
    same number of digits, enough that they differ and that |V - E| as printed exceeds T as printed."""
    value, expected = float(value), float(expected)
    within = tolerance_text(tol)
    if not (math.isfinite(value) and math.isfinite(expected)):
        return num(value), num(expected), within
    for digits in range(4, 18):
        got, want = f"{value:.{digits}g}", f"{expected:.{digits}g}"
        if got != want and abs(float(got) - float(want)) > float(within):
            return _digits(value, digits), _digits(expected, digits), within
    return repr(value), repr(expected), within


def show(a: Any, limit: int = 8) -> str:
    """An input for a message, after its name: "= [1, 2, 3]" when small, else "of shape (5, 7)"
    (and its dtype when not float64)."""
    if type(a) is np.ndarray:
        dtype = "" if a.dtype in (np.float64, np.int64) else f" ({a.dtype})"
        if a.size <= limit and a.ndim <= 2:
            text = np.array2string(a, separator=", ", formatter={"float_kind": lambda v: num(v),
                                                                 "int_kind": lambda v: str(int(v)),
                                                                 "bool": lambda v: str(bool(v))})
            return "= " + text.replace("\n", "") + dtype
        return f"of shape {a.shape}{dtype}"
    if isinstance(a, float):
        return "= " + num(a)
    return "= " + repr(a)


def index_text(idx: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def type_text(value: Any) -> str:
    if isinstance(value, Unsupported):
        if value.type_name == "numpy.ndarray" and value.detail == "dtype object":
            return "a numpy.ndarray of Python objects (dtype object)"
        if value.type_name == "numpy.ndarray" and value.detail.startswith("dtype "):
            return f"a numpy.ndarray of {value.detail}"
        return str(value)
    if isinstance(value, TensorInfo):
        return f"a torch tensor ({value.dtype}, on {value.device})"
    if type(value) is np.ndarray:
        return f"a numpy.ndarray of shape {value.shape} ({value.dtype})"
    if value is None:
        return "None"
    cls = type(value)
    module = cls.__module__
    name = cls.__qualname__ if module in ("builtins", None) else f"{module.split('.')[0]}.{cls.__qualname__}"
    return name


# ------------------------------------------------------------------ tolerances and dtypes


def max_abs(inputs: Iterable[Any]) -> float:
    m = 0.0
    for a in inputs:
        arr = np.asarray(a) if isinstance(a, (np.ndarray, np.generic, int, float)) else None
        if arr is not None and arr.size and arr.dtype.kind in "biuf":
            finite = np.abs(arr[np.isfinite(arr)].astype(np.float64)) if arr.dtype.kind == "f" else np.abs(arr.astype(np.float64))
            if finite.size:
                m = max(m, float(np.max(finite)))
    return m


def tolerance(dtype: Any, inputs: Iterable[Any] = ()) -> tuple[float, float]:
    """(rtol, atol) for a result of this dtype computed from these inputs."""
    if np.dtype(dtype) == np.float32:
        return RTOL32, ATOL32 * max(1.0, max_abs(inputs))
    return RTOL64, ATOL64


def spec_dtypes(*arrays: Any) -> tuple[np.dtype, ...]:
    """The result dtypes SPEC accepts for a result computed from these array inputs.

    Integer (and bool) inputs count as float64; a float input keeps its dtype; when the inputs mix float
    dtypes (float32 with float64) any of them is accepted. Python scalars (b, h, lr) are not passed here:
    they never decide the dtype."""
    found = {np.dtype(np.float64) if np.asarray(a).dtype.kind in "biu" else np.asarray(a).dtype for a in arrays}
    return tuple(sorted(found, key=lambda d: (d.itemsize, d.str)))


def judging_dtype(result: Any, in_dtypes: Iterable[Any] = ()) -> np.dtype:
    """The precision a result is judged at: float32 when the result or any input is float32 (or smaller),
    else float64. So a result's dtype never costs points in a value test: only the dtype tests look at it."""
    for d in (result, *in_dtypes):
        d = np.dtype(d)
        if d.kind == "f" and d.itemsize <= 4:
            return np.dtype(np.float32)
    return np.dtype(np.float64)


def _dtype_list(dtypes: tuple[np.dtype, ...]) -> str:
    names = [str(d) for d in dtypes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# ------------------------------------------------------------------ checks on returned values


def check_array(value: Any, *, fn: str, where: str, shape: tuple, dtype: Any = None,
                in_dtypes: Iterable[Any] = (), allow_scalar: bool = False) -> np.ndarray:
    """The value is a numpy.ndarray of real numbers of this shape, all finite; returns it.

    ``dtype`` (a dtype or a tuple of accepted dtypes) is checked only when given: only the dtype tests
    give it, so that a dtype mistake costs those tests alone (SPEC: at most 5 points in all)."""
    if allow_scalar and isinstance(value, np.floating) and shape == ():
        value = np.asarray(value)
    if isinstance(value, TensorInfo):
        raise AssertionError(f"{fn} returned a torch tensor; expected a numpy.ndarray.")
    if type(value) is not np.ndarray:
        raise AssertionError(f"{where} returned {type_text(value)}; expected a numpy.ndarray of numbers.")
    if value.dtype.kind not in "biuf":
        raise AssertionError(f"{where} returned an array of dtype {value.dtype}; expected real numbers.")
    if value.shape != tuple(shape):
        raise AssertionError(f"{where} returned shape {value.shape}; expected {tuple(shape)}.")
    if dtype is not None:
        check_dtype(value.dtype, dtype, fn=fn, where=where, in_dtypes=in_dtypes)
    bad = ~np.isfinite(value) if value.dtype.kind == "f" else np.zeros(value.shape, bool)
    if bad.any():
        idx = np.argwhere(bad)[0]
        at = f"entry {index_text(idx)}" if value.ndim else "the value"
        raise AssertionError(f"{where}: {at} is {value[tuple(idx)]}; expected a finite number.")
    return value


def check_dtype(got: Any, expected: Any, *, fn: str, where: str, in_dtypes: Iterable[Any] = ()) -> None:
    """``expected``: one dtype, or a tuple of the accepted ones (see spec_dtypes)."""
    got = np.dtype(got)
    accepted = tuple(np.dtype(d) for d in expected) if isinstance(expected, (tuple, list)) else (np.dtype(expected),)
    if got in accepted:
        return
    ins = [np.dtype(d) for d in in_dtypes]
    floats = sorted({str(d) for d in ins if d.kind == "f"})
    if ins and all(d.kind == "f" for d in ins) and len(floats) == 1 and len(accepted) == 1:
        raise AssertionError(f"{fn} changed the dtype: {floats[0]} in, {got} out (a float input keeps its dtype).")
    if ins and all(d.kind in "biu" for d in ins):
        raise AssertionError(f"{where} returned {got} for integer input; integers are treated as float64, "
                             f"so expected {_dtype_list(accepted)}.")
    if ins:
        names = ", ".join(str(d) for d in ins)
        raise AssertionError(f"{where} returned {got}; with inputs of dtype {names}, expected "
                             f"{_dtype_list(accepted)}.")
    raise AssertionError(f"{where} returned {got}; expected {_dtype_list(accepted)}.")


def _batch_hint(value: np.ndarray, expected: np.ndarray, batch: int | None, rtol: float, atol: float) -> str:
    if not batch or batch <= 1 or not np.any(np.abs(expected) > atol):
        return ""
    if np.allclose(value, expected * batch, rtol=rtol, atol=atol * batch):
        return f"; it is {batch} times too large: is it the mean over the batch, not the sum?"
    if np.allclose(value, expected / batch, rtol=rtol, atol=atol):
        return f"; it is {batch} times too small: is it divided by N twice?"
    return ""


def check_close(value: np.ndarray, expected: np.ndarray, *, where: str, rtol: float, atol: float,
                batch: int | None = None, hint: str = "") -> None:
    """Every entry within atol + rtol * |expected|; else name the worst entry."""
    value = np.asarray(value, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if value.shape != expected.shape:
        raise AssertionError(f"{where} returned shape {value.shape}; expected {expected.shape}.")
    if value.size == 0:
        return
    with np.errstate(all="ignore"):
        excess = np.abs(value - expected) - (atol + rtol * np.abs(expected))
    excess = np.where(np.isnan(excess), np.inf, excess)
    idx = np.unravel_index(int(np.argmax(excess)), value.shape)
    if excess[idx] <= 0:
        return
    v, e = value[idx], expected[idx]
    got, want, within = mismatch(v, e, atol + rtol * abs(e))
    at = f"entry {index_text(idx)} is" if value.ndim else "the value is"
    extra = hint or _batch_hint(value, expected, batch, rtol, atol)
    raise AssertionError(f"{where}: {at} {got}, expected {want} (tolerance {within}){extra}.")


def scalar_value(value: Any) -> Any:
    """A 0-d float or bool array counts as the scalar it holds (SPEC: a loss may be a 0-d float array)."""
    if type(value) is np.ndarray and value.shape == () and value.dtype.kind in "fb":
        return value[()]
    return value


def check_scalar(value: Any, *, fn: str, where: str, what: str = "a float") -> float:
    """A Python float, a NumPy floating scalar or a 0-d float array, finite; returns it as a float."""
    value = scalar_value(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)):
        if type(value) is np.ndarray and value.size == 1:
            raise AssertionError(f"{where} returned a numpy.ndarray of shape {value.shape}; expected {what} "
                                 "(a Python float, a NumPy scalar or a 0-d array: use float(...) or .item()).")
        if isinstance(value, TensorInfo):
            raise AssertionError(f"{where} returned a torch tensor; expected {what} (use .item()).")
        raise AssertionError(f"{where} returned {type_text(value)}; expected {what}.")
    v = float(value)
    if not math.isfinite(v):
        raise AssertionError(f"{where} is {v}; expected a finite number.")
    return v


def scalar_dtype(value: Any) -> np.dtype:
    """The float dtype of a scalar a check_scalar accepted (a Python float is float64)."""
    value = scalar_value(value)
    return value.dtype if isinstance(value, np.floating) else np.dtype(np.float64)


def check_scalar_close(value: float, expected: float, *, where: str, rtol: float, atol: float,
                       batch: int | None = None, hint: str = "") -> None:
    tol = atol + rtol * abs(expected)
    if abs(value - expected) <= tol:
        return
    if not hint and batch and batch > 1 and abs(expected) > atol:
        if abs(value - expected * batch) <= tol * batch:
            hint = f" (it is {batch} times too large: is it the mean over the batch, not the sum?)"
        elif abs(value - expected / batch) <= tol:
            hint = f" (it is {batch} times too small: is it divided by N twice?)"
    got, want, within = mismatch(value, expected, tol)
    raise AssertionError(f"{where} is {got}, expected {want} (tolerance {within}){hint}.")


def check_bool(value: Any, *, where: str, what: str) -> bool:
    """A Python or NumPy bool, or a 0-d bool array."""
    value = scalar_value(value)
    if type(value) is bool or isinstance(value, np.bool_):
        return bool(value)
    raise AssertionError(f"{where} returned {type_text(value)} as {what}; expected a bool.")


def check_int(value: Any, *, where: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise AssertionError(f"{where} returned {type_text(value)}; expected an int.")
    return int(value)


def check_pair(value: Any, *, where: str, names: str) -> tuple:
    """A tuple (or list) of exactly two items."""
    if type(value) not in (tuple, list):
        raise AssertionError(f"{where} returned {type_text(value)}; expected a tuple {names}.")
    if len(value) != 2:
        raise AssertionError(f"{where} returned {len(value)} items; expected the two of {names}.")
    return tuple(value)


def check_items(value: Any, *, where: str, count: int, names: str) -> tuple:
    """A tuple (or list) of exactly ``count`` items (``names`` says what they are, for the message)."""
    if type(value) not in (tuple, list):
        raise AssertionError(f"{where} returned {type_text(value)}; expected {names}.")
    if len(value) != count:
        raise AssertionError(f"{where} returned {len(value)} items; expected {count}: {names}.")
    return tuple(value)


def check_no_warnings(warnings: list[str], *, where: str) -> None:
    for w in warnings:
        if w.startswith("RuntimeWarning"):
            raise AssertionError(f"{where} emitted '{w}'.")


def check_raised_value_error(report: Any, *, fn: str, where: str) -> None:
    """Judge harness.raises's report: the call must have raised ValueError (or a subclass)."""
    if not isinstance(report, dict) or report.get("missing"):
        raise StudentError(fn, "missing", f"{fn} is not defined in your submission.")
    raised = report.get("raised", "")
    if not raised:
        raise AssertionError(f"{where} returned a value; expected it to raise ValueError.")
    if not report.get("value_error"):
        raise AssertionError(f"{where} raised {raised}; expected ValueError.")


# ------------------------------------------------------------------ torch values (part 5)


def check_tensor(value: Any, *, fn: str, where: str) -> TensorInfo:
    if isinstance(value, TensorInfo):
        if value.values.dtype.kind not in "biuf":
            raise AssertionError(f"{where} returned a tensor of dtype {value.dtype}; expected real numbers.")
        return value
    raise AssertionError(f"{where} returned {type_text(value)}; expected a torch tensor.")


# ------------------------------------------------------------------ the grader checking itself


@contextlib.contextmanager
def self_check(what: str) -> Iterator[None]:
    """Within this block, a failed check or a failed call means the grader (or the reference) is wrong."""
    try:
        yield
    except (AssertionError, StudentError) as exc:
        raise SelfCheckFailed(f"grader self-check failed: {what}: {exc}") from None

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


def num(v: float, other: float | None = None) -> str:
    """A number with as many digits as it takes to tell it from ``other``."""
    try:
        v = float(v)
    except (TypeError, ValueError, OverflowError):
        return str(v)
    if not math.isfinite(v):
        return str(v)
    if other is None or not math.isfinite(float(other)):
        return f"{v:.6g}"
    for digits in range(4, 18):
        if f"{v:.{digits}g}" != f"{float(other):.{digits}g}":
            return f"{v:.{digits}g}"
    return f"{v:.17g}"


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


def float_dtype(*arrays: Any) -> np.dtype:
    """SPEC: integer inputs are treated as float64; float inputs follow NumPy's promotion."""
    kinds = [np.float64 if np.asarray(a).dtype.kind in "biu" else np.asarray(a).dtype for a in arrays]
    return np.result_type(*kinds)


# ------------------------------------------------------------------ checks on returned values


def check_array(value: Any, *, fn: str, where: str, shape: tuple, dtype: Any,
                in_dtypes: Iterable[Any] = (), allow_scalar: bool = False) -> np.ndarray:
    """The value is a numpy.ndarray of this shape and float dtype, all finite; returns it."""
    if allow_scalar and isinstance(value, np.floating) and shape == ():
        value = np.asarray(value)
    if isinstance(value, TensorInfo):
        raise AssertionError(f"{fn} returned a torch tensor; expected a numpy.ndarray.")
    if type(value) is not np.ndarray:
        raise AssertionError(f"{fn} returned {type_text(value)}; expected numpy.ndarray.")
    if value.dtype.kind != "f":
        raise AssertionError(f"{where} returned an array of dtype {value.dtype}; expected {np.dtype(dtype)}.")
    if value.shape != tuple(shape):
        raise AssertionError(f"{where} returned shape {value.shape}; expected {tuple(shape)}.")
    check_dtype(value.dtype, dtype, fn=fn, where=where, in_dtypes=in_dtypes)
    bad = ~np.isfinite(value)
    if bad.any():
        idx = np.argwhere(bad)[0]
        at = f"entry {index_text(idx)}" if value.ndim else "the value"
        raise AssertionError(f"{where}: {at} is {value[tuple(idx)]}; expected a finite number.")
    return value


def check_dtype(got: Any, expected: Any, *, fn: str, where: str, in_dtypes: Iterable[Any] = ()) -> None:
    got, expected = np.dtype(got), np.dtype(expected)
    if got == expected:
        return
    ins = [np.dtype(d) for d in in_dtypes]
    floats = sorted({str(d) for d in ins if d.kind == "f"})
    if ins and all(d.kind == "f" for d in ins) and len(floats) == 1:
        raise AssertionError(f"{fn} changed the dtype: {floats[0]} in, {got} out.")
    if ins and all(d.kind in "biu" for d in ins):
        raise AssertionError(f"{where} returned {got} for integer input; integers are treated as float64, "
                             f"so expected {expected}.")
    if ins:
        names = ", ".join(str(d) for d in ins)
        raise AssertionError(f"{where} returned {got}; with inputs of dtype {names}, NumPy's promotion "
                             f"gives {expected}.")
    raise AssertionError(f"{where} returned {got}; expected {expected}.")


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
    tol = atol + rtol * abs(e)
    at = f"entry {index_text(idx)} is" if value.ndim else "the value is"
    extra = hint or _batch_hint(value, expected, batch, rtol, atol)
    raise AssertionError(f"{where}: {at} {num(v, e)}, expected {num(e, v)} (tolerance {tol:.2g}){extra}.")


def check_scalar(value: Any, *, fn: str, where: str, what: str = "a float") -> float:
    """A Python float or a NumPy floating scalar, finite; returns it as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)):
        if type(value) is np.ndarray and value.size == 1:
            raise AssertionError(f"{where} returned a numpy.ndarray of shape {value.shape}; expected {what} "
                                 "(a Python float or NumPy scalar: use float(...) or .item()).")
        if isinstance(value, TensorInfo):
            raise AssertionError(f"{where} returned a torch tensor; expected {what} (use .item()).")
        raise AssertionError(f"{where} returned {type_text(value)}; expected {what}.")
    v = float(value)
    if not math.isfinite(v):
        raise AssertionError(f"{where} is {v}; expected a finite number.")
    return v


def check_scalar_close(value: float, expected: float, *, where: str, rtol: float, atol: float,
                       batch: int | None = None, hint: str = "") -> None:
    if abs(value - expected) <= atol + rtol * abs(expected):
        return
    if not hint and batch and batch > 1 and abs(expected) > atol:
        if abs(value - expected * batch) <= (atol + rtol * abs(expected)) * batch:
            hint = f" (it is {batch} times too large: is it the mean over the batch, not the sum?)"
        elif abs(value - expected / batch) <= atol + rtol * abs(expected):
            hint = f" (it is {batch} times too small: is it divided by N twice?)"
    tol = atol + rtol * abs(expected)
    raise AssertionError(f"{where} is {num(value, expected)}, expected {num(expected, value)} "
                         f"(tolerance {tol:.2g}){hint}.")


def check_bool(value: Any, *, where: str, what: str) -> bool:
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

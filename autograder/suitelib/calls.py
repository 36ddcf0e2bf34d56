"""What grading suites share: calling the student and the reference the same way and judging both.

A graded call asks the student's worker and judges the reply against the oracle's values. Whenever that
reply fails (the call raised, or a check failed), the reference solution is asked the same and judged with
the very checks the student faced: if the reference fails them too, the oracle and the reference disagree
and the test raises SelfCheckFailed (a RuntimeError: a grader bug, not the student's fault); if it passes,
the student's failure stands. So no student loses a point the reference would lose too. A reply that passes
costs the student nothing, and needs no second opinion: the reference is not asked (it used to be asked for
every test, half of a class run's work in the reference's worker, mostly its training runs). Grading the
reference itself (student is reference) judges its reply as both.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autograder.suitelib import checks
from autograder.worker import Reply, StudentError


def _reference_failed(fn: str, exc: StudentError) -> checks.SelfCheckFailed:
    return checks.SelfCheckFailed(f"grader self-check failed: the reference solution's {fn}: {exc}")


def _judge_reference(reference: Any, fn: str, ask: Callable[[Any], Any], judge: Callable[[Any, str], Any]) -> None:
    """The reference's reply to the same call, judged by the same checks; raises SelfCheckFailed if it fails."""
    try:
        ref = ask(reference)
    except StudentError as exc:
        raise _reference_failed(fn, exc) from None
    with checks.self_check(f"the reference solution's {fn} failed the test meant for yours"):
        judge(ref, "reference")


def _side_by_side(student: Any, reference: Any, fn: str, ask: Callable[[Any], Any],
                  judge: Callable[[Any, str], Any]) -> Any:
    """Judge ask(student); when it fails, judge ask(reference) the same way (a failure there is the
    grader's) before the student's failure stands; returns the student's judgement."""
    if student is reference:
        _judge_reference(reference, fn, ask, judge)
        return judge(ask(student), "student")
    try:
        return judge(ask(student), "student")
    except Exception:  # the student's failure (or the judge's): only if the reference passes where it fails
        _judge_reference(reference, fn, ask, judge)
        raise


def both(student: Any, reference: Any, fn: str, args: tuple, judge: Callable[[Reply, str], Any],
         **call_kwargs: Any) -> Any:
    """Call ``fn(*args)`` in both submissions and judge the replies (see _side_by_side)."""
    return _side_by_side(student, reference, fn, lambda sub: sub.call(fn, *args, **call_kwargs), judge)


def run_both(student: Any, reference: Any, op: str, judge: Callable[[Any, str], Any], *,
             label: str, timeout: float | None = None, **kwargs: Any) -> Any:
    """A harness operation run against both submissions, its results judged (see _side_by_side)."""
    return _side_by_side(student, reference, label,
                         lambda sub: sub.run(op, label=label, timeout=timeout, **kwargs), judge)


def array_inputs(args: tuple) -> list[np.ndarray]:
    return [a for a in args if type(a) is np.ndarray]


def tolerance_dtype(result_dtype: Any, arrays: list[np.ndarray]) -> np.dtype:
    """The precision a result is judged at: float32 when the result or any input is float32 (a float64
    result promoted from a float32 input carries float32 rounding; SPEC accepts either dtype then)."""
    return checks.judging_dtype(result_dtype, [a.dtype for a in arrays])


def grade_array(student: Any, reference: Any, fn: str, args: tuple, expected: np.ndarray, *, where: str,
                dtype: Any = None, batch: int | None = None, warnings: bool = True, hint: str = "",
                allow_scalar: bool = False, tol_inputs: list | None = None,
                extra: Callable[[np.ndarray, str, float, float], None] | None = None, **call_kwargs: Any) -> np.ndarray:
    """The call returns an array shaped like ``expected``, close to ``expected`` (the oracle's values) at
    the precision of its inputs and result, without a RuntimeWarning. ``dtype`` (one dtype or a tuple of
    the accepted ones, e.g. checks.spec_dtypes(*arrays)) is checked only when given: only a function's
    dtype test gives it. ``extra(value, where, rtol, atol)`` runs a more specific check before the comparison."""
    arrays = array_inputs(args)

    def judge(reply: Reply, who: str) -> np.ndarray:
        value = checks.check_array(reply.value, fn=fn, where=where, shape=np.shape(expected), dtype=dtype,
                                   in_dtypes=[a.dtype for a in arrays], allow_scalar=allow_scalar)
        rtol, atol = checks.tolerance(tolerance_dtype(value.dtype, arrays),
                                      tol_inputs if tol_inputs is not None else arrays)
        if extra is not None:
            extra(value, where, rtol, atol)
        checks.check_close(value, expected, where=where, rtol=rtol, atol=atol, batch=batch, hint=hint)
        if warnings:
            checks.check_no_warnings(reply.warnings, where=where)
        return value

    return both(student, reference, fn, args, judge, **call_kwargs)


def grade_arrays(student: Any, reference: Any, fn: str, args: tuple, expected: tuple, *, names: tuple[str, ...],
                 where: str, dtype: Any = None, batch: int | None = None, warnings: bool = True, hint: str = "",
                 tol_inputs: list | None = None, **call_kwargs: Any) -> tuple:
    """The call returns a tuple (or list) of arrays, one per name, each shaped like its ``expected`` array
    and close to it (see grade_array); ``dtype`` is checked only when given (the dtype test)."""
    arrays = array_inputs(args)
    tol_arrays = tol_inputs if tol_inputs is not None else arrays
    in_dtypes = [a.dtype for a in (tol_inputs if tol_inputs is not None else arrays) if isinstance(a, np.ndarray)]
    described = "(" + ", ".join(names) + ")"

    def judge(reply: Reply, who: str) -> tuple:
        items = checks.check_items(reply.value, where=where, count=len(expected), names=f"the tuple {described}")
        values = []
        for name, item, exp in zip(names, items, expected):
            at = f"{name} of {where}"
            value = checks.check_array(item, fn=fn, where=at, shape=np.shape(exp), dtype=dtype, in_dtypes=in_dtypes)
            rtol, atol = checks.tolerance(checks.judging_dtype(value.dtype, in_dtypes), tol_arrays)
            checks.check_close(value, exp, where=at, rtol=rtol, atol=atol, batch=batch, hint=hint)
            values.append(value)
        if warnings:
            checks.check_no_warnings(reply.warnings, where=where)
        return tuple(values)

    return both(student, reference, fn, args, judge, **call_kwargs)


def grade_scalar(student: Any, reference: Any, fn: str, args: tuple, expected: float, *, where: str,
                 batch: int | None = None, warnings: bool = True, hint: str = "") -> float:
    """The call returns a scalar (a Python float, a NumPy floating scalar or a 0-d float array) close to
    ``expected`` at the precision of its inputs and result, without a RuntimeWarning."""
    arrays = array_inputs(args)

    def judge(reply: Reply, who: str) -> float:
        value = checks.check_scalar(reply.value, fn=fn, where=where)
        rtol, atol = checks.tolerance(tolerance_dtype(checks.scalar_dtype(reply.value), arrays), arrays)
        checks.check_scalar_close(value, expected, where=where, rtol=rtol, atol=atol, batch=batch, hint=hint)
        if warnings:
            checks.check_no_warnings(reply.warnings, where=where)
        return value

    return both(student, reference, fn, args, judge)


def grade_raises_value_error(student: Any, reference: Any, fn: str, args: tuple, *, where: str) -> None:
    """The call raises ValueError (observed inside the worker by harness.raises)."""

    def judge(report: Any, who: str) -> None:
        checks.check_raised_value_error(report, fn=fn, where=where)

    run_both(student, reference, "raises", judge, label=fn, fn=fn, args=list(args))


def rows_sum_to_one(value: np.ndarray, where: str, rtol: float, atol: float) -> None:
    """Each row of a 2-D result (or a 1-D result) sums to 1, to tolerance."""
    sums = np.atleast_2d(np.asarray(value, dtype=np.float64)).sum(axis=-1)
    tol = atol * value.shape[-1] + rtol
    bad = np.flatnonzero(np.abs(sums - 1.0) > tol)
    if bad.size:
        i = int(bad[0])
        what = f"row {i}" if value.ndim == 2 else "it"
        raise AssertionError(f"{where}: {what} sums to {checks.num(sums[i], 1.0)}, not 1.")

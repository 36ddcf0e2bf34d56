"""No function modifies its inputs (SPEC): one test per function checks exactly that.

Every graded call gets writable copies of its inputs, so an in-place ``x -= x.max()`` never crashes a
test about values; whether the caller's arrays were left as they were is judged here, once. The test
also wants roughly right values (float32 tolerance, any dtype): a function that returns garbage earns
nothing for leaving its inputs alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.suitelib import checks
from autograder.suitelib.calls import both


def first_change(before: np.ndarray, after: Any) -> str:
    """"" when ``after`` holds what ``before`` held (NaN equal to NaN), else what changed, in words."""
    if type(after) is not np.ndarray or after.shape != before.shape or after.dtype != before.dtype:
        return f"is now {checks.type_text(after)}"
    same = before == after
    if before.dtype.kind in "fc":
        same |= np.isnan(before) & np.isnan(after)
    changed = np.argwhere(~np.asarray(same))
    if changed.size == 0:
        return ""
    idx = tuple(int(i) for i in changed[0])
    b, a = before[idx], after[idx]
    count = f" ({len(changed)} entries changed)" if len(changed) > 1 else ""
    return (f"{checks.index_text(idx) if idx else ''} was {checks.num(b)} and is now "
            f"{checks.num(a, float(b))}{count}")


def roughly(value: Any, expected: Any) -> bool:
    """Whether ``value`` has the structure of ``expected`` (a dict, tuple, array or number) and values
    close to it at float32 tolerance, whatever the dtype (the other tests judge those exactly)."""
    if isinstance(expected, dict):
        return type(value) is dict and all(k in value and roughly(value[k], v) for k, v in expected.items())
    if isinstance(expected, tuple):
        return type(value) in (tuple, list) and len(value) == len(expected) and all(
            roughly(v, e) for v, e in zip(value, expected))
    if not isinstance(value, (np.ndarray, np.generic, int, float)) or isinstance(value, (bool, np.bool_)):
        return False
    value, expected = np.asarray(value), np.asarray(expected)
    if value.dtype.kind not in "iuf" or value.shape != expected.shape:
        return False
    return bool(np.allclose(value.astype(np.float64), expected, rtol=1e-4, atol=1e-6))


def grade_inputs_unchanged(student: Any, reference: Any, fn: str, names: tuple[str, ...], args: tuple,
                           expected: Any) -> None:
    """Call ``fn(*args)`` and fail when it changed one of its array inputs, naming the input and the
    first changed entry (its index, the value before and after), or when it returned values far from
    ``expected`` (the oracle's)."""
    where = f"{fn}({', '.join(names)})"

    def judge(reply, who):
        for name, before, after in zip(names, args, reply.args or []):
            if type(before) is not np.ndarray:
                continue
            change = first_change(before, after)
            if change:
                raise AssertionError(f"{where} changed its input {name}: {name}{change}. Compute on a copy "
                                     f"({name} = {name} - m, not {name} -= m): the caller's array must stay as it was.")
        if not roughly(reply.value, expected):
            raise AssertionError(f"{where} left its inputs as they were but returned wrong values, so this test "
                                 f"gives no points (the other tests of {fn} say what is wrong).")

    both(student, reference, fn, tuple(a.copy() if type(a) is np.ndarray else a for a in args), judge,
         keep_args=True)

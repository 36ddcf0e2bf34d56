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


def leaves(name: str, value: Any):
    """(label, array) for every array in ``value``, an array or lists and tuples of them
    ("params[1][0]" for the first array of the second pair of params)."""
    if type(value) is np.ndarray:
        yield name, value
    elif type(value) in (list, tuple):
        for i, item in enumerate(value):
            yield from leaves(f"{name}[{i}]", item)


def copied(value: Any) -> Any:
    """A copy of every array in ``value`` (nested in lists and tuples), the containers rebuilt."""
    if type(value) is np.ndarray:
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(copied(v) for v in value)
    return value


def grade_inputs_unchanged(student: Any, reference: Any, fn: str, names: tuple[str, ...], args: tuple,
                           expected: Any, **kwargs: Any) -> None:
    """Call ``fn(*args, **kwargs)`` and fail when it changed one of its array inputs (arrays nested in lists
    and tuples too), naming the input and the first changed entry (its index, the value before and after),
    or when it returned values far from ``expected`` (the oracle's)."""
    where = f"{fn}({', '.join(names)})"

    def judge(reply, who):
        after_args = list(reply.args or [])
        for i, (name, before) in enumerate(zip(names, args)):
            after = after_args[i] if i < len(after_args) else None
            after_leaves = dict(leaves(name, after))
            for label, old in leaves(name, before):
                change = first_change(old, after_leaves.get(label))
                if change:
                    raise AssertionError(f"{where} changed its input {label}: {label}{change}. Compute on a copy "
                                         f"({name} = {name} - m, not {name} -= m): the caller's array must stay as it was.")
        if not roughly(reply.value, expected):
            raise AssertionError(f"{where} left its inputs as they were but returned wrong values, so this test "
                                 f"gives no points (the other tests of {fn} say what is wrong).")

    both(student, reference, fn, tuple(copied(a) for a in args), judge, keep_args=True, **kwargs)

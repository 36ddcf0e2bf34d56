"""Grader-owned code that runs inside the worker, next to the submission.

It is trusted code in an untrusted process: whatever it returns is only data that the parent judges.
The engine's operations observe how a call ends (``raises``) or what the machine has
(``cuda_available``); an assignment adds its own in its grading folder's harness.py (operations on
objects that cannot cross the boundary, such as torch modules, and FUNCTIONS: the test functions built
from a codec.Fn descriptor). The parent sends that file's text in the "load" message and ``install``
runs it here, before the submission's code.
"""
from __future__ import annotations

import types
import warnings
from typing import Callable

import numpy as np

from autograder.codec import Fn

FUNCTIONS: dict[str, Callable[..., Callable]] = {}  # filled by the assignment's harness (install)


class GraderFunction:
    """A grader-built test function as the student's code receives it. It remembers the descriptor it
    was built from, so a stand-in (see carry) can pass it on to the grader, as plain data."""

    def __init__(self, spec: Fn):
        self.spec = spec
        self._fn = FUNCTIONS[spec.name](**spec.params)

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)


def build_function(spec: Fn) -> GraderFunction:
    return GraderFunction(spec)


# ------------------------------------------------------------------ operations


def student_function(ns: dict, fn: str) -> Callable | None:
    value = ns.get(fn)
    return value if callable(value) else None


def raises(ns: dict, fn: str, args: list, kwargs: dict | None = None) -> dict:
    """Call the student's ``fn(*args, **kwargs)`` and report how it ended.

    Returns {"missing": True} when ``fn`` is not defined, else {"raised": exception type name or "",
    "value_error": whether it is a ValueError (or a subclass), "message": its text}.
    Array arguments are writable copies, as in an ordinary call.
    """
    func = student_function(ns, fn)
    if func is None:
        return {"missing": True}
    args, kwargs = list(args), dict(kwargs or {})
    try:
        with warnings.catch_warnings(), np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("ignore")
            func(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001  (whatever it is, the parent judges it)
        return {"missing": False, "raised": type(exc).__name__,
                "value_error": isinstance(exc, ValueError), "message": str(exc)[:300]}
    return {"missing": False, "raised": "", "value_error": False, "message": ""}


def cuda_available(ns: dict) -> bool:
    import torch

    return bool(torch.cuda.is_available())


OPS: dict[str, Callable] = {
    "raises": raises,
    "cuda_available": cuda_available,
}


def install(source: str, name: str = "assignment_harness") -> None:
    """Run an assignment's harness.py (its text) and add its OPS and FUNCTIONS to the engine's."""
    if not source:
        return
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    OPS.update(getattr(module, "OPS", {}))
    FUNCTIONS.update(getattr(module, "FUNCTIONS", {}))

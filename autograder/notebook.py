"""The one entry point nbgrader's graded cells call: ``grade_cell("softmax")``.

The first call in a kernel grades the whole notebook on disk through the same path as the CLI
(load, put right against the reference as nbgrader's autograde does, worker, grading suite) and
keeps the Result; each call prints what its function earned and returns the points, which nbgrader
reads as the cell's partial credit. So nbgrader's per-cell points are the CLI's per-function points
by construction (the same code, the same seed), and the feedback shows this call, not test logic.

What a cell prints is for the student's feedback: a visible test (a check the release shows) says
what failed; a hidden test says only whether it passed, never its inputs or what it checks.
"""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager, redirect_stderr
from io import StringIO
from pathlib import Path

from autograder.grade import REFERENCE, grade
from autograder.load import load
from autograder.report import student_output
from autograder.result import Result

_graded: dict[str, Result] = {}  # by the digest of the code graded


def find_notebook(name: str | None) -> Path:
    """The notebook being graded: nbgrader runs the kernel in the notebook's own folder."""
    if name:
        return Path(name).resolve()
    found = [p for p in Path.cwd().glob("*.ipynb")]
    if len(found) != 1:
        raise RuntimeError(f"grade_cell needs the notebook's name: found {len(found)} notebooks in {Path.cwd()}")
    return found[0].resolve()


def reference() -> Path | None:
    return REFERENCE if REFERENCE.exists() else None


def result_for(path: Path) -> Result:
    digest = load(path, reference=reference()).digest
    if digest not in _graded:
        _graded[digest] = grade(path)
    return _graded[digest]


@contextmanager
def no_stderr():
    """Nothing reaches the cell's stderr while grading: nbgrader gives 0 to a graded cell that wrote there.

    Three ways lead there from this process: sys.stderr, a logging handler holding the kernel's
    stream, and file descriptor 2 (ipykernel forwards what is written to it into the cell).
    """
    sink = StringIO()
    try:
        sys.stderr.flush()
    except Exception:  # a student may have replaced sys.stderr with anything
        pass
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 at all (closed by the student's code): nothing to silence there
        saved = None
    devnull = os.open(os.devnull, os.O_WRONLY)
    if saved is not None:
        os.dup2(devnull, 2)
    disabled = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with redirect_stderr(sink):
            yield sink
    finally:
        logging.disable(disabled)
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        os.close(devnull)


def feedback(result: Result, function: str) -> str:
    """What the cell shows: visible tests by name (with what failed), hidden ones as passed or failed only."""
    tests = [t for t in result.tests if t.function == function and t.status != "skipped"]
    if not tests:
        raise LookupError(f"the grading suite has no tests for {function!r}")
    earned, possible = result.by_function()[function]
    lines = [f"{function}: {earned:g} / {possible:g} points"]
    for t in tests:
        if t.visibility == "visible":
            mark = "passed" if t.status == "passed" else "FAILED"
            detail = student_output(t) if t.status != "passed" else ""
            lines.append(f"  {mark}  {t.name}" + (f"\n          {detail}" if detail else ""))
    hidden = [t for t in tests if t.visibility != "visible"]
    if hidden:
        passed = sum(t.status == "passed" for t in hidden)
        lines.append(f"  {function}: {passed} of {len(hidden)} hidden tests passed (hidden tests show no inputs)")
    if result.load_failed:
        lines.append(f"  {result.load_failed}")
    lines.append(f"graded with seed {result.seed}")
    return "\n".join(lines)


def grade_cell(function: str, notebook: str | None = None) -> float:
    """Print this function's test outcomes and return its points (nbgrader's partial credit)."""
    if os.environ.get("AUTOGRADER_WORKER"):
        return 0.0  # the notebook is being run inside a grading worker: never grade from there
    with no_stderr():
        result = result_for(find_notebook(notebook))
    print(feedback(result, function))
    earned, _ = result.by_function()[function]
    return earned

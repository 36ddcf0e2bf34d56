"""Grade one submission: load it, start its worker, run the grading suite, collect a Result."""
from __future__ import annotations

import math
import os
import tempfile
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from autograder import __version__
from autograder.load import LoadError, Source, load
from autograder.plugin import GradingPlugin
from autograder.result import Result
from autograder.worker import CALL_TIMEOUT, Submission

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(__file__).resolve().parent / "suites" / "ps1"
REFERENCE = Path(os.environ.get("AUTOGRADER_REFERENCE", ROOT / "reference" / "ps1" / "ps1.ipynb"))


class GraderError(Exception):
    """The grader itself could not grade (no reference, a broken suite): not the student's fault."""


def start_reference(path: Path = REFERENCE, *, spawn=None) -> Submission:
    """The reference solution in its own worker; `spawn` starts the process (see worker.spawn_process, pool)."""
    if not path.exists():
        raise GraderError(f"the reference solution {path} is missing; set AUTOGRADER_REFERENCE to its path.")
    launcher = {"spawn": spawn} if spawn is not None else {}
    # the reference serves a whole class: no per-submission time budget, and each distinct request is
    # computed once (the reference is deterministic; see worker.Memo)
    reference = Submission(load(path).cells, label="the reference solution", budget=math.inf, memo=True,
                           **launcher)
    if reference.report.failed or reference.report.errors:
        problem = reference.report.failed or reference.report.errors[0]
        reference.close()
        raise GraderError(f"the reference solution {path} does not run cleanly: {problem}")
    return reference


@contextmanager
def quiet():
    """pytest and its warnings stay off the terminal (and off a notebook's stderr)."""
    sink = StringIO()
    with redirect_stdout(sink), redirect_stderr(sink):
        yield sink


def one_thread():
    """NumPy's BLAS and PyTorch's OpenMP run on one thread while grading (threadpoolctl sets both).

    The oracle's arrays are tiny, and idle BLAS and OpenMP threads spin, taking the cores that the
    workers (and a class's other grading jobs) need: 200 submissions with -j 2 took about a quarter
    longer with them. The caller's setting comes back after (nbgrader's process grades through here too)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def pytest_args() -> list[str]:
    # no:unraisableexception and no:logging: the one gc.collect()s at the end of every session, the other
    # re-attaches log handlers for every test phase (PyTorch has dozens of loggers); neither serves grading
    return [str(SUITE), "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:unraisableexception",
            "-p", "no:logging", "--assert=plain",
            "-c", os.devnull, "--rootdir", str(SUITE), "-W", "ignore::DeprecationWarning"]


def warm_up() -> None:
    """Collect the grading suite once without running it: its modules (and what they import, such as an
    oracle's PyTorch, 2 to 3 s) are loaded now. A grading job calls this while the fork server is still
    starting, so the two start-ups overlap instead of the first submission paying for it. A suite that
    cannot be collected says so later, when the first submission is graded."""
    with quiet():
        pytest.main(pytest_args() + ["--collect-only"])


def run_suite(student: Submission, reference: Submission, seed: int,
              functions: set[str] | None = None, carry_forward: bool = True) -> GradingPlugin:
    plugin = GradingPlugin(student, reference, seed, functions, carry_forward)
    args = pytest_args()
    with quiet() as log, one_thread():
        code = pytest.main(args, plugins=[plugin])
    if plugin.collect_errors or code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        detail = "; ".join(plugin.collect_errors) or log.getvalue()[-2000:]
        raise GraderError(f"the grading suite could not run (pytest exit {int(code)}): {detail}")
    return plugin


def forfeit(tests: list, source: Source) -> list:
    """nbgrader scores a graded cell the student deleted 0: so does the CLI, for the functions it grades."""
    for t in tests:
        gid = source.missing_functions.get(t.function)
        if gid and t.status != "skipped":
            t.score, t.status = 0.0, "failed"
            t.output = (f"The graded cell {gid} was deleted from the notebook, so {t.function} earns no points "
                        "(as in nbgrader); copy that cell back from the released notebook.")
    return tests


def grade(path: str | Path, *, reference: Submission | None = None, seed: int | None = None,
          functions: set[str] | None = None, call_timeout: float = CALL_TIMEOUT, spawn=None,
          carry_forward: bool = True) -> Result:
    """Grade the submission at `path`; a student's mistakes lower the score, they never raise.

    `spawn` starts the worker processes (default: a new interpreter each; pool.ForkServer forks them).
    `carry_forward`: grade each function with correct versions of the other graded functions it calls,
    so a mistake costs points only where it is (see autograder.carry); False grades each as it runs.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ag-unzip-") as unpacked:
        try:
            # a notebook is put right against the reference as nbgrader's autograde does (locked cells)
            source = load(path, workdir=Path(unpacked), reference=REFERENCE if REFERENCE.exists() else None)
            failed = ""
        except LoadError as exc:
            source, failed = Source(Path(path), "unreadable", []), str(exc)
        result = Result(submission=str(path), seed=source.seed if seed is None else seed,
                        grader_version=__version__, carry_forward=carry_forward)
        own_reference = reference is None
        launcher = {"spawn": spawn} if spawn is not None else {}
        reference = reference or start_reference(**launcher)
        student = Submission(source.cells, call_timeout=call_timeout, failed=failed, **launcher)
        try:
            plugin = run_suite(student, reference, result.seed, functions, carry_forward)
            result.tests = forfeit(plugin.results(), source)
            result.load_errors = student.report.errors
            result.load_failed = student.report.failed
            result.student_output = student.output()
            result.sandbox = student.report.sandbox
        finally:
            student.close()
            if own_reference:
                reference.close()
    result.execution_time = round(time.monotonic() - started, 3)
    return result

"""Grade one submission: load it, start its worker, run its assignment's grading suite, collect a Result."""
from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from autograder import __version__, sandbox
from autograder.assignment import Assignment, AssignmentError, for_submission, get
from autograder.load import LoadError, Source, load
from autograder.plugin import GradingPlugin, SuiteImport
from autograder.result import Result
from autograder.worker import CALL_TIMEOUT, LOAD_TIMEOUT, Submission


class GraderError(Exception):
    """The grader itself could not grade (no reference, a broken suite): not the student's fault."""


def assignment_of(assignment: Assignment | str | None, path: Path | None = None) -> Assignment:
    """An Assignment, a name, or None (worked out from the submission at `path`; see for_submission)."""
    if isinstance(assignment, Assignment):
        return assignment
    try:
        if assignment is None and path is not None:
            return for_submission(path)[0]
        return get(assignment)
    except AssignmentError as exc:
        raise GraderError(str(exc)) from None


def worker_options(assignment: Assignment, settings: sandbox.Settings | None = None) -> dict:
    """What every worker of this assignment gets: its harness and data files, and a sandbox (`settings`, else
    the defaults) that also hides the course's instructor folders (wherever the course is)."""
    settings = settings or sandbox.SETTINGS
    settings = dataclasses.replace(settings, hide=[*settings.hide, *assignment.hidden()])
    return {"setup": assignment.worker_setup(), "settings": settings}


def start_reference(assignment: Assignment | str | None = None, *, spawn=None,
                    settings: sandbox.Settings | None = None, load_timeout: float = LOAD_TIMEOUT) -> Submission:
    """The assignment's reference solution in its own worker; `spawn` starts the process (see
    worker.spawn_process, pool); `settings`: its sandbox (default: sandbox.SETTINGS). The Submission
    remembers its assignment (grade() uses it by default)."""
    assignment = assignment_of(assignment)
    path = assignment.reference
    if not path.exists():
        raise GraderError(f"the reference solution {path} is missing; build it with "
                          f"`autograder build {assignment.name}`.")
    launcher = {"spawn": spawn} if spawn is not None else {}
    # the reference serves a whole class: no per-submission time budget, and each distinct request is
    # computed once (see worker.Memo)
    reference = Submission(load(path).cells, label="the reference solution", budget=math.inf, memo=True,
                           load_timeout=load_timeout, **launcher, **worker_options(assignment, settings))
    reference.assignment = assignment
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


def pytest_args(assignment: Assignment) -> list[str]:
    suite = str(assignment.grading)
    # no:unraisableexception and no:logging: the one gc.collect()s at the end of every session, the other
    # re-attaches log handlers for every test phase (PyTorch has dozens of loggers); neither serves grading
    return [suite, "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:unraisableexception",
            "-p", "no:logging", "--assert=plain",
            "-c", os.devnull, "--rootdir", suite, "-W", "ignore::DeprecationWarning"]


def warm_up(assignment: Assignment) -> None:
    """Collect the grading suite once without running it: its modules (and what they import, such as an
    oracle's PyTorch, 2 to 3 s) are loaded now. A grading job calls this while the fork server is still
    starting, so the two start-ups overlap instead of the first submission paying for it. A suite that
    cannot be collected says so later, when the first submission is graded."""
    with quiet():
        pytest.main(pytest_args(assignment) + ["--collect-only"], plugins=[SuiteImport(assignment)])


def run_suite(student: Submission, reference: Submission, seed: int, assignment: Assignment,
              functions: set[str] | None = None, carry_forward: bool = True) -> GradingPlugin:
    plugin = GradingPlugin(student, reference, seed, functions, carry_forward)
    args = pytest_args(assignment)
    with quiet() as log, one_thread():
        code = pytest.main(args, plugins=[plugin, SuiteImport(assignment)])
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


def close_when_done(future: Future) -> None:
    """Close what a future holds (an Opened submission's worker, or a reference), once it is done; a future
    that failed holds nothing to close."""
    try:
        done = future.result()
    except Exception:
        return
    (done.student if isinstance(done, Opened) else done).close()


@dataclasses.dataclass
class Opened:
    """A submission read and its worker started, its cells run: the slower half of grading it."""
    source: Source
    student: Submission
    seconds: float  # how long opening it took (part of the Result's execution_time)


def open_submission(path: str | Path, assignment: Assignment, *, call_timeout: float = CALL_TIMEOUT,
                    load_timeout: float = LOAD_TIMEOUT, budget: float | None = None, spawn=None,
                    settings: sandbox.Settings | None = None) -> Opened:
    """Read the submission at `path` and start its worker (see grade() for the settings). A job of a
    class run may open its next submission while it grades this one (job.py); the caller closes it,
    which grade() does."""
    started = time.monotonic()
    known = assignment.reference if assignment.reference.exists() else None
    with tempfile.TemporaryDirectory(prefix="ag-unzip-") as unpacked:
        try:
            # a notebook is put right against the reference as nbgrader's autograde does (locked cells)
            source = load(path, workdir=Path(unpacked), reference=known)
            failed = ""
        except LoadError as exc:
            source, failed = Source(Path(path), "unreadable", []), str(exc)
    launcher = {"spawn": spawn} if spawn is not None else {}
    student = Submission(source.cells, call_timeout=call_timeout, load_timeout=load_timeout, budget=budget,
                         failed=failed, **launcher, **worker_options(assignment, settings))
    return Opened(source, student, time.monotonic() - started)


def grade(path: str | Path, *, assignment: Assignment | str | None = None, reference: Submission | None = None,
          seed: int | None = None, functions: set[str] | None = None, call_timeout: float = CALL_TIMEOUT,
          spawn=None, carry_forward: bool = True, load_timeout: float = LOAD_TIMEOUT, budget: float | None = None,
          settings: sandbox.Settings | None = None, label: str | None = None, opened: Opened | None = None) -> Result:
    """Grade the submission at `path`; a student's mistakes lower the score, they never raise.

    `assignment`: an Assignment or its name; by default the reference's, else worked out from the
    submission (the course's only assignment, the notebook's name, the functions it defines).
    `spawn` starts the worker processes (default: a new interpreter each; pool.ForkServer forks them).
    `carry_forward`: grade each function with correct versions of the other graded functions it calls,
    so a mistake costs points only where it is (see autograder.carry); False grades each as it runs.
    `call_timeout`, `load_timeout`, `budget` (default: worker.SUBMISSION_BUDGET) and `settings` (the
    sandbox; default: sandbox.SETTINGS) are the settings of autograder.config, which the CLI reads.
    `label`: the Result's `submission`, where it came from for people (default: `path`).
    `opened`: the submission already opened by open_submission() with these settings (it is closed here).
    """
    started = time.monotonic() - (opened.seconds if opened is not None else 0.0)
    if assignment is None and reference is not None:
        assignment = getattr(reference, "assignment", None)
    assignment = assignment_of(assignment, Path(path))
    launcher = {"spawn": spawn} if spawn is not None else {}
    starting = None
    if reference is None:  # its worker starts beside the student's: two notebooks run at once, not in turn
        side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reference")
        starting = side.submit(start_reference, assignment, settings=settings, load_timeout=load_timeout,
                               **launcher)
        side.shutdown(wait=False)  # its thread ends once the reference has started
    try:
        opened = opened or open_submission(path, assignment, call_timeout=call_timeout, load_timeout=load_timeout,
                                           budget=budget, settings=settings, **launcher)
        student, source = opened.student, opened.source
        reference = reference or starting.result()
        seed = source.seed if seed is None else seed
        plugin = run_suite(student, reference, seed, assignment, functions, carry_forward)
        tests = forfeit(plugin.results(), source)
        ran = {"load_errors": student.report.errors, "load_failed": student.report.failed,
               "student_output": student.output(), "sandbox": student.report.sandbox}  # before close()
    finally:
        if opened is not None:
            opened.student.close()
        if starting is not None:
            close_when_done(starting)
    return Result(submission=label or str(path), seed=seed, tests=tests, **ran, grader_version=__version__,
                  carry_forward=carry_forward, execution_time=round(time.monotonic() - started, 3))

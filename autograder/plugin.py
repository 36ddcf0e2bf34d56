"""The pytest plugin that turns the grading suite's outcomes into scores.

Tests carry ``@pytest.mark.grade(points=P, visibility="visible"|"hidden")`` and a docstring whose first
line is the name students see ("softmax: stable for |x| up to 1e4"). The plugin provides the fixtures
``student``, ``reference``, ``seed`` and ``rng``, and records one TestResult per test. A parametrized
test's points are split evenly among the cases that ran, so a skipped CUDA case leaves the total at 100.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from autograder.carry import CarryForward, Notes
from autograder.result import TestResult
from autograder.worker import StudentError, Submission

VISIBILITIES = ("visible", "hidden")


def test_name(item: pytest.Item) -> str:
    doc = (item.obj.__doc__ or "").strip().splitlines()
    name = doc[0].strip() if doc else item.name
    callspec = getattr(item, "callspec", None)
    return f"{name} ({callspec.id})" if callspec else name


def grade_marker(item: pytest.Item) -> tuple[float, str]:
    marker = item.get_closest_marker("grade")
    if marker is None:
        raise pytest.UsageError(f"{item.nodeid} has no @pytest.mark.grade(points=..., visibility=...)")
    points = float(marker.kwargs.get("points", 0))
    visibility = marker.kwargs.get("visibility", "hidden")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(f"{item.nodeid}: visibility must be one of {VISIBILITIES}")
    return points, visibility


def explain(excinfo: pytest.ExceptionInfo) -> tuple[str, str]:
    """(status, message) for a test that raised: the student's fault, or the grader's."""
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return "failed", exc.message
    if isinstance(exc, AssertionError):
        return "failed", str(exc).strip() or "a check failed."
    return "error", f"internal grader error ({type(exc).__name__}: {exc}); your score for this test is provisional."


class GradingPlugin:
    """``carry_forward``: each graded function is graded with the reference's versions of the other
    graded functions it calls (see autograder.carry); the tests' messages say when that happened."""

    def __init__(self, student: Submission, reference: Submission, seed: int,
                 functions: set[str] | None = None, carry_forward: bool = True):
        self._student, self._reference, self._seed = student, reference, seed
        self.functions = functions
        self.carry_forward = carry_forward
        self.carried: dict[str, Notes] = {}  # nodeid -> what was carried forward in that test
        self.items: dict[str, pytest.Item] = {}
        self.outcomes: dict[str, tuple[str, str]] = {}  # nodeid -> (status, message)
        self.collect_errors: list[str] = []

    # -- fixtures, the ordinary way
    @pytest.fixture(scope="session")
    def student(self) -> Submission:
        return self._student

    @pytest.fixture(scope="session")
    def reference(self) -> Submission:
        return self._reference

    @pytest.fixture(scope="session")
    def seed(self) -> int:
        return self._seed

    @pytest.fixture
    def rng(self, request) -> np.random.Generator:
        # stable per submission and per test, whatever order or subset of tests runs
        return np.random.default_rng([self._seed, zlib.crc32(request.node.nodeid.encode())])

    # -- hooks
    def pytest_configure(self, config):
        config.option.tbstyle = "no"  # the plugin reads the exception, never pytest's formatted traceback
        config.addinivalue_line("markers", "grade(points, visibility): points and who sees the test")
        config.addinivalue_line("markers", "cuda: needs a CUDA GPU; skipped with a reason where there is none")

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))

    def pytest_collection_modifyitems(self, config, items):
        order = [test_name(item).split(":")[0] for item in items]  # all of them, even when --only picks a few
        if self.carry_forward and self._student is not self._reference:
            self._student.carry = CarryForward(self._reference, order)
        keep = []
        for item in items:
            grade_marker(item)  # fail early on a test without points
            if self.functions is None or test_name(item).split(":")[0] in self.functions:
                keep.append(item)
        items[:] = keep
        self.items = {item.nodeid: item for item in keep}

    def pytest_runtest_setup(self, item):
        if self._student.carry is not None:
            self._student.carry.reset()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if call.when == "call" and self._student.carry is not None:
            self.carried[item.nodeid] = self._student.carry.reset()
        if report.skipped:
            reason = call.excinfo.value.msg if call.excinfo else "skipped"
            self.outcomes[item.nodeid] = ("skipped", str(reason))
        elif report.failed:
            status, message = explain(call.excinfo)
            if call.when != "call" and status != "failed":
                status = "error"
            note = self.carried.get(item.nodeid, Notes()).sentence()
            if note and status == "failed":
                message = f"{message.rstrip()}{'' if message.rstrip().endswith('.') else '.'} {note}"
            self.outcomes[item.nodeid] = (status, message)
        elif call.when == "call":
            self.outcomes.setdefault(item.nodeid, ("passed", ""))

    # -- the scores
    def results(self) -> list[TestResult]:
        ran_cases: dict[str, int] = {}
        for nodeid, item in self.items.items():
            if self.outcomes.get(nodeid, ("error",))[0] != "skipped":
                ran_cases[item.originalname] = ran_cases.get(item.originalname, 0) + 1
        results = []
        for nodeid, item in self.items.items():
            points, visibility = grade_marker(item)
            status, message = self.outcomes.get(nodeid, ("error", "the test did not run."))
            name = test_name(item)
            share = 0.0 if status == "skipped" else points / ran_cases[item.originalname]
            score = share if status == "passed" else 0.0
            results.append(TestResult(name=name, function=name.split(":")[0], score=round(score, 6),
                                      max_score=round(share, 6), status=status, output=message,
                                      visibility=visibility,
                                      carried_forward=self.carried.get(nodeid, Notes()).names()))
        return results


class SuiteImport:
    """Imports the grading suite's test files as modules of its package, ``autograder.suites.<NAME>.test_x``
    (see autograder.assignment), instead of by pytest's rules, which would name every assignment's
    folder `grading` and put it on sys.path. Modules stay imported: the next submission reuses them."""

    def __init__(self, assignment):
        self.assignment = assignment

    def pytest_pycollect_makemodule(self, module_path, parent):
        if module_path.parent != self.assignment.grading:
            return None
        return SuiteModule.from_parent(parent, path=module_path, module=f"{self.assignment.module}.{module_path.stem}")


class SuiteModule(pytest.Module):
    def __init__(self, *args, module: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.module_name = module

    def _getobj(self):
        import importlib

        self.assignment_module = importlib.import_module(self.module_name)
        return self.assignment_module

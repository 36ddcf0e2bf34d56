"""What a student may see of a Result: the one place the rule for hidden tests is applied.

Every writer a student reads (the terminal, feedback.md, Gradescope's results.json, GitHub Classroom,
the feedback nbgrader puts in a graded cell, junit.xml) renders a StudentView, never the Result itself:

- a visible test: its name and its message (what went in, what was expected, what came back);
- a hidden test: its function, its number among the function's hidden tests, and whether it passed; never
  its name (names say things like "stable for |x| up to 1e4") nor its message (which holds the inputs); a failed one says which correct functions
  it was graded with (carry forward), which says nothing of its inputs;
- a test the grader itself failed on: a sentence saying so, not the grader's own error;
- the submission's own errors while loading (its code, its words) in full; never what it printed (which
  can echo a hidden input).

What the instructor needs besides (each hidden test's detail) stays in the Result, which results.json
keeps under extra_data.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder.carry import Notes
from autograder.result import Result, TestResult

HIDDEN_NOTE = "This is a hidden test: its inputs are not shown."
GRADER_ERROR = "Not graded: the grader itself failed on this test, not your code; your instructor will look at it."
GRADER_ERRORS = "Some tests hit an error in the grader itself, not in your code; your instructor will look at them."


@dataclass(frozen=True)
class ShownTest:
    name: str  # the test's name, or "FUNCTION: hidden test N" (numbered within its function)
    function: str
    status: str  # "passed", "failed", "skipped" or "error"
    score: float
    max_score: float
    message: str  # safe for the student
    hidden: bool
    carried_forward: tuple[str, ...] = ()


@dataclass(frozen=True)
class StudentView:
    submission: str
    seed: int
    score: float
    max_score: float
    tests: tuple[ShownTest, ...]
    by_function: dict  # {function: (earned, possible)}, in the suite's order
    load_failed: str  # why the submission could not be graded at all ("" if it could)
    load_errors: tuple[dict, ...]  # {"where", "type", "message"} of cells that raised while loading
    grader_errors: bool  # some test hit an error in the grader

    def of(self, function: str) -> list[ShownTest]:
        return [t for t in self.tests if t.function == function]


def message(test: TestResult) -> str:
    """What a student may read about one test."""
    if test.status == "error":
        return GRADER_ERROR
    if test.visibility == "visible" or test.status in ("passed", "skipped"):
        return test.output
    carried = Notes(served=set(test.carried_forward)).sentence()
    return f"Failed. {HIDDEN_NOTE}" + (f" {carried}" if carried else "")


def shown_test(test: TestResult, number: int = 1) -> ShownTest:
    """`number`: the test's place among its function's hidden tests (a hidden test's name)."""
    hidden = test.visibility != "visible"
    return ShownTest(name=f"{test.function}: hidden test {number}" if hidden else test.name,
                     function=test.function, status=test.status, score=test.score, max_score=test.max_score,
                     message=message(test), hidden=hidden, carried_forward=tuple(test.carried_forward))


def student_view(result: Result) -> StudentView:
    counts: dict[str, int] = {}
    tests = []
    for t in result.tests:
        if t.visibility != "visible":
            counts[t.function] = counts.get(t.function, 0) + 1
        tests.append(shown_test(t, counts.get(t.function, 0)))
    return StudentView(submission=result.submission, seed=result.seed, score=result.score,
                       max_score=result.max_score, tests=tuple(tests),
                       by_function=result.by_function(), load_failed=result.load_failed,
                       load_errors=tuple(result.load_errors), grader_errors=bool(result.grader_errors))

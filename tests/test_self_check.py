"""The grader's self-check (autograder.suitelib.calls): when a student's reply fails a test, the reference
solution is asked the same and judged by the same checks, and a reference that fails too makes the test the
grader's error, not the student's. A reply that passes does not need the reference."""
import pytest

from autograder.suitelib.calls import both
from autograder.suitelib.checks import SelfCheckFailed
from autograder.worker import Reply, StudentError


class Fake:
    """A submission whose `fn` returns a fixed value (or raises), counting the calls."""

    def __init__(self, value=None, raises: StudentError | None = None):
        self.value, self.raises, self.calls = value, raises, 0

    def call(self, fn, *args, **kwargs):
        self.calls += 1
        if self.raises is not None:
            raise self.raises
        return Reply(self.value)


def equals_two(reply: Reply, who: str):
    assert reply.value == 2, f"{who}: expected 2, got {reply.value}"
    return reply.value


def test_a_passing_reply_does_not_ask_the_reference():
    student, reference = Fake(2), Fake(2)
    assert both(student, reference, "f", (1,), equals_two) == 2
    assert (student.calls, reference.calls) == (1, 0)


def test_a_failing_reply_stands_when_the_reference_passes():
    student, reference = Fake(3), Fake(2)
    with pytest.raises(AssertionError, match="student: expected 2, got 3"):
        both(student, reference, "f", (1,), equals_two)
    assert reference.calls == 1


def test_a_failure_the_reference_shares_is_the_graders():
    with pytest.raises(SelfCheckFailed, match="reference solution's f failed the test meant for yours"):
        both(Fake(3), Fake(3), "f", (1,), equals_two)
    raised = StudentError("f", "raised", "f raised ValueError")
    with pytest.raises(SelfCheckFailed, match="the reference solution's f: f raised ValueError"):
        both(Fake(raises=raised), Fake(raises=raised), "f", (1,), equals_two)


def test_a_student_error_stands_when_the_reference_answers():
    raised = StudentError("f", "raised", "f raised ValueError")
    with pytest.raises(StudentError, match="f raised ValueError"):
        both(Fake(raises=raised), Fake(2), "f", (1,), equals_two)


def test_grading_the_reference_itself_judges_it_as_both():
    reference = Fake(3)
    with pytest.raises(SelfCheckFailed):
        both(reference, reference, "f", (1,), equals_two)
    good = Fake(2)
    assert both(good, good, "f", (1,), equals_two) == 2

"""The worker process: calls, errors, timeouts and crashes, each costing only the call that made it."""
import numpy as np
import pytest

from autograder.codec import Unsupported
from autograder.worker import StudentError, Submission

CODE = '''
import numpy as np
def double(x):
    return 2 * x
def write_into(x):
    x[0] = 1.0
    return x
def stub(x):
    raise NotImplementedError()
def spin(x):
    while True:
        pass
def die(x):
    import os
    os._exit(3)
def overflow(x):
    return np.exp(x)
def odd():
    class MyArray(np.ndarray):
        pass
    return np.zeros(2).view(MyArray)
def shout():
    print("hello from the student")
    raise SystemExit(0)
'''


@pytest.fixture
def student():
    sub = Submission([("cell 1", CODE), ("cell 2", "1 / 0")], call_timeout=5)
    yield sub
    sub.close()


def test_a_call_returns_plain_data(student):
    out = student.double(np.arange(3, dtype=np.float32))
    assert out.dtype == np.float32 and list(out) == [0, 2, 4]


def test_a_broken_cell_costs_only_itself(student):
    assert student.report.errors[0]["type"] == "ZeroDivisionError"
    assert student.report.errors[0]["where"] == "in cell 2, line 1"
    assert student.double(1) == 2


def test_inputs_are_writable_copies_and_changes_can_be_seen(student):
    x = np.zeros(2)
    assert list(student.write_into(x)) == [1.0, 0.0]  # an in-place change is not a crash (SPEC)
    assert list(x) == [0.0, 0.0]  # the grader's own array is a different one
    reply = student.call("write_into", np.zeros(2), keep_args=True)
    assert list(reply.args[0]) == [1.0, 0.0]


def test_errors_name_the_function_and_the_line(student):
    with pytest.raises(StudentError) as info:
        student.stub(1)
    assert info.value.message == "stub raised NotImplementedError in cell 1, line 9"
    with pytest.raises(StudentError, match=r"missing is not defined in your submission \(the code in cell 2, line 1 raised ZeroDivision"):
        student.missing(1)


def test_warnings_are_reported(student):
    reply = student.call("overflow", np.array([1000.0]))
    assert reply.warnings == ["RuntimeWarning: overflow encountered in exp"]


def test_a_hang_times_out_and_the_worker_is_replaced(student):
    with pytest.raises(StudentError, match="did not return within 1 s"):
        student.call("spin", 0, timeout=1)
    assert student.double(2) == 4


def test_a_crash_is_reported_and_the_worker_is_replaced(student):
    with pytest.raises(StudentError, match=r"exit code 3"):
        student.die(0)
    assert student.double(3) == 6


def test_system_exit_is_an_error_not_an_exit(student):
    with pytest.raises(StudentError, match="raised SystemExit"):
        student.shout()
    assert "hello from the student" in student.output()
    assert student.double(1) == 2


def test_subclasses_do_not_cross(student):
    value = student.odd()
    assert isinstance(value, Unsupported) and value.type_name == "MyArray"


def test_an_endless_load_fails_every_call_with_a_reason():
    sub = Submission([("cell 1", "while True:\n    pass")], load_timeout=1)
    try:
        with pytest.raises(StudentError, match="did not finish loading within 1 s"):
            sub.anything()
    finally:
        sub.close()


COUNTING = '''
calls = []
def counted(x):
    calls.append(x)
    return len(calls)
def fails_once_per_call(x):
    calls.append(x)
    raise ValueError(f"call {len(calls)}")
'''


def test_a_memoizing_submission_answers_a_repeated_request_from_memory():
    """The reference's Memo: the same request is computed once; another request, or a failed one, is asked."""
    sub = Submission([("cell 1", COUNTING)], call_timeout=5, memo=True)
    try:
        assert sub.counted(np.array([1.0, 2.0])) == 1
        assert sub.counted(np.array([1.0, 2.0])) == 1  # from memory: the worker was not asked again
        assert sub.counted(np.array([1.0, 3.0])) == 2  # other arguments are another request
        assert sub.counted(np.array([1.0, 2.0], dtype=np.float32)) == 3  # so is another dtype
        for expected in ("call 4", "call 5"):  # a failure is never remembered
            with pytest.raises(StudentError, match=expected):
                sub.fails_once_per_call(0)
        assert (sub.memo.hits, sub.memo.misses) == (1, 5)
    finally:
        sub.close()
    plain = Submission([("cell 1", COUNTING)], call_timeout=5)
    try:
        assert [plain.counted(0), plain.counted(0)] == [1, 2]  # without memo every request reaches the worker
    finally:
        plain.close()

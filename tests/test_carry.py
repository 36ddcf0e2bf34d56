"""Error carried forward at the worker level (autograder.carry): stand-ins, what the grader answers and
what it refuses, the fall-backs to the student's own function, bounds, and two workers used at once."""
import threading
import time

import numpy as np
import pytest

from autograder import carry
from autograder.assignment import get
from autograder.codec import Fn
from autograder.worker import StudentError, Submission

REFERENCE = '''
import time
import numpy as np
def square(x):
    return x * x
def cube(x):
    return x * square(x)
def slow_square(x):
    time.sleep(0.3)
    return x * x
def numerical_gradient(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        plus = f(x)
        x.flat[i] = old - h
        minus = f(x)
        x.flat[i] = old
        g.flat[i] = (plus - minus) / (2 * h)
    return g
def gradient_check(f, grad, x):
    return float(np.max(np.abs(grad(x) - numerical_gradient(f, x))))
'''

STUDENT = '''
import numpy as np
KEPT = {}
def square(x):
    return x + x          # wrong: only square's own tests should notice
def cube(x):
    KEPT["square"] = square   # keeps the stand-in it finds
    return x * square(x)
def square_twice(x):
    return square(square(x))
def cube_own_signature(x):
    return x * square(x, 2)   # the correct square takes one argument
def cube_with_lambda(x):
    return x * square(x, key=lambda v: v)
def numerical_gradient(f, x, h=1e-5):
    return np.zeros_like(x)  # wrong
def gradient_check(f, grad, x):
    return float(np.max(np.abs(grad(x) - numerical_gradient(f, x))))
def many(x):
    for _ in range(50):
        x = square(x) * 0 + x
    return x
'''
ORDER = ["square", "slow_square", "numerical_gradient", "cube", "square_twice", "cube_own_signature",
         "cube_with_lambda", "gradient_check", "many"]


@pytest.fixture(scope="module")
def pair():
    setup = get("ps1").worker_setup()  # PS1's harness builds the grader's test functions (Fn "quadratic")
    reference = Submission([("ref", REFERENCE)], label="the reference solution", budget=float("inf"), setup=setup)
    student = Submission([("cell 1", STUDENT)], call_timeout=10, setup=setup)
    student.carry = carry.CarryForward(reference, ORDER)
    yield student, reference
    student.close()
    reference.close()


def notes(student) -> carry.Notes:
    return student.carry.reset()


def test_a_function_is_graded_with_the_correct_versions_of_those_graded_before_it(pair):
    student, _ = pair
    notes(student)
    assert list(student.cube(np.array([1.0, 2.0, 3.0]))) == [1.0, 8.0, 27.0]
    assert notes(student).served == {"square"}
    assert list(student.square(np.array([3.0]))) == [6.0]  # its own tests see the student's own square
    assert notes(student).served == set()


def test_without_carry_forward_the_students_own_functions_run():
    student = Submission([("cell 1", STUDENT)], call_timeout=10)
    try:
        assert list(student.cube(np.array([1.0, 2.0, 3.0]))) == [2.0, 8.0, 18.0]
    finally:
        student.close()


def test_the_stand_in_is_gone_after_the_call_and_a_kept_one_gets_nothing(pair):
    student, _ = pair
    student.cube(np.array([2.0]))
    kept_use = '''
def square(x):
    standin = KEPT["square"]
    try:
        return standin(x)
    except RuntimeError as exc:
        first = str(exc)
    standin._call.active = True  # wakes it up: the grader still says no
    try:
        return standin(x)
    except RuntimeError as exc:
        raise RuntimeError(first + " | " + str(exc))
'''
    other = Submission([("cell 1", STUDENT), ("cell 2", kept_use)], call_timeout=10)
    other.carry = student.carry
    try:
        other.cube(np.array([2.0]))  # keeps the stand-in for square
        with pytest.raises(StudentError) as info:
            other.square(np.array([3.0]))  # square's own test: nothing from the grader
        assert "only available while another function calls it" in info.value.message
        assert "the grader refused square" in info.value.message
    finally:
        other.close()


def test_forged_asks_are_refused_for_the_function_itself_and_for_later_ones(pair):
    student, _ = pair
    forge = '''
def square(x):
    return KEPT["square"]._ask({"op": "ask", "fn": "square", "args": [], "kwargs": {"$dict": {}}})
def numerical_gradient(f, x, h=1e-5):
    return KEPT["square"]._ask({"op": "ask", "fn": "cube", "args": [1.0], "kwargs": {"$dict": {}}})
'''
    other = Submission([("cell 1", STUDENT), ("cell 2", forge)], call_timeout=10)
    other.carry = carry.CarryForward(student.carry.reference, ORDER)
    try:
        other.cube(np.array([2.0]))
        assert other.square(np.array([1.0]))["refused"]  # nothing is graded before square: no asks at all
        # cube is graded after numerical_gradient: while numerical_gradient runs, no correct cube
        assert other.numerical_gradient(None, np.zeros(1))["refused"].startswith("no correct cube")
    finally:
        other.close()


def test_a_call_the_correct_function_cannot_take_falls_back_to_the_students_own(pair):
    student, _ = pair
    notes(student)
    with pytest.raises(StudentError, match="TypeError"):  # the student's own square takes one argument too
        student.cube_own_signature(np.array([2.0]))
    assert notes(student).own == {"square": "the correct square could not take your call (it raised TypeError)"}
    note = carry.Notes(own={"square": "the correct square could not take your call (it raised TypeError)"}).sentence()
    assert note == "Your own square was used here: the correct square could not take your call (it raised TypeError)."


def test_arguments_that_are_not_plain_data_fall_back_to_the_students_own(pair):
    student, _ = pair
    notes(student)
    with pytest.raises(StudentError, match="TypeError"):
        student.cube_with_lambda(np.array([2.0]))
    assert "cannot be sent a function" in notes(student).own["square"]


def test_a_grader_built_function_crosses_as_its_descriptor(pair):
    """gradient_check's call to numerical_gradient is carried forward too: f is the grader's quadratic."""
    student, _ = pair
    notes(student)
    params = {"A": 2.0 * np.eye(3), "b": np.zeros(3)}
    grad = Fn("quadratic_grad", params)
    error = student.gradient_check(Fn("quadratic", params), grad, np.array([1.0, -2.0, 3.0]))
    assert error < 1e-6  # the student's own numerical_gradient returns zeros: the error would be 6
    assert notes(student).served == {"numerical_gradient"}


def test_asks_are_bounded_per_call(pair, monkeypatch):
    student, _ = pair
    notes(student)
    monkeypatch.setattr(carry, "MAX_ASKS", 10)
    assert list(student.many(np.array([1.0]))) == [1.0]
    assert "more correct values than the grader answers in one call" in notes(student).own["square"]
    assert notes(student).served == set()
    monkeypatch.undo()
    student.many(np.array([1.0]))
    assert notes(student).served == {"square"}


def test_a_missing_function_is_served_to_the_functions_that_call_it(pair):
    student, reference = pair
    cells = [("cell 1", "def square(x)\n    return x * x\n"), ("cell 2", "def square_twice(x):\n    return square(square(x))\n")]
    broken = Submission(cells, call_timeout=10)
    broken.carry = carry.CarryForward(reference, ORDER)
    try:
        assert broken.report.errors and broken.report.errors[0]["type"] == "SyntaxError"
        with pytest.raises(StudentError, match="not defined"):
            broken.square(np.array([1.0]))
        assert list(broken.square_twice(np.array([2.0]))) == [16.0]
    finally:
        broken.close()


def test_the_reference_busy_in_another_thread_serves_the_ask_after_without_deadlock(pair):
    student, reference = pair
    done = []
    thread = threading.Thread(target=lambda: done.append(reference.slow_square(np.array([4.0]))))
    started = time.monotonic()
    thread.start()
    time.sleep(0.05)
    assert list(student.cube(np.array([3.0]))) == [27.0]
    thread.join(5)
    assert list(done[0]) == [16.0] and time.monotonic() - started < 5


def test_frames_of_a_student_that_stops_reading_cannot_block_the_grader(pair):
    """An ask whose answer is larger than the pipe holds, from code that never reads it: the call times out."""
    _, reference = pair
    code = '''
import numpy as np
def square(x):
    return x * x
def cube(x):
    import os
    import autograder.codec as codec
    send_fd = [c.cell_contents for c in square._ask.__closure__ if type(c.cell_contents) is int][0]
    big = codec.encode([np.zeros(1 << 18)])
    os.write(send_fd, codec.pack({"op": "ask", "fn": "square", "args": big, "kwargs": {"$dict": {}}}))
    while True:  # never reads the answer
        pass
'''
    student = Submission([("cell 1", code)], call_timeout=2)
    student.carry = carry.CarryForward(reference, ORDER)
    try:
        started = time.monotonic()
        with pytest.raises(StudentError, match="did not return within 2 s"):
            student.cube(np.array([1.0]))
        assert time.monotonic() - started < 6
    finally:
        student.close()


def test_harness_operations_that_run_the_students_code_get_the_stand_ins_too(pair):
    student, _ = pair
    notes(student)
    outcome = student.run("raises", label="cube", fn="cube", args=[np.array([2.0])])
    assert outcome["raised"] == "" and notes(student).served == {"square"}
    student.run("raises", label="square", fn="square", args=[np.array([2.0])])
    assert notes(student).served == set()

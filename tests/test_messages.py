"""Messages a student can act on: graded small real submissions, the sentence they get back.

Each submission is the correct base.py with one function replaced (as in buggy.py), or the released
notebook with one solution cell filled in (markdown cells between its code cells), graded on that
function only.
"""
import re

import nbformat
import pytest

from autograder.grade import grade
from conftest import RELEASE_NB, SUBMISSIONS

BASE = (SUBMISSIONS / "correct" / "base.py").read_text()
NUMBER = r"-?\d[\d.]*(?:e[-+]?\d+)?"


def graded(tmp_path, replacement: str, fn: str, reference, spawn, *, as_notebook=False):
    """The result of grading ``replacement`` as the student's ``fn``, on ``fn`` alone: in the released
    notebook (its solution cell for ``fn``, among the markdown cells) or appended to base.py."""
    if as_notebook:
        nb = nbformat.read(str(RELEASE_NB), 4)
        (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"solution_{fn}"]
        cell.source = replacement
        path = tmp_path / "ps1.ipynb"
        nbformat.write(nb, str(path))
    else:
        path = tmp_path / "ps1.py"
        path.write_text(BASE + "\n\n" + replacement)
    return grade(path, reference=reference, spawn=spawn, functions={fn})


def failed(result) -> list[str]:
    return [t.output for t in result.tests if t.status == "failed"]


def visible(result) -> str:
    (out,) = [t.output for t in result.tests if t.visibility == "visible"]
    return out


def test_an_error_names_the_cell_that_defines_the_function_and_shows_a_bare_assert(tmp_path, reference, spawn):
    """Not "line 5 of cell 6" (a count of markdown cells too), and not only "raised AssertionError"."""
    code = "def softmax(x):\n    x = np.asarray(x)\n    assert x.ndim == 2\n    return x\n"
    result = graded(tmp_path, code, "softmax", reference, spawn, as_notebook=True)
    message = visible(result)
    assert message == ("softmax raised AssertionError in the cell that defines softmax, line 3: "
                       "the failing line is `assert x.ndim == 2`")


def test_a_py_file_error_names_the_file_and_line(tmp_path, reference, spawn):
    code = "def sigmoid(x):\n    raise ValueError('not yet')\n"
    result = graded(tmp_path, code, "sigmoid", reference, spawn)
    line = (BASE + "\n\n").count("\n") + 2
    assert visible(result) == f"sigmoid raised ValueError in ps1.py, line {line}: not yet"


def test_a_syntax_error_names_its_cell_and_line(tmp_path, reference, spawn):
    code = "def softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True))\n"
    result = graded(tmp_path, code, "softmax", reference, spawn, as_notebook=True)
    (error,) = [e for e in result.load_errors if e["type"] == "SyntaxError"]
    assert error["where"] == "in the cell that defines softmax, line 2"
    assert visible(result).startswith("softmax is not defined in your submission (the code in the cell that "
                                      "defines softmax, line 2 raised SyntaxError: unmatched ')'"), visible(result)


def numbers(message: str) -> tuple[str, str, str]:
    found = re.search(rf"is ({NUMBER}), expected ({NUMBER}) \(tolerance ({NUMBER})\)", message)
    assert found, message
    return found.groups()


def test_close_numbers_show_the_digits_where_they_differ(tmp_path, reference, spawn):
    """Not "is 0.2899, expected 0.28991": the same number of digits, trailing zeros kept."""
    code = "def cross_entropy(y_hat, y):\n    return 0.2899\n"  # the visible check expects 0.289909...
    message = visible(graded(tmp_path, code, "cross_entropy", reference, spawn))
    got, want, tol = numbers(message)
    assert (got, want) == ("0.28990", "0.28991"), message
    assert abs(float(got) - float(want)) > float(tol)


def test_a_value_shown_outside_the_tolerance_it_states(tmp_path, reference, spawn):
    """Not "is 1e-08, expected 0 (tolerance 1e-08)": just outside atol, and shown so."""
    code = "def sigmoid_grad(s):\n    s = np.asarray(s, dtype=float)\n    return s * (1 - s) + 1.0000001e-8\n"
    message = visible(graded(tmp_path, code, "sigmoid_grad", reference, spawn))
    got, want, tol = numbers(message)
    assert float(want) == 0 and abs(float(got) - float(want)) > float(tol), message


def test_an_object_array_reads_as_python_objects(tmp_path, reference, spawn):
    code = "def softmax(x):\n    return np.array([None] * np.shape(x)[-1])\n"
    message = visible(graded(tmp_path, code, "softmax", reference, spawn))
    assert "a numpy.ndarray of Python objects (dtype object); expected a numpy.ndarray of numbers" in message
    assert message.startswith("softmax(x) for x = [1, 2, 3] returned"), message


@pytest.mark.parametrize("how", ["0-d array", "numpy float32"])
def test_a_loss_may_be_a_0d_array_or_a_numpy_scalar(tmp_path, reference, spawn, how):
    wrap = {"0-d array": "np.asarray", "numpy float32": "np.float32"}[how]
    code = (f"_ce = cross_entropy\n\ndef cross_entropy(y_hat, y):\n    return {wrap}(_ce(y_hat, y))\n")
    result = graded(tmp_path, code, "cross_entropy", reference, spawn)
    assert result.score == result.max_score, failed(result)


def test_a_shape_1_loss_is_still_refused_with_a_hint(tmp_path, reference, spawn):
    code = "_ce = cross_entropy\n\ndef cross_entropy(y_hat, y):\n    return np.array([_ce(y_hat, y)])\n"
    message = visible(graded(tmp_path, code, "cross_entropy", reference, spawn))
    assert "returned a numpy.ndarray of shape (1,); expected a float" in message and ".item()" in message


# ------------------------------------------------------------------ what every writer shows of a hidden test


def _leaky_result():
    from autograder.result import Result
    from autograder.result import TestResult as Outcome

    tests = [Outcome("softmax: softmax([1, 2, 3])", "softmax", 1.0, 1.0, "passed", "", "visible"),
             Outcome("softmax: stable for |x| up to 73519.25", "softmax", 0.0, 2.0, "failed",
                     "softmax([73519.25, -73519.25]) returned [nan, nan], expected [1, 0]", "hidden",
                     carried_forward=["sigmoid"]),
             Outcome("softmax: shape (4, 5)", "softmax", 0.0, 1.0, "error",
                     "KeyError: 'cases' in grading/oracle.py line 86421", "visible")]
    return Result(submission="ann.py", seed=1, tests=tests, grader_version="test",
                  student_output="debug: got 73519.25")


def _rendered(name: str, writer, result) -> str:
    """All a student may read of a writer's output (Gradescope's extra_data is the instructor's)."""
    import io
    import json

    from rich.console import Console

    if name == "terminal":
        out = io.StringIO()
        writer(result, Console(file=out, width=300))
        return out.getvalue()
    rendered = writer(result)
    if name == "gradescope":
        rendered = {**rendered, "extra_data": None,
                    "tests": [{k: v for k, v in t.items() if k != "extra_data"} for t in rendered["tests"]]}
    return rendered if isinstance(rendered, str) else json.dumps(rendered)


@pytest.mark.parametrize("name", ["terminal", "feedback.md", "gradescope", "classroom", "nbgrader"])
def test_no_writer_shows_a_hidden_input_or_a_grader_error(name):
    from autograder import report

    text = _rendered(name, report.WRITERS[name], _leaky_result())
    assert "73519" not in text and "86421" not in text and "oracle" not in text, text
    if name != "nbgrader":  # a graded cell counts the hidden tests passed, and says nothing else of them
        assert "hidden" in text and "softmax" in text
    if name in ("terminal", "gradescope", "classroom"):
        assert "Graded with a correct sigmoid" in text  # carried forward: says nothing of the inputs
    if name in ("terminal", "feedback.md", "gradescope", "classroom"):
        assert "grader itself failed" in text or "error in the grader itself" in text


def test_every_writer_is_in_the_registry_and_checked():
    from autograder import report

    assert set(report.WRITERS) == {"terminal", "feedback.md", "gradescope", "classroom", "nbgrader"}


def test_gradescope_keeps_the_instructor_s_detail_out_of_the_student_s_sight():
    from autograder import report

    data = report.gradescope(_leaky_result())
    hidden = data["tests"][1]
    assert hidden["name"] == "softmax: hidden test 1" and hidden["visibility"] == "after_published"
    assert "73519.25" in hidden["extra_data"]["instructor_detail"]
    assert "86421" in data["tests"][2]["extra_data"]["instructor_detail"]

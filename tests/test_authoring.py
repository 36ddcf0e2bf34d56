"""`autograder build`: the source notebook is built from its text form, with points from the suite only, and a
text that breaks a rule is refused with a sentence. Each test works on a scratch copy of PS1's instructor folder."""
import re
import shutil

import nbformat
import pytest

from autograder import assignment, authoring
from autograder.cli import main
from conftest import REFERENCE_NB

PS1 = REFERENCE_NB.parent


@pytest.fixture
def course(tmp_path):
    """A one-assignment course: PS1's text form, settings, suite and committed notebook, nothing else.
    assignment.get registers the scratch ps1 as autograder.suites.ps1's home: the repository's is put back."""
    registered = dict(assignment._FINDER.assignments)
    folder = tmp_path / "reference" / "ps1"
    shutil.copytree(PS1 / "grading", folder / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("ps1.py", "assignment.toml", "ps1.ipynb"):
        shutil.copy(PS1 / name, folder / name)
    yield tmp_path
    assignment._FINDER.assignments.clear()
    assignment._FINDER.assignments.update(registered)


def ps1(course):
    return assignment.get("ps1", course)


def edit(path, old, new, count=1):
    text = path.read_text()
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count))


def graded_points(notebook) -> dict[str, float]:
    cells = nbformat.read(notebook, 4).cells
    return {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in cells
            if c.metadata.get("nbgrader", {}).get("points") is not None}


def refused(course, capsys) -> str:
    assert main(["build", "ps1", "--course", str(course)]) == 1
    return capsys.readouterr().out


def test_an_edit_of_the_text_makes_the_notebook_stale_until_built(course, capsys):
    before = (course / "reference/ps1/ps1.ipynb").read_bytes()
    assert main(["build", "ps1", "--check", "--course", str(course)]) == 0
    edit(course / "reference/ps1/ps1.py", "# # PS1: Sigmoid & Softmax", "# # PS1: Sigmoid and Softmax")
    assert main(["build", "ps1", "--check", "--course", str(course)]) == 1
    out = capsys.readouterr().out
    assert "reference/ps1/ps1.ipynb is stale" in out and "autograder build ps1" in out
    assert (course / "reference/ps1/ps1.ipynb").read_bytes() == before  # --check writes nothing
    assert main(["build", "ps1", "--course", str(course)]) == 0
    built = (course / "reference/ps1/ps1.ipynb").read_text()
    assert "# PS1: Sigmoid and Softmax" in built and "Sigmoid & Softmax" not in built
    assert main(["build", "ps1", "--check", "--course", str(course)]) == 0


def test_moving_a_point_is_one_edit_in_the_suite(course):
    """One point from softmax to predict, as issue 11 tried: the graded cells and the table follow the suite."""
    old = graded_points(course / "reference/ps1/ps1.ipynb")
    grading = course / "reference/ps1/grading"
    softmax_test = re.search(r'@pytest.mark.grade\(points=1, visibility="visible"\)\ndef test_softmax_visible',
                             (grading / "test_part1_activations.py").read_text())
    assert softmax_test, "the move needs a 1-point softmax test"
    edit(grading / "test_part1_activations.py", softmax_test.group(0),
         softmax_test.group(0).replace("points=1,", "points=0,"))
    predict_test = re.search(r'@pytest.mark.grade\(points=1, visibility="visible"\)\ndef test_predict\w*',
                             (grading / "test_part5_training.py").read_text())
    assert predict_test, "the move needs a 1-point predict test"
    edit(grading / "test_part5_training.py", predict_test.group(0),
         predict_test.group(0).replace("points=1,", "points=2,"))
    authoring.build(ps1(course))
    new = graded_points(course / "reference/ps1/ps1.ipynb")
    assert new["grade_softmax"] == old["grade_softmax"] - 1 and new["grade_predict"] == old["grade_predict"] + 1
    assert {k: v for k, v in new.items() if k not in ("grade_softmax", "grade_predict")} == \
        {k: v for k, v in old.items() if k not in ("grade_softmax", "grade_predict")}
    text = (course / "reference/ps1/ps1.ipynb").read_text()
    assert f"| `softmax` | {old['grade_softmax'] - 1:g} |" in text
    assert f"| `predict` | {old['grade_predict'] + 1:g} |" in text


def test_the_same_text_builds_the_same_bytes(course):
    notebook = course / "reference/ps1/ps1.ipynb"
    notebook.unlink()
    authoring.build(ps1(course))
    first = notebook.read_bytes()
    authoring.build(ps1(course))
    assert notebook.read_bytes() == first == REFERENCE_NB.read_bytes()
    assert first.endswith(b"}\n")


def test_points_in_a_graded_cell_are_refused(course, capsys):
    edit(course / "reference/ps1/ps1.py", '"grade_id": "grade_softmax", "locked": true,',
         '"grade_id": "grade_softmax", "locked": true, "points": 8,')
    assert "grade_softmax has points in the text" in refused(course, capsys)


def test_a_graded_function_without_tests_is_refused(course, capsys):
    grading = course / "reference/ps1/grading"
    for path in grading.glob("test_*.py"):
        path.write_text(path.read_text().replace('"""predict: ', '"""predicts: '))
    out = refused(course, capsys)
    assert "grade_predict grades predict, but the suite has no test of predict" in out
    assert "the suite grades predicts" in out and "no cell is grade_predicts" in out


def test_a_suite_function_without_a_graded_cell_is_refused(course, capsys):
    (course / "reference/ps1/grading/test_relu.py").write_text(
        'import pytest\n\n\n@pytest.mark.grade(points=2, visibility="hidden")\n'
        'def test_relu(student):\n    """relu: zero below zero"""\n')
    out = refused(course, capsys)
    assert "the suite grades relu (2 points) but no cell is grade_relu" in out
    assert "add up to 102, not the 100 assignment.toml declares" in out


def test_a_test_without_points_or_function_is_refused(course, capsys):
    (course / "reference/ps1/grading/test_extra.py").write_text(
        'import pytest\n\n\ndef test_forgot_the_marker(student):\n    """softmax: sums to one"""\n\n\n'
        '@pytest.mark.grade(points=1, visibility="hidden")\ndef test_forgot_the_docstring(student):\n    pass\n')
    out = refused(course, capsys)
    assert "test_extra.py:4: test_forgot_the_marker has no @pytest.mark.grade" in out
    assert "test_forgot_the_docstring's docstring must start with" in out


def test_a_solution_region_outside_a_solution_cell_is_refused(course, capsys):
    edit(course / "reference/ps1/ps1.py", "# Check your work: run this cell after writing softmax.\n",
         "# Check your work: run this cell after writing softmax.\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n")
    assert "check_softmax has a SOLUTION region, which nbgrader would not remove" in refused(course, capsys)


def test_an_unclosed_solution_region_is_refused(course, capsys):
    edit(course / "reference/ps1/ps1.py", "    return s * (1 - s)\n    ### END SOLUTION", "    return s * (1 - s)")
    assert "solution_sigmoid_grad never ends its SOLUTION region" in refused(course, capsys)


def test_hand_graded_answers_carry_their_own_points(course, capsys):
    """The written answers' points live in the text (the table shows them); without them the build refuses."""
    edit(course / "reference/ps1/ps1.py", '"grade_id": "written_ce_gradient", "locked": false, "points": 4,',
         '"grade_id": "written_ce_gradient", "locked": false, "points": 5,')
    authoring.build(ps1(course))
    assert graded_points(course / "reference/ps1/ps1.ipynb")["written_ce_gradient"] == 5
    assert "| written: ce gradient (graded by hand) | 5 |" in (course / "reference/ps1/ps1.ipynb").read_text()
    edit(course / "reference/ps1/ps1.py", '"grade_id": "written_ce_gradient", "locked": false, "points": 5,',
         '"grade_id": "written_ce_gradient", "locked": false,')
    assert "the hand-graded cell written_ce_gradient needs its points" in refused(course, capsys)


def test_a_text_without_a_suite_is_refused(course, capsys):
    for path in (course / "reference/ps1/grading").glob("test_*.py"):
        path.unlink()
    assert "holds no graded tests" in refused(course, capsys)

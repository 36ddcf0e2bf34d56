"""Fair scores (issue 10, items 1-2): a mistake costs points once, in the function that has it, even when
the other functions call it (error carried forward), and changing an input costs one test, not all.

The submissions here call each other as students write them: tests/submissions/correct/composed_manual_sgd.py
(the network reuses sigmoid, sigmoid_grad, softmax and softmax_cross_entropy_grad; gradient_check reuses
numerical_gradient), with one function replaced by a classic bug. Each is graded with carry-forward on, and
off to show that the same bug then costs points in the functions that call it too.
"""
import ast
import json
import subprocess
import sys

import nbformat
import pytest

from autograder import report, view
from autograder.grade import grade
from conftest import RELEASE_NB, SUBMISSIONS

COMPOSED = (SUBMISSIONS / "correct" / "composed_manual_sgd.py").read_text()

SIGMOID_GRAD_OF_X = '''
def sigmoid_grad(s):
    sig = sigmoid(s)  # applied to x: s is already the sigmoid's output
    return sig * (1 - sig)
'''
SOFTMAX_AXIS_0 = '''
def softmax(x):
    x = _arr(x)
    e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
'''
GRAD_X_WITHOUT_MEAN = '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    h = sigmoid(_arr(x) @ W1 + b1)
    dz2 = softmax(h @ W2 + b2) - y  # forgets the 1/N of the mean loss
    return ((dz2 @ W2.T) * sigmoid_grad(h)) @ W1.T
'''
SOFTMAX_IN_PLACE = '''
def softmax(x):
    x = _as_float(x)  # the same array when it is already float
    x -= np.max(x, axis=-1, keepdims=True)  # changes the caller's array
    np.exp(x, out=x)
    return x / np.sum(x, axis=-1, keepdims=True)
'''


def lost(result) -> dict[str, float]:
    return {fn: possible - earned for fn, (earned, possible) in result.by_function().items() if earned < possible}


def failures(result) -> list[tuple[str, str]]:
    return [(t.name, t.output) for t in result.tests if t.status == "failed"]


@pytest.fixture(scope="module")
def graded(reference, spawn, tmp_path_factory):
    """{(bug, carry_forward): Result} for the composed submission with each bug."""
    folder = tmp_path_factory.mktemp("composed")
    results = {}
    for name, bug in (("sigmoid_grad_of_x", SIGMOID_GRAD_OF_X), ("softmax_axis_0", SOFTMAX_AXIS_0),
                      ("grad_x_without_mean", GRAD_X_WITHOUT_MEAN)):
        path = folder / f"{name}.py"
        path.write_text(COMPOSED + "\n" + bug)
        for carry_forward in (True, False) if name != "grad_x_without_mean" else (True,):
            results[name, carry_forward] = grade(path, reference=reference, spawn=spawn, carry_forward=carry_forward)
    return results


def test_sigmoid_grad_applied_to_x_costs_points_only_in_sigmoid_grad(graded):
    result = graded["sigmoid_grad_of_x", True]
    assert set(lost(result)) == {"sigmoid_grad"}, failures(result)
    # carried forward: the network's gradients were graded with a correct sigmoid_grad, and say so
    carried = {t.function: t.carried_forward for t in result.tests if t.carried_forward}
    assert "sigmoid_grad" in carried["two_layer_grad_x"] and "sigmoid_grad" in carried["two_layer_grads"]
    assert "numerical_gradient" in carried["gradient_check"]
    assert report.gradescope(result)["extra_data"]["carry_forward"] is True


def test_without_carry_forward_the_same_bug_costs_its_callers_too(graded):
    result = graded["sigmoid_grad_of_x", False]
    assert {"sigmoid_grad", "two_layer_grad_x", "two_layer_grads"} <= set(lost(result))
    assert all(t.carried_forward == [] for t in result.tests)
    assert report.gradescope(result)["extra_data"]["carry_forward"] is False


def test_softmax_over_axis_0_costs_points_only_in_softmax(graded):
    result = graded["softmax_axis_0", True]
    assert set(lost(result)) == {"softmax"}, failures(result)
    assert lost(result)["softmax"] < 8  # the one-column case is right by chance; the rest is lost
    off = graded["softmax_axis_0", False]
    assert {"softmax", "softmax_cross_entropy_grad", "two_layer_forward", "two_layer_grad_x"} <= set(lost(off))


def test_a_failed_test_says_which_correct_functions_it_was_graded_with(graded):
    result = graded["grad_x_without_mean", True]
    assert set(lost(result)) == {"two_layer_grad_x"}, failures(result)
    note = "Graded with a correct sigmoid, sigmoid_grad and softmax (yours are graded on their own)."
    failed = [t for t in result.tests if t.status == "failed"]
    assert failed and all(t.output.endswith(note) for t in failed), failures(result)
    hidden = [t for t in failed if t.visibility == "hidden"]
    assert hidden and view.message(hidden[0]) == f"Failed. {view.HIDDEN_NOTE} {note}"


# ------------------------------------------------------------------ a cell or a definition that does not run


def composed_notebook(path, *, broken: str = ""):
    """The released notebook with every solution cell filled from the composed submission (its helpers
    and imports go first, in sigmoid's cell); the cell of ``broken`` gets a syntax error."""
    tree = ast.parse(COMPOSED)
    functions, helpers = {}, []
    for node in tree.body:
        text = ast.get_source_segment(COMPOSED, node)
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name != "log_softmax":
            functions[node.name] = text
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # not the docstring
            helpers.append(text)
    nb = nbformat.read(RELEASE_NB, as_version=4)
    filled = set()
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid.startswith("solution_"):
            fn = gid[len("solution_"):]
            source = functions[fn]
            if fn == "sigmoid":
                source = "\n\n".join(helpers) + "\n\n\n" + source
            if fn == broken:
                source = source.replace(f"def {fn}(", f"def {fn}(:", 1)
            cell.source = source
            filled.add(fn)
    assert filled == set(functions), set(functions) - filled
    nbformat.write(nb, str(path))
    return path


def test_a_syntax_error_in_the_softmax_cell_costs_only_softmax(reference, spawn, tmp_path):
    """Through the real notebook path: the release, its solution cells filled, softmax's cell broken."""
    path = composed_notebook(tmp_path / "ps1.ipynb", broken="softmax")
    result = grade(path, reference=reference, spawn=spawn)
    assert lost(result) == {"softmax": 8}, failures(result)
    assert any(e["type"] == "SyntaxError" for e in result.load_errors)
    off = grade(path, reference=reference, spawn=spawn, carry_forward=False)
    assert {"softmax", "softmax_cross_entropy_grad", "two_layer_forward", "two_layer_grad_x",
            "two_layer_grads"} <= set(lost(off))


def test_the_filled_notebook_scores_100(reference, spawn, tmp_path):
    result = grade(composed_notebook(tmp_path / "ps1.ipynb"), reference=reference, spawn=spawn)
    assert failures(result) == [] and result.score == 100


def test_a_syntax_error_in_one_definition_of_a_py_file_costs_only_that_function(reference, spawn, tmp_path):
    """A .py file runs one top-level definition at a time (load.python_cells), like a notebook's cells."""
    path = tmp_path / "ps1.py"
    path.write_text(COMPOSED.replace("def softmax(x):", "def softmax(x)", 1))
    result = grade(path, reference=reference, spawn=spawn)
    assert lost(result) == {"softmax": 8}, failures(result)
    assert result.load_errors[0]["type"] == "SyntaxError"
    line = COMPOSED.splitlines().index("def softmax(x):") + 1
    assert result.load_errors[0]["where"] == f"in ps1.py, line {line}"  # the file's own line numbers


# ------------------------------------------------------------------ inputs are writable copies


def test_changing_an_input_costs_exactly_the_one_test_about_it(reference, spawn, tmp_path):
    path = tmp_path / "ps1.py"
    path.write_text((SUBMISSIONS / "correct" / "base.py").read_text() + "\n" + SOFTMAX_IN_PLACE)
    result = grade(path, reference=reference, spawn=spawn, functions={"softmax", "two_layer_forward"})
    assert lost(result) == {"softmax": 1}, failures(result)
    (name, output), = failures(result)
    assert name == "softmax: leaves its inputs as they were (1-D inputs too)"
    assert output.startswith("softmax(x) changed its input x: x[0, 0] was ")
    assert "and is now" in output


# ------------------------------------------------------------------ the switch, from the command line


def test_the_cli_switch_turns_carry_forward_off_and_says_so_in_results_json(tmp_path):
    path = tmp_path / "ps1.py"
    path.write_text(COMPOSED + "\n" + SIGMOID_GRAD_OF_X)
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--results", str(out),
                           "--only", "sigmoid_grad,two_layer_grad_x", "--no-carry-forward", "--no-pool"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(out.read_text())
    assert data["extra_data"]["carry_forward"] is False
    failed = {t["name"].split(":")[0] for t in data["tests"] if t["status"] == "failed"}
    assert failed == {"sigmoid_grad", "two_layer_grad_x"}


def test_a_class_run_passes_the_switch_on_and_regrades_when_it_changes(tmp_path):
    (tmp_path / "class" / "ann").mkdir(parents=True)
    (tmp_path / "class" / "ann" / "ps1.py").write_text(COMPOSED + "\n" + SIGMOID_GRAD_OF_X)
    only = ["--only", "sigmoid_grad,two_layer_grad_x", "--no-progress"]

    def run(*flags):
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "class"),
                               "--out", str(tmp_path / "g"), "-j", "1", *only, *flags],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        data = json.loads((tmp_path / "g" / "ann" / "results.json").read_text())
        return data["extra_data"]["carry_forward"], {t["name"].split(":")[0] for t in data["tests"]
                                                     if t["status"] == "failed"}

    assert run("--no-carry-forward") == (False, {"sigmoid_grad", "two_layer_grad_x"})
    # the setting is part of what a stored result was graded with: switching it back grades again
    assert run() == (True, {"sigmoid_grad"})


def test_a_py_file_is_cut_at_its_top_level_definitions_keeping_its_line_numbers():
    from autograder.load import python_cells

    text = ("import numpy as np\nprint(undefined)\n\n@staticmethod\n# a comment\ndef a(x):\n    return x\n"
            "result = a(1)\n\nclass B:\n    def c(self):\n        pass\n")
    cells = python_cells("ps1.py", text)
    assert [c[1].rstrip().splitlines()[-1] for c in cells] == ["print(undefined)", "result = a(1)", "        pass"]
    for _, source in cells:  # padded: every line sits where it is in the file
        assert all(line == "" or text.splitlines()[i] == line for i, line in enumerate(source.splitlines()))
    assert cells[1][1].splitlines()[3] == "@staticmethod"  # decorators stay with their definition
    broken = text.replace("def a(x):", "def a(x)")  # no syntax tree: cut at the lines that start a definition
    assert [c[1].count("\n") for c in python_cells("ps1.py", broken)] == [c[1].count("\n") for c in cells]
    future = "from __future__ import annotations\n" + text
    assert python_cells("ps1.py", future) == [("ps1.py", future)]

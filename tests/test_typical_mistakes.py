"""Typical student mistakes (tests/submissions/typical.py): each costs points where it is, and only there,
and the release's visible check of that function catches it before the student hands in.

Each mistaken submission is a whole realistic submission whose other functions call the mistaken one, so
these tests need error carried forward (docs/ps1-spec.md): a sigmoid_grad applied to x must cost points in
sigmoid_grad only, not again in two_layer_grad_x and two_layer_grads.

The visible checks are the release notebook's own check_<function> cells, read from
assignments/ps1/ps1.ipynb when the test runs, by tests/check_cells.py: one subprocess (no kernel) that
forks a child per check, which runs the release's setup cell, the submission and the check cell, as a
student's "Run All" does.
"""
import ast
import json
import subprocess
import sys

import pytest

from autograder.result import Result
from conftest import RELEASE_NB, ROOT, SUBMISSIONS

sys.path.insert(0, str(SUBMISSIONS))
from typical import BASE, MISTAKES, build_source  # noqa: E402

FUNCTIONS = ["sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "binary_cross_entropy",
             "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad", "logistic_regression_grad",
             "two_layer_forward", "two_layer_grad_x", "two_layer_grads", "num_params", "numerical_gradient",
             "gradient_check", "majority_dataset", "build_model", "train", "predict"]
IDS = [m.name for m in MISTAKES]
REALISTIC = sorted((SUBMISSIONS / "correct").glob("realistic_*.py"))  # realistic_base.py and its correct variants


@pytest.fixture(scope="module")
def checks_run():
    """One run of tests/check_cells.py (a subprocess) over the correct realistic submissions and every mistake."""
    cases = [{"name": p.stem, "source": p.read_text(), "functions": FUNCTIONS} for p in REALISTIC]
    cases += [{"name": m.name, "source": build_source(m), "functions": [m.function]} for m in MISTAKES]
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "check_cells.py"), str(RELEASE_NB)],
                          input=json.dumps(cases), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def functions_of(source: str) -> dict[str, str]:
    return {n.name: ast.dump(n) for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


def lost(result) -> dict[str, tuple[float, float]]:
    return {fn: points for fn, points in result.by_function().items() if points[0] < points[1]}


# ------------------------------------------------------------------ the corpus itself


def test_the_corpus_is_large_varied_and_one_mistake_each():
    assert len(MISTAKES) >= 40
    assert len(set(IDS)) == len(IDS)
    per_function = {fn: sum(m.function == fn for m in MISTAKES) for fn in FUNCTIONS}
    assert min(per_function.values()) >= 1, per_function
    for fn in ("softmax", "cross_entropy", "two_layer_grads", "numerical_gradient", "train"):
        assert per_function[fn] >= 3, (fn, per_function[fn])  # the commonly botched ones, several ways
    base = functions_of(BASE.read_text())
    assert set(base) >= set(FUNCTIONS)
    for m in MISTAKES:
        assert m.why and "\n" not in m.why, m.name
        mine = functions_of(build_source(m))
        assert set(mine) == set(base), m.name  # a whole submission: every function, once
        changed = {fn for fn in base if mine[fn] != base[fn]}
        assert changed == {m.function}, (m.name, changed)


def test_the_base_calls_its_own_functions():
    """The point of this corpus: the base reuses its functions as students do (base.py never does)."""
    tree = ast.parse(BASE.read_text())
    calls = {n.name: {c.func.id for c in ast.walk(n) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
             for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"sigmoid", "sigmoid_grad", "softmax"} <= calls["two_layer_grads"]
    assert {"sigmoid", "sigmoid_grad", "softmax"} <= calls["two_layer_grad_x"]
    assert {"sigmoid", "softmax"} <= calls["two_layer_forward"]
    assert "softmax" in calls["softmax_cross_entropy_grad"]
    assert "sigmoid" in calls["logistic_regression_grad"]
    assert "numerical_gradient" in calls["gradient_check"]


# ------------------------------------------------------------------ visible checks


@pytest.mark.parametrize("path", REALISTIC, ids=[p.stem for p in REALISTIC])
def test_correct_realistic_submissions_pass_every_visible_check(checks_run, path):
    """The control: every check cell passes on the correct base (and its correct variants), so a check
    that fails below fails because of the mistake."""
    assert checks_run[path.stem] == {fn: None for fn in FUNCTIONS}


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_the_visible_check_catches_the_mistake(checks_run, mistake):
    error = checks_run[mistake.name][mistake.function]
    assert error is not None, f"check_{mistake.function} passes although {mistake.function} is wrong: {mistake.why}"
    assert not error.startswith("the "), error  # the check cell itself failed, not the setup or the submission


# ------------------------------------------------------------------ hidden tests: charged once, where it is


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole corpus graded as a class by the CLI (a subprocess, two grading processes sharing a fork
    server): {mistake name: its Result}."""
    root = tmp_path_factory.mktemp("typical")
    for m in MISTAKES:  # a folder per student: the folder's name is the student's id
        (root / "class" / m.name).mkdir(parents=True)
        (root / "class" / m.name / "ps1.py").write_text(build_source(m))
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "class", "--out", "graded", "-j", "2",
                           "--no-progress"], cwd=root, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-2000:])
    results = {}
    for m in MISTAKES:
        data = json.loads((root / "graded" / m.name / "results.json").read_text())
        results[m.name] = Result.from_dict(data["extra_data"]["result"])
    return results


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_the_mistake_costs_points_only_in_its_function(graded, mistake):
    result = graded[mistake.name]
    assert result.load_errors == [] and result.load_failed == "" and result.grader_errors == []
    charged = lost(result)
    failures = [(t.name, t.output) for t in result.tests if t.status == "failed"]
    assert mistake.function in charged, f"{mistake.function} kept all its points: {mistake.why}"
    assert set(charged) == {mistake.function}, (charged, failures)
    for t in result.tests:
        if t.status == "failed":
            assert t.output and len(t.output) < 600, t  # one sentence, not a traceback

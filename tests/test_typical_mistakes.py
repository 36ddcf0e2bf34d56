"""Typical student mistakes (tests/submissions/typical.py): each costs points where it is, and only there,
and the release's visible check of that function catches it before the student hands in.

Each mistaken submission is a whole realistic submission whose other functions call the mistaken one, so
these tests need error carried forward (docs/ps1-spec.md): a sigmoid_grad applied to x must cost points in
sigmoid_grad only, not again in two_layer_grad_x and two_layer_grads.

The visible checks are the release notebook's own check_<function> cells, read from
assignments/ps1/ps1.ipynb when the test runs. Each runs in a worker forked from the session's fork server
(a subprocess, sandboxed as in grading, no kernel) after the release's setup cell and the submission: what
a student's "Run All" does, without Jupyter.
"""
import ast
import sys

import nbformat
import pytest

from autograder.grade import grade
from autograder.worker import Worker
from conftest import RELEASE_NB, SUBMISSIONS

sys.path.insert(0, str(SUBMISSIONS))
from typical import BASE, MISTAKES, build_source  # noqa: E402

FUNCTIONS = ["sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "binary_cross_entropy",
             "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad", "logistic_regression_grad",
             "two_layer_forward", "two_layer_grad_x", "two_layer_grads", "num_params", "numerical_gradient",
             "gradient_check", "majority_dataset", "build_model", "train", "predict"]
IDS = [m.name for m in MISTAKES]


def release_cells() -> dict[str, str]:
    """The release notebook's nbgrader cells by grade_id (setup, check_<fn>, ...), as students get them."""
    nb = nbformat.read(RELEASE_NB, 4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if "grade_id" in c.metadata.get("nbgrader", {})}


def run_cells(spawn, cells: list[tuple[str, str]]) -> dict[str, str]:
    """Run the cells in order in one forked worker, as a kernel would; {cell label: its error} for each that raised."""
    worker = Worker(cells, spawn=spawn)
    try:
        report = worker.start()
    finally:
        worker.cleanup()
    assert not report.failed, report.failed
    return {e["cell"]: f"{e['type']} at {e['where']}: {e['message']}" for e in report.errors}


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


def test_the_correct_base_passes_every_visible_check(spawn):
    """The control: every check cell passes on the correct base, so a failure below is the mistake's."""
    cells = release_cells()
    checks = [(f"check_{fn}", cells[f"check_{fn}"]) for fn in FUNCTIONS]
    errors = run_cells(spawn, [("setup", cells["setup"]), ("submission", BASE.read_text()), *checks])
    assert errors == {}


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_the_visible_check_catches_the_mistake(spawn, mistake):
    cells = release_cells()
    check = f"check_{mistake.function}"
    errors = run_cells(spawn, [("setup", cells["setup"]), ("submission", build_source(mistake)), (check, cells[check])])
    assert "setup" not in errors and "submission" not in errors, errors
    assert check in errors, f"{check} passes although {mistake.function} is wrong: {mistake.why}"


# ------------------------------------------------------------------ hidden tests: charged once, where it is


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_the_mistake_costs_points_only_in_its_function(reference, spawn, mistake, tmp_path):
    path = tmp_path / f"{mistake.name}.py"
    path.write_text(build_source(mistake))
    result = grade(path, reference=reference, spawn=spawn)
    assert result.load_errors == [] and result.grader_errors == []
    charged = lost(result)
    failures = [(t.name, t.output) for t in result.tests if t.status == "failed"]
    assert mistake.function in charged, f"{mistake.function} kept all its points: {mistake.why}"
    assert set(charged) == {mistake.function}, (charged, failures)

"""Grading PS1 end to end: the reference earns 100, the stub 0, correct variants 100, each bug loses
points exactly on the functions it breaks."""
import json
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring import suite_points
from autograder.grade import grade
from conftest import REFERENCE_NB, RELEASE_NB, SUBMISSIONS

sys.path.insert(0, str(SUBMISSIONS))
from buggy import BUGS  # noqa: E402

FUNCTIONS = ["sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "binary_cross_entropy",
             "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad", "logistic_regression_grad",
             "two_layer_forward", "two_layer_grad_x", "two_layer_grads", "num_params", "numerical_gradient",
             "gradient_check", "majority_dataset", "build_model", "train", "predict"]
CORRECT = sorted((SUBMISSIONS / "correct").glob("*.py"))


def notebook_points() -> dict[str, float]:
    """The points nbgrader gives each function: the grade_<fn> cells of the reference notebook."""
    nb = nbformat.read(REFERENCE_NB, 4)
    points = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id", "").startswith("grade_"):
            points[meta["grade_id"][len("grade_"):]] = float(meta["points"])
    return points


def lost(result) -> set[str]:
    return {fn for fn, (earned, possible) in result.by_function().items() if earned < possible}


def test_reference_scores_100(reference, spawn):
    result = grade(REFERENCE_NB, reference=reference, spawn=spawn)
    failures = [(t.name, t.output) for t in result.tests if t.status not in ("passed", "skipped")]
    assert failures == []
    assert (result.score, result.max_score) == (100, 100)


def test_the_build_gives_each_graded_cell_the_points_the_suite_grades(reference, spawn):
    """One source: the points the grader collects from the suite (pytest, the markers) are those the build reads
    from the suite's source (ast) and writes into the notebook's graded cells, in SPEC's order."""
    result = grade(REFERENCE_NB, reference=reference, spawn=spawn)
    table = result.by_function()
    assert list(table) == FUNCTIONS
    collected = {fn: possible for fn, (_, possible) in table.items()}
    assert collected == suite_points(REFERENCE_NB.parent / "grading") == notebook_points()
    assert list(notebook_points()) == FUNCTIONS and sum(collected.values()) == 100
    for t in result.tests:
        assert t.name.startswith(t.function + ": ") and t.visibility in ("visible", "hidden")
    visible = {t.function for t in result.tests if t.visibility == "visible"}
    assert visible == set(FUNCTIONS), "every function has a public test, the check the release shows"


def test_stub_scores_0_with_clean_messages(reference, spawn):
    result = grade(RELEASE_NB, reference=reference, spawn=spawn)
    assert result.score == 0 and result.max_score == 100
    assert result.load_errors == [] and result.load_failed == ""
    for t in result.tests:
        if t.status == "skipped":
            continue
        assert t.status == "failed", t
        assert "raised NotImplementedError" in t.output, t


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_correct_variants_score_100(reference, spawn, path):
    result = grade(path, reference=reference, spawn=spawn)
    assert [(t.name, t.output) for t in result.tests if t.status not in ("passed", "skipped")] == []
    assert result.score == 100


def test_there_are_enough_correct_variants_and_bugs():
    assert len([p for p in CORRECT if p.stem != "base"]) >= 6
    assert len(BUGS) >= 25


@pytest.mark.parametrize("bug", BUGS, ids=[b.name for b in BUGS])
def test_each_bug_loses_points_exactly_where_it_breaks(reference, spawn, bug, tmp_path):
    path = tmp_path / f"{bug.name}.py"
    path.write_text((SUBMISSIONS / "correct" / "base.py").read_text() + "\n\n" + bug.source + "\n")
    result = grade(path, reference=reference, spawn=spawn)
    assert lost(result) == set(bug.breaks), [(t.name, t.output) for t in result.tests if t.status == "failed"]
    for t in result.tests:
        if t.status == "failed":
            assert t.output and len(t.output) < 600, t  # one sentence, not a traceback


def test_results_json_and_exit_status(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(RELEASE_NB), "--results", str(out)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["score"] == 0 and isinstance(data["execution_time"], float)
    assert isinstance(data["extra_data"]["seed"], int)
    for t in data["tests"]:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["name"].split(":")[0] in FUNCTIONS
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("visible", "after_published")
    assert "softmax" in proc.stdout and "0 / 8" in proc.stdout


def test_missing_path_is_a_grader_failure_with_a_sentence(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "nope.ipynb")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stdout


def test_broken_notebook_scores_0_and_says_why(reference, spawn, tmp_path):
    path = tmp_path / "ps1.ipynb"
    path.write_text("{ this is not json")
    result = grade(path, reference=reference, spawn=spawn)
    assert result.score == 0
    assert "is not a readable Jupyter notebook" in result.load_failed
    assert all("is not a readable Jupyter notebook" in t.output for t in result.tests if t.status == "failed")


def test_same_seed_same_grade_and_seed_is_recorded(reference, spawn):
    path = CORRECT[0]
    a = grade(path, reference=reference, spawn=spawn)
    b = grade(path, reference=reference, seed=a.seed, spawn=spawn)
    assert a.seed == b.seed and [t.score for t in a.tests] == [t.score for t in b.tests]


def test_grading_runs_on_one_thread_and_gives_the_caller_its_threads_back(reference, spawn, monkeypatch):
    """The oracle's tiny arrays run on one thread, BLAS and OpenMP alike (idle threads spin and take the
    workers' cores); the setting of the process that grades (a student's kernel, for grade_cell) is left as it was."""
    import torch
    from threadpoolctl import threadpool_info

    seen = []

    class Probe:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_call(self, item):
            seen.append((torch.get_num_threads(), *(pool["num_threads"] for pool in threadpool_info())))
            yield

    main = pytest.main
    monkeypatch.setattr(pytest, "main", lambda args, plugins: main(args, plugins=[*plugins, Probe()]))
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        result = grade(CORRECT[0], reference=reference, spawn=spawn, functions={"sigmoid"})
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)
    assert result.score == result.max_score > 0
    assert seen and {n for threads in seen for n in threads} == {1}

"""PS2's corpora graded as one class: the correct variants earn 100, each one-bug submission loses points in
exactly the functions it breaks (errors carried forward, as graded for real), and the suite's points and
visible tests are as docs/ps2-spec.md and the notebook say.

One class run (the CLI in a subprocess, two grading processes sharing a fork server) grades everything, in a
module-scoped fixture: tests/submissions/ps2/correct/*.py and every bug of tests/submissions/ps2/buggy.py.
"""
import ast
import importlib.util
import json
import subprocess
import sys

import pytest

from autograder.result import Result
from conftest import ROOT, SUBMISSIONS

PS2 = SUBMISSIONS / "ps2"


def _load(path, name):
    """A corpus module under its own name: PS1's tests import tests/submissions/buggy.py as `buggy`, and an
    xdist worker may run both files in one process."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


_buggy = _load(PS2 / "buggy.py", "ps2_buggy_submissions")
BASE, BUGS, build_source = _buggy.BASE, _buggy.BUGS, _buggy.build_source

# docs/ps2-spec.md's functions, in the notebook's order: the order the suite grades them in, callees first
FUNCTIONS = ["softmax_regression_forward", "softmax_regression_loss", "softmax_regression_grads", "standardize",
             "fit_softmax_regression", "predict_classes", "accuracy", "output_loss", "output_delta", "mlp_forward",
             "mlp_grads", "build_classifier", "evaluate", "train_classifier"]
CORRECT = sorted((PS2 / "correct").glob("*.py"))
IDS = [b.name for b in BUGS]


def defined(source: str) -> list[str]:
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


def lost(result: Result) -> set[str]:
    return {fn for fn, (earned, possible) in result.by_function().items() if earned < possible - 1e-9}


def failures(result: Result) -> list[tuple[str, str]]:
    return [(t.name, t.output) for t in result.tests if t.status not in ("passed", "skipped")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, Result]:
    """{student id: Result} for the correct variants ("correct_<stem>") and every bug (its name)."""
    root = tmp_path_factory.mktemp("ps2corpus")
    sources = {f"correct_{p.stem}": p.read_text() for p in CORRECT}
    sources.update({b.name: build_source(b) for b in BUGS})
    for name, source in sources.items():  # a folder per student: the folder's name is the student's id
        (root / "class" / name).mkdir(parents=True)
        (root / "class" / name / "ps2.py").write_text(source)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "class", "--assignment", "ps2", "--course",
                           str(ROOT), "--out", "graded", "-j", "2", "--no-progress"],
                          cwd=root, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-2000:])
    results = {}
    for name in sources:
        data = json.loads((root / "graded" / name / "results.json").read_text())
        results[name] = Result.from_dict(data["extra_data"]["result"])
    return results


# ------------------------------------------------------------------ the corpus itself


def test_the_corpus_is_large_and_one_bug_each():
    assert len(BUGS) >= 25 and len(set(IDS)) == len(IDS)
    assert len([p for p in CORRECT if p.stem != "base"]) >= 3
    assert defined(BASE.read_text()) == FUNCTIONS
    for bug in BUGS:
        assert bug.why and "\n" not in bug.why, bug.name
        replaced = defined(bug.source)
        assert len(replaced) == 1 and replaced[0] in FUNCTIONS, (bug.name, replaced)
        assert replaced[0] in bug.breaks and bug.breaks <= set(FUNCTIONS), bug.name
    covered = {fn for bug in BUGS for fn in bug.breaks}
    assert covered == set(FUNCTIONS), set(FUNCTIONS) - covered  # a bug for every graded function


def test_each_correct_variant_defines_every_function():
    for path in CORRECT:
        assert set(FUNCTIONS) <= set(defined(path.read_text())), path.name


# ------------------------------------------------------------------ grading


def test_the_suite_has_100_points_and_a_visible_test_per_function(graded):
    result = graded["correct_base"]
    table = result.by_function()
    assert list(table) == FUNCTIONS  # the notebook's order: error carried forward serves callees first
    assert sum(possible for _, possible in table.values()) == pytest.approx(100)
    for t in result.tests:
        assert t.name.startswith(t.function + ": ") and t.visibility in ("visible", "hidden"), t.name
    assert {t.function for t in result.tests if t.visibility == "visible"} == set(FUNCTIONS)


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_correct_variants_score_100(graded, path):
    result = graded[f"correct_{path.stem}"]
    assert result.load_errors == [] and result.load_failed == "" and result.grader_errors == []
    assert failures(result) == []
    assert result.score == pytest.approx(100)


@pytest.mark.parametrize("bug", BUGS, ids=IDS)
def test_each_bug_loses_points_exactly_where_it_breaks(graded, bug):
    result = graded[bug.name]
    assert result.load_errors == [] and result.load_failed == "" and result.grader_errors == []
    assert lost(result) == set(bug.breaks), failures(result)
    for name, output in failures(result):
        assert output and len(output) < 600, (name, output)  # one sentence, not a traceback

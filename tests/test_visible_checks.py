"""The release's visible check cells are the first line: each bug the hidden tests dock fails its function's check.

Every bug of tests/submissions/buggy.py is run the way a student meets it: the release's setup cell, correct
functions (correct/base.py), the buggy function, then the check cell of that function (tests/check_cells.py,
in a subprocess, no kernel). Every correct variant of tests/submissions/correct/ passes every check cell, so
the checks are not stricter than SPEC. One bug also goes through a real `nbgrader validate`.
"""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import RELEASE_NB, SUBMISSIONS
from nbgrader_course import completed, validate, with_function

sys.path.insert(0, str(SUBMISSIONS))
import buggy  # noqa: E402

CHECK_CELLS = Path(__file__).resolve().parent / "check_cells.py"
FUNCTIONS = [c.metadata["nbgrader"]["grade_id"][len("check_"):] for c in nbformat.read(RELEASE_NB, 4).cells
             if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")]


def run_checks(cases: list[dict]) -> dict:
    """{case name: {function: None if its check cell passed, else the error}} (see check_cells.py)."""
    out = subprocess.run([sys.executable, str(CHECK_CELLS)], input=json.dumps(cases), capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def results() -> dict:
    cases = [{"name": bug.name, "source": buggy.build_source(bug), "functions": sorted(bug.breaks)}
             for bug in buggy.BUGS]
    cases += [{"name": f"correct/{path.name}", "source": path.read_text(), "functions": list(FUNCTIONS)}
              for path in sorted((SUBMISSIONS / "correct").glob("*.py"))]
    return run_checks(cases)


def test_every_bug_fails_the_check_cell_of_its_function(results):
    passed = [f"{bug.name}: check_{fn}" for bug in buggy.BUGS for fn in sorted(bug.breaks)
              if results[bug.name][fn] is None]
    assert len(buggy.BUGS) >= 75
    assert passed == [], f"these bugs pass the visible check of the function they break: {passed}"


def test_every_correct_variant_passes_every_check_cell(results):
    variants = [name for name in results if name.startswith("correct/")]
    assert len(variants) >= 7
    failed = {f"{name}: check_{fn}": error for name in variants for fn, error in results[name].items() if error}
    assert failed == {}


def test_the_runner_reports_a_check_that_fails_and_one_that_passes():
    """The runner is not vacuous: the stub's NotImplementedError and a passing check both come back as such."""
    base = (SUBMISSIONS / "correct" / "base.py").read_text()
    out = run_checks([{"name": "stub", "source": "def sigmoid(x):\n    raise NotImplementedError()\n",
                       "functions": ["sigmoid"]},
                      {"name": "base", "source": base, "functions": ["sigmoid"]}])
    assert out["stub"]["sigmoid"].startswith("NotImplementedError")
    assert out["base"]["sigmoid"] is None


def test_nbgrader_validate_fails_on_a_bug_and_passes_the_reference(tmp_path):
    """A real `nbgrader validate`: the reference solutions pass; one bug the old checks missed fails its check."""
    bug = next(b for b in buggy.BUGS if b.name == "softmax_global_max")
    out = validate({"reference": completed(), "bug": with_function(completed(), "softmax", bug.source)}, tmp_path)
    assert "Success! Your notebook passes all the tests." in out["reference"], out["reference"][-3000:]
    assert "VALIDATION FAILED ON 1 CELL(S)!" in out["bug"], out["bug"][-3000:]
    assert "rows 1000 apart" in out["bug"] or "FloatingPointError" in out["bug"], out["bug"][-3000:]

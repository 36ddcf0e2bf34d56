"""The release's visible check cells are the first line: each bug the hidden tests dock fails its function's check.

For every assignment with a bug corpus (PS1: tests/submissions/, PS2: tests/submissions/ps2/), every bug of its
buggy.py is run the way a student meets it: the release's setup cell, correct functions (correct/base.py), the
buggy function, then the check cell of that function (tests/check_cells.py, in a subprocess, no kernel). The
reference's answers and every correct variant of the corpus's correct/ pass every check cell, so the checks are
not stricter than the spec. One bug per assignment also goes through a real `nbgrader validate`.
"""
import json
import runpy
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import assignment
from conftest import ROOT, SUBMISSIONS
from nbgrader_course import completed, validate, with_function

CHECK_CELLS = Path(__file__).resolve().parent / "check_cells.py"


@dataclass(frozen=True)
class Corpus:
    """An assignment's bug corpus and what its tests expect of it."""
    name: str  # the assignment
    folder: Path  # holds buggy.py and correct/
    min_bugs: int  # the corpus is not allowed to shrink unnoticed
    min_variants: int
    validated: str  # the bug that goes through `nbgrader validate`
    says: tuple[str, ...]  # what its failing check prints (any one of them)

    @property
    def release(self) -> Path:
        return assignment.get(self.name, ROOT).release

    def buggy(self) -> dict:
        """The globals of the corpus's buggy.py (BUGS, build_source), run under a name of its own: every
        corpus has a buggy.py, and another test module may have imported one as `buggy`."""
        return runpy.run_path(str(self.folder / "buggy.py"), run_name=f"{self.name}_buggy_visible")

    def bugs(self) -> list:
        return self.buggy()["BUGS"]

    def variants(self) -> list[Path]:
        return sorted((self.folder / "correct").glob("*.py"))


CORPORA = {
    # the old checks missed a global max: one shift for all rows
    "ps1": Corpus("ps1", SUBMISSIONS, 75, 7, "softmax_global_max", ("rows 1000 apart", "FloatingPointError")),
    # the check once missed it; a bug in a function no other check calls (a bad loss fails three checks)
    "ps2": Corpus("ps2", SUBMISSIONS / "ps2", 30, 4, "fit_classes_from_labels", ("class 2 has no examples",)),
}


def check_functions(release: Path) -> list[str]:
    """The functions the release has a check_<function> cell for."""
    return [c.metadata["nbgrader"]["grade_id"][len("check_"):] for c in nbformat.read(release, 4).cells
            if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")]


def solution_cells(notebook: Path) -> str:
    """A notebook's solution code cells, one after another: the reference's answers, or the release's stubs."""
    nb = nbformat.read(notebook, 4)
    return "\n\n".join(c.source for c in nb.cells
                        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))


def run_checks(release: Path, cases: list[dict]) -> dict:
    """{case name: {function: None if its check cell passed, else the error}} (see check_cells.py)."""
    assert release.exists(), f"no release at {release}: run `nbgrader generate_assignment {release.parent.name}`"
    out = subprocess.run([sys.executable, str(CHECK_CELLS), str(release)], input=json.dumps(cases),
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus(request) -> Corpus:
    return CORPORA[request.param]


@pytest.fixture(scope="module")
def results(corpus) -> dict:
    """One check_cells.py run per assignment: every bug against the checks of what it breaks; the reference,
    every correct variant and the release's stub against every check."""
    buggy = corpus.buggy()
    cases = [{"name": bug.name, "source": buggy["build_source"](bug), "functions": sorted(bug.breaks)}
             for bug in buggy["BUGS"]]
    cases += [{"name": f"correct/{path.name}", "source": path.read_text(),
               "functions": check_functions(corpus.release)} for path in corpus.variants()]
    cases += [{"name": "correct/the reference", "source": solution_cells(assignment.get(corpus.name, ROOT).reference),
               "functions": check_functions(corpus.release)},
              {"name": "stub", "source": solution_cells(corpus.release), "functions": check_functions(corpus.release)}]
    return run_checks(corpus.release, cases)


def test_every_bug_fails_the_check_cell_of_its_function(corpus, results):
    bugs = corpus.bugs()
    passed = [f"{bug.name}: check_{fn}" for bug in bugs for fn in sorted(bug.breaks) if results[bug.name][fn] is None]
    assert len(bugs) >= corpus.min_bugs
    assert passed == [], f"these bugs pass the visible check of the function they break: {passed}"


def test_the_reference_and_every_correct_variant_pass_every_check_cell(corpus, results):
    variants = [name for name in results if name.startswith("correct/")]
    assert len(variants) >= corpus.min_variants + 1 and "correct/the reference" in variants
    assert set(check_functions(corpus.release)) == set(assignment.get(corpus.name, ROOT).functions()), \
        "every graded function should have a visible check cell"
    failed = {f"{name}: check_{fn}": error for name in variants for fn, error in results[name].items() if error}
    assert failed == {}


def test_the_stub_fails_every_check_cell(corpus, results):
    """The runner is not vacuous: the release as handed out fails every check, with its NotImplementedError."""
    assert results["stub"] and all(error.startswith("NotImplementedError") for error in results["stub"].values()), \
        results["stub"]


# PS2 only: PS1's `nbgrader validate` runs in tests/test_nbgrader.py (a completed release and the stub), and each
# of its bugs fails its check cell above; CI's time goes where a path is not otherwise run
@pytest.mark.parametrize("name", ["ps2"])
def test_nbgrader_validate_fails_on_a_bug_and_passes_the_reference(name, tmp_path):
    """A real `nbgrader validate`: the reference solutions pass; one bug fails its function's check."""
    corpus = CORPORA[name]
    bug = next(b for b in corpus.bugs() if b.name == corpus.validated)
    (fn,) = bug.breaks
    found = assignment.get(name, ROOT)
    good = completed(found.reference, found.release)
    out = validate({"reference": good, "bug": with_function(good, fn, bug.source)}, tmp_path, release=found.release)
    assert "Success! Your notebook passes all the tests." in out["reference"], out["reference"][-3000:]
    assert "VALIDATION FAILED ON 1 CELL(S)!" in out["bug"], out["bug"][-3000:]
    assert any(text in out["bug"] for text in corpus.says), out["bug"][-3000:]

"""nbgrader's whole workflow on PS1, run as an instructor runs it, and its scores equal the CLI's.

One scratch course (AUTOGRADER_WORKSPACE, never ./course) is built once for the module: generate the release,
put five students' notebooks in submitted/ and collect two more from a Canvas-style download with
zip_collect, autograde all seven in one `nbgrader autograde ps1` (while the CLI grades the same files),
then generate feedback and export the gradebook. The tests read what that left behind.

The class:
  alice  the reference's solutions pasted into the release          100
  bob    the release untouched (the stub)                             0
  carol  softmax without the max shift; she also replaced the visible check of softmax by `pass`
         and edited the locked setup cell (autograde restores both)
  dave   deleted the graded cell of sigmoid (his sigmoid is right) and forgot the 1/N of the CE gradient
  erin   two loss bugs, and warnings on stderr: at the top level, in sigmoid and (as PyTorch does) in train
  frank  W2 where W2ᵀ belongs, forward differences                   (collected by zip_collect)
  grace  full-batch training, ties labelled 1                         (collected by zip_collect, a late re-upload)

The same course holds PS2, released and autograded beside PS1 (`nbgrader autograde ps2`, while the CLI grades
the same files), then in the same generate_feedback and export runs. Its class (the same students, a few bugs of
tests/submissions/ps2/buggy.py each, across the notebook's four parts):
  alice  the reference's solutions pasted into the release          100
  bob    the release untouched (the stub)                             0
  carol  softmax regression without the max shift; MSE's delta without its factor 2   (parts 1 and 2)
  dave   standardizes the test rows with their own statistics; ReLU's slope 1 at 0  (parts 1 and 3)
  erin   ties broken towards the last class; trains without shuffling               (parts 1 and 4)
"""
from __future__ import annotations

import ast
import csv
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.grade import grade
from autograder.load import load
from conftest import SUBMISSIONS
from autograder.grade import start_reference
from nbgrader_course import (COURSE_ID, REFERENCE_NB, RELEASE_NB, ROOT, appended_to, cell, completed, course_env,
                             db_url, grade_id, mark_schemes, nbgrader, notebook_text, page_text, plain, read,
                             reference_nb, release_nb, secrets, stub, validate, with_function, with_source,
                             without_cell, write)
from test_ps2_corpus import BUGS as PS2_BUGS
from test_ps2_corpus import FUNCTIONS as PS2_FUNCTIONS

sys.path.insert(0, str(SUBMISSIONS))
from buggy import BUGS  # noqa: E402

BUG = {b.name: b for b in BUGS}
PS2_BUG = {b.name: b for b in PS2_BUGS}
PS2_WRITTEN = {"softmax_regression_rule": 4, "output_pairs": 4, "backprop_chain": 4}  # docs/ps2-spec.md
FUNCTIONS = ["sigmoid", "sigmoid_grad", "softmax", "softmax_jacobian", "one_hot", "binary_cross_entropy",
             "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad", "logistic_regression_grad",
             "two_layer_forward", "two_layer_grad_x", "two_layer_grads", "num_params", "numerical_gradient",
             "gradient_check", "majority_dataset", "build_model", "train", "predict"]
WRITTEN = {"sigmoid_derivative": 3, "shift_invariance": 3, "ce_gradient": 4, "ce_vs_mse": 3,
           "two_layer_dx": 4, "num_params": 3}  # SPEC's written answers, graded by hand
EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]

ERIN_TOP_LEVEL = '''
import sys
import warnings
warnings.warn("erin's notebook: a warning at the top level")
'''
ERIN_SIGMOID_WARNS = '''
def sigmoid(x):
    import warnings
    warnings.warn("sigmoid: a UserWarning from inside a graded function")
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
'''


def train_printing_to_stderr() -> str:
    """The reference's train, printing a line to stderr on every call (as PyTorch's warnings do)."""
    source = cell(completed(), "solution_train").source
    first = "    model.to(device)\n"
    assert first in source
    return source.replace(first, '    import sys\n    print("UserWarning: train: printed on stderr", file=sys.stderr)\n'
                          + first, 1)


def class_notebooks() -> dict[str, tuple[nbformat.NotebookNode, set[str]]]:
    """{student: (the notebook submitted, the functions it gets wrong)}."""
    good = completed()

    def bugs(*names, nb=None):
        nb = nb or good
        for name in names:
            (fn,) = BUG[name].breaks
            nb = with_function(nb, fn, BUG[name].source)
        return nb

    carol = bugs("softmax_no_max_shift")
    carol = with_source(carol, "check_softmax", "pass  # my softmax failed this check, so I switched it off")
    carol = appended_to(carol, "setup", "import math  # I added this to the locked setup cell")
    dave = without_cell(bugs("sce_grad_missing_1_over_n"), "grade_sigmoid")
    erin = bugs("one_hot_no_range_check", "bce_no_clamp")
    erin = with_function(erin, "sigmoid", ERIN_SIGMOID_WARNS + ERIN_TOP_LEVEL)
    erin = with_function(erin, "train", train_printing_to_stderr())
    return {
        "alice": (good, set()),
        "bob": (stub(), set(FUNCTIONS)),
        "carol": (carol, {"softmax"}),
        "dave": (dave, {"sigmoid", "softmax_cross_entropy_grad"}),  # sigmoid: its graded cell is gone
        "erin": (erin, {"one_hot", "binary_cross_entropy"}),
        "frank": (bugs("grad_x_W2_not_transposed", "numgrad_forward_difference"),
                  {"two_layer_grad_x", "numerical_gradient"}),
        "grace": (bugs("train_full_batch", "majority_ties_are_one"), {"train", "majority_dataset"}),
    }


def ps2_notebooks() -> dict[str, tuple[nbformat.NotebookNode, set[str]]]:
    """PS2's class, {student: (the notebook submitted, the functions it gets wrong)}: bugs of every part."""
    good = completed(reference_nb("ps2"), release_nb("ps2"))

    def bugs(*names):
        nb = good
        for name in names:
            (fn,) = PS2_BUG[name].breaks
            nb = with_function(nb, fn, PS2_BUG[name].source)
        return nb, {fn for name in names for fn in PS2_BUG[name].breaks}

    return {
        "alice": (good, set()),
        "bob": (stub("ps2"), set(PS2_FUNCTIONS)),
        "carol": bugs("forward_no_max_shift", "output_delta_mse_without_2"),
        "dave": bugs("standardize_own_statistics", "mlp_grads_relu_slope_one_at_zero"),
        "erin": bugs("predict_ties_to_last", "train_without_shuffle"),
    }


def callers(functions: set[str], name: str = "ps1") -> set[str]:
    """The functions whose solution in the release-completed notebook calls one of `functions`
    (a student's wrong softmax also costs the points of a two_layer_forward that calls it)."""
    found = set()
    for c in completed(reference_nb(name), release_nb(name)).cells:
        gid = grade_id(c) or ""
        if gid.startswith("solution_") and c.cell_type == "code":
            calls = {n.func.id for n in ast.walk(ast.parse(c.source))
                     if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            if calls & functions:
                found.add(gid[len("solution_"):])
    return found


# Canvas's "Download Submissions" names: <student>_[LATE_]<user id>_<submission id>_<uploaded file name>
LMS_NAMES = {"frank": "frank_1001_2001_ps1.ipynb", "grace": "grace_LATE_1002_2002_ps1-1.ipynb"}


@dataclass
class Graded:
    """One more assignment of the course (PS2), autograded by nbgrader and graded by the CLI."""
    name: str
    functions: list
    notebooks: dict  # student -> (notebook, functions it gets wrong)
    cli: dict  # student -> autograder Result of the submitted notebook
    grades: dict  # student -> {grade_id: (score, max_score, auto_score, needs_manual_grade)}
    log: str  # what nbgrader autograde and generate_feedback logged for it

    def submitted(self, root: Path, student: str) -> Path:
        return root / "submitted" / student / self.name / f"{self.name}.ipynb"

    def autograded(self, root: Path, student: str) -> Path:
        return root / "autograded" / student / self.name / f"{self.name}.ipynb"

    def feedback(self, root: Path, student: str) -> Path:
        return root / "feedback" / student / self.name / f"{self.name}.html"


@dataclass
class Course:
    root: Path
    release: Path
    notebooks: dict  # student -> (notebook, functions it gets wrong)
    cli: dict  # student -> autograder Result of the submitted notebook
    grades: dict  # student -> {grade_id: (score, max_score, auto_score, needs_manual_grade)}
    export: Path  # nbgrader export's CSV
    log: str  # what nbgrader logged
    class_cli: subprocess.CompletedProcess | None  # `autograder grade submitted/ --out class/`, when it exists
    ps2: Graded | None = None
    seconds: dict = field(default_factory=dict)

    def of(self, name: str) -> Graded:
        """PS1's fields seen as PS2's are, for the tests that check both assignments alike."""
        if name == "ps2":
            return self.ps2
        return Graded("ps1", FUNCTIONS, self.notebooks, self.cli, self.grades, self.log)

    def submitted(self, student: str) -> Path:
        return self.root / "submitted" / student / "ps1" / "ps1.ipynb"

    def autograded(self, student: str) -> Path:
        return self.root / "autograded" / student / "ps1" / "ps1.ipynb"

    def feedback(self, student: str) -> Path:
        return self.root / "feedback" / student / "ps1" / "ps1.html"


def read_gradebook(root: Path, students, name: str = "ps1") -> dict:
    with Gradebook(db_url(root), COURSE_ID) as gb:
        out = {}
        for student in students:
            nb = gb.find_submission_notebook(name, name, student)
            out[student] = {g.name: (g.score, g.max_score, g.auto_score, g.needs_manual_grade) for g in nb.grades}
        return out


def popen(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=course_env(root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, timeout: float = 1200) -> subprocess.CompletedProcess:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    if proc.args[2] == "nbgrader":
        assert proc.returncode == 0, f"{' '.join(proc.args[2:])} exited {proc.returncode}:\n{out}\n{err}"
    return done


def class_cli_exists() -> bool:
    usage = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"],
                           capture_output=True, text=True).stdout
    return "--out" in usage


@pytest.fixture(scope="module")
def ps2_reference(spawn):
    ref = start_reference("ps2", spawn=spawn)
    yield ref
    ref.close()


@pytest.fixture(scope="module")
def course(reference, ps2_reference, spawn) -> Course:
    # not pytest's tmp_path: concurrent pytest sessions prune each other's old base folders
    root = Path(tempfile.mkdtemp(prefix="ps1-nbgrader-course-"))
    try:
        yield build_course(root, reference, ps2_reference, spawn)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build_course(root: Path, reference, ps2_reference, spawn) -> Course:
    release = root / "release"  # the committed assignments/ stays as it is
    where = f"--CourseDirectory.release_directory={release}"
    seconds, started = {}, time.monotonic()
    for name in ("ps1", "ps2"):  # one after the other: the first creates the gradebook
        nbgrader(root, "generate_assignment", name, "--force", where)
    seconds["generate_assignment"] = time.monotonic() - started

    notebooks = class_notebooks()
    for student, (nb, _) in notebooks.items():
        if student not in LMS_NAMES:
            write(nb, root / "submitted" / student / "ps1" / "ps1.ipynb")
    ps2 = ps2_notebooks()
    for student, (nb, _) in ps2.items():
        write(nb, root / "submitted" / student / "ps2" / "ps2.ipynb")
    # the LMS download: one zip of every file, named the LMS's way
    archive = root / "downloaded" / "ps1" / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        for student, name in LMS_NAMES.items():
            zf.writestr(name, nbformat.writes(notebooks[student][0]))
    started = time.monotonic()
    log = nbgrader(root, "zip_collect", "ps1", where).stderr
    seconds["zip_collect"] = time.monotonic() - started

    # autograde the whole class in one call; meanwhile the CLI grades the same files, one by one
    # in this process and (when it exists) as a class
    started = time.monotonic()
    running = [popen(root, "nbgrader", "autograde", "ps1", where)]
    if class_cli_exists():
        # submitted/ holds both assignments' notebooks: the CLI is told which one (nbgrader's command names it too)
        running.append(popen(root, "autograder", "grade", str(root / "submitted"), "--assignment", "ps1",
                             "--out", str(root / "class"), "--jobs", "1", "--no-progress"))
    try:
        cli = {student: grade(root / "submitted" / student / "ps1" / "ps1.ipynb", reference=reference, spawn=spawn)
               for student in notebooks}
        seconds["cli"] = time.monotonic() - started
        autograde = finish(running[0])
        log += autograde.stdout + autograde.stderr
        seconds["autograde"] = time.monotonic() - started
        class_cli = finish(running[1]) if len(running) > 1 else None
    finally:
        for proc in running:
            if proc.poll() is None:
                proc.kill()

    # PS2 next (two heavy processes at a time): nbgrader autograde ps2 while the CLI grades the same files
    started = time.monotonic()
    autograde = popen(root, "nbgrader", "autograde", "ps2", where)
    try:
        ps2_cli = {student: grade(root / "submitted" / student / "ps2" / "ps2.ipynb", reference=ps2_reference,
                                  spawn=spawn)
                   for student in ps2}
        done = finish(autograde)
    finally:
        if autograde.poll() is None:
            autograde.kill()
    ps2_log = done.stdout + done.stderr
    seconds["ps2 autograde"] = time.monotonic() - started

    started = time.monotonic()
    export = root / "nbgrader-grades.csv"
    steps = [popen(root, "nbgrader", "generate_feedback", "ps1", where),
             popen(root, "nbgrader", "generate_feedback", "ps2", where),
             popen(root, "nbgrader", "export", "--to", str(export))]  # every assignment's rows
    feedback1, feedback2, exported = map(finish, steps)
    log += feedback1.stdout + feedback1.stderr + exported.stdout + exported.stderr
    ps2_log += feedback2.stdout + feedback2.stderr
    seconds["feedback+export"] = time.monotonic() - started
    print("nbgrader steps (s):", {k: round(v, 1) for k, v in seconds.items()})
    graded_ps2 = Graded("ps2", PS2_FUNCTIONS, ps2, ps2_cli, read_gradebook(root, ps2, "ps2"), ps2_log)
    return Course(root, release, notebooks, cli, read_gradebook(root, notebooks), export, log, class_cli,
                  graded_ps2, seconds)


def cell_outputs(path: Path, gid: str) -> list:
    return cell(read(path), gid).outputs


def stderr_of(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr")




# ------------------------------------------------------------------ the scores


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_autograde_scores_equal_the_cli_function_by_function(course, name):
    graded = course.of(name)
    for student, (_, wrong) in graded.notebooks.items():
        result = graded.cli[student]
        table = result.by_function()
        assert list(table) == graded.functions
        nbgrader_points = {gid[len("grade_"):]: score for gid, (score, _, _, _) in graded.grades[student].items()
                           if gid.startswith("grade_")}
        cli_points = {fn: earned for fn, (earned, _) in table.items()}
        assert nbgrader_points == pytest.approx(cli_points), student
        assert {gid[len("grade_"):]: possible for gid, (_, possible, _, _) in graded.grades[student].items()
                if gid.startswith("grade_")} == {fn: possible for fn, (_, possible) in table.items()}
        total = sum(score for gid, (score, *_) in graded.grades[student].items() if gid.startswith("grade_"))
        assert total == pytest.approx(result.score), student
        # and the scores are the ones each notebook deserves
        lost = {fn for fn, (earned, possible) in table.items() if earned < possible}
        if name == "ps2":  # PS2 carries errors forward (docs/ps2-spec.md): a bug costs its own function only
            assert lost == wrong, student
        else:
            assert wrong <= lost <= wrong | callers(wrong, name), student
    assert graded.cli["alice"].score == 100 and graded.cli["bob"].score == 0
    assert all(0 < graded.cli[s].score < 100 for s in graded.notebooks if s not in ("alice", "bob"))


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_both_paths_grade_the_same_code_with_the_same_seed(course, name):
    """nbgrader's SandboxedGrading graded the notebook nbgrader had put right (autograded/); the CLI the one submitted."""
    graded, reference = course.of(name), reference_nb(name)
    for student in graded.notebooks:
        last = f"grade_{graded.functions[-1]}"
        printed = "".join(o.get("text", "") for o in cell_outputs(graded.autograded(course.root, student), last))
        seeds = {int(m) for m in re.findall(r"graded with seed (\d+)", printed)}
        assert seeds == {graded.cli[student].seed}, student
        restored = load(graded.submitted(course.root, student), reference=reference)
        # the same code (labels aside: the note added where dave's graded cell was moves the cells after it)
        sources = [source for _, source in load(graded.autograded(course.root, student), reference=reference).cells]
        assert [source for _, source in restored.cells] == sources, student
    # carol edited the locked setup cell: read as submitted, her code (and seed) would differ
    assert load(course.submitted("carol")).seed != course.cli["carol"].seed


def export_rows(path: Path, name: str) -> dict[str, dict]:
    """nbgrader export's rows of one assignment, by student (it writes a row per assignment and student)."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == EXPORT_COLUMNS
    mine = [row for row in rows if row["assignment"] == name]
    assert len({row["student_id"] for row in mine}) == len(mine), name
    return {row["student_id"]: row for row in mine}


def test_nbgrader_export_has_every_student_with_the_cli_total(course):
    with course.export.open(newline="") as f:
        assert {row["assignment"] for row in csv.DictReader(f)} == {"ps1", "ps2"}
    written = {"ps1": WRITTEN, "ps2": PS2_WRITTEN}
    for name in ("ps1", "ps2"):
        graded = course.of(name)
        by_student = export_rows(course.export, name)
        assert set(by_student) == set(course.notebooks)  # PS1's class; PS2's submitted a subset of it
        for student, row in by_student.items():
            # nothing is hand-graded yet: nbgrader's score is the autograded points; no submission scores 0
            expected = graded.cli[student].score if student in graded.notebooks else 0
            assert float(row["score"]) == pytest.approx(expected), (name, student)
            assert float(row["max_score"]) == 100 + sum(written[name].values())
        assert by_student["grace"]["timestamp"] == by_student["alice"]["timestamp"] == ""  # no timestamps given


def test_the_cli_grades_the_submitted_tree_like_nbgrader(course):
    """`autograder grade submitted/ --out DIR` (the class-grading CLI): a CSV with nbgrader export's columns
    whose scores are nbgrader's, and per-function points equal to the gradebook's cells."""
    if course.class_cli is None:
        pytest.skip("`autograder grade PATH... --out DIR` (the class-grading CLI) is not there yet")
    assert course.class_cli.returncode == 0, course.class_cli.stdout[-3000:] + course.class_cli.stderr[-3000:]
    tables = {}
    for path in sorted((course.root / "class").glob("*.csv")):
        with path.open(newline="") as f:
            tables[path.name] = list(csv.DictReader(f))
    ours = [rows for rows in tables.values() if rows and list(rows[0]) == EXPORT_COLUMNS]
    assert len(ours) == 1, f"one CSV with nbgrader export's columns among {sorted(tables)}"
    ours = {row["student_id"]: row for row in ours[0]}
    theirs = export_rows(course.export, "ps1")
    assert set(ours) == set(theirs) == set(course.notebooks)
    for student in theirs:
        assert float(ours[student]["score"]) == pytest.approx(float(theirs[student]["score"])), student
    per_function = [rows for rows in tables.values() if rows and set(FUNCTIONS) <= set(rows[0])]
    for rows in per_function:  # a CSV with a column per function: nbgrader's grade_<fn> cells
        for row in rows:
            student = row.get("student") or row.get("student_id")
            for fn in FUNCTIONS:
                assert float(row[fn]) == pytest.approx(course.grades[student][f"grade_{fn}"][0]), (student, fn)


# ------------------------------------------------------------------ collecting


def test_zip_collect_files_an_lms_download_under_submitted(course):
    for student in LMS_NAMES:
        assert notebook_text(read(course.submitted(student))) == notebook_text(course.notebooks[student][0])
    assert sorted(p.name for p in (course.root / "submitted").iterdir()) == sorted(course.notebooks)


# ------------------------------------------------------------------ cells the student should not have touched


def test_an_edited_locked_cell_is_restored_by_autograde(course):
    reference = read(REFERENCE_NB)
    submitted, autograded = read(course.submitted("carol")), read(course.autograded("carol"))
    assert cell(submitted, "check_softmax").source.startswith("pass")
    for gid in ("check_softmax", "setup"):
        assert cell(autograded, gid).source == cell(reference, gid).source, gid
    # switching the check off won her nothing: the graded cell reports the points her softmax lost
    printed = "".join(o.get("text", "") for o in cell(autograded, "grade_softmax").outputs)
    earned, possible = course.cli["carol"].by_function()["softmax"]
    assert earned < possible and f"softmax: {earned:g} / {possible:g} points" in printed
    assert course.grades["carol"]["grade_softmax"][:2] == pytest.approx((earned, possible))
    assert course.grades["carol"]["check_softmax"][:2] == (0, 0)  # a check is worth 0 points either way
    assert "Attribute 'checksum' for cell check_softmax has changed" in course.log


def test_every_student_gets_checksum_warnings_for_the_graded_cells_and_only_edits_warn_elsewhere(course):
    """What docs/instructors.md says of nbgrader's `Attribute 'checksum' ... has changed!`: every graded cell
    of every student warns (the release's graded cells are empty, the gradebook's hold the hidden tests),
    so it is no sign of tampering there; on any other cell it means a locked cell was edited."""
    warned = {}
    for segment in re.split(r"Sanitizing \S+/submitted/", course.log)[1:]:
        student = segment.split("/", 1)[0]
        warned[student] = set(re.findall(r"Attribute 'checksum' for cell (\w+) has changed", segment))
    assert set(warned) == set(course.notebooks)
    for student, cells in warned.items():
        graded = {gid for gid in map(grade_id, read(course.submitted(student)).cells) if (gid or "").startswith("grade_")}
        assert {c for c in cells if c.startswith("grade_")} == graded, student
        assert len(graded) >= 19, student
        others = {c for c in cells if not c.startswith("grade_")}
        assert others == ({"check_softmax", "setup"} if student == "carol" else set()), student


def test_a_deleted_graded_cell_scores_0_and_the_rest_is_graded(course):
    autograded = read(course.autograded("dave"))
    assert "grade_sigmoid" not in {grade_id(c) for c in autograded.cells}  # nbgrader does not put it back
    score, possible, auto, _ = course.grades["dave"]["grade_sigmoid"]
    assert (score, possible, auto) == (0, 5, None)  # never run, so never scored
    result = course.cli["dave"]
    assert result.by_function()["sigmoid"] == (0, 5)  # the CLI agrees, and says why
    reasons = {t.output for t in result.tests if t.function == "sigmoid" and t.status == "failed"}
    assert len(reasons) == 1 and "grade_sigmoid was deleted" in next(iter(reasons))
    # nbgrader's feedback says the same, in a note where the cell was (markdown: nbgrader scores none)
    notes = [(i, c) for i, c in enumerate(autograded.cells) if "autograder" in c.metadata]
    assert [(c.cell_type, c.metadata.autograder["grade_id"]) for _, c in notes] == [("markdown", "grade_sigmoid")]
    before = grade_id(autograded.cells[notes[0][0] - 1])
    assert before == "check_sigmoid", before  # the cell the reference has just before grade_sigmoid
    page = plain(page_text(course.feedback("dave")))
    assert plain(next(iter(reasons))) in page and "sigmoid: 0 / 5 points" in page
    assert "is missing from this notebook" in page
    assert "the graded cell grade_sigmoid was deleted, so sigmoid scores 0" in course.log
    # everything else is graded as usual: only his real bug costs points
    assert course.grades["dave"]["grade_sigmoid_grad"][:2] == (3, 3)
    assert result.score == 100 - 5 - (5 - result.by_function()["softmax_cross_entropy_grad"][0])
    assert result.by_function()["softmax_cross_entropy_grad"][0] < 5


def test_stderr_from_student_code_does_not_zero_a_graded_cell(course):
    # erin's code did write to stderr (in its sandboxed worker): at the top level, and whenever train ran
    assert "a warning at the top level" in course.cli["erin"].student_output
    assert "train: printed on stderr" in course.cli["erin"].student_output
    # ... and her graded cells for those functions keep their full points, like the CLI's
    assert course.grades["erin"]["grade_sigmoid"][:2] == (5, 5)
    assert course.grades["erin"]["grade_train"][:2] == (7, 7)
    assert course.cli["erin"].by_function()["sigmoid"] == (5, 5)
    assert course.cli["erin"].by_function()["train"] == (7, 7)
    # no graded cell of anyone's notebook has a word on stderr
    for student in course.notebooks:
        for c in read(course.autograded(student)).cells:
            if (grade_id(c) or "").startswith("grade_"):
                assert stderr_of(c.outputs) == "", (student, grade_id(c))


# ------------------------------------------------------------------ written answers


def test_written_answers_are_hand_graded_cells_with_a_rubric_in_the_reference_only(course):
    reference = read(REFERENCE_NB)
    written = {grade_id(c)[len("written_"):]: c for c in reference.cells if (grade_id(c) or "").startswith("written_")}
    assert {topic: c.metadata.nbgrader["points"] for topic, c in written.items()} == WRITTEN
    for c in written.values():
        meta = c.metadata.nbgrader
        assert c.cell_type == "markdown" and meta["grade"] and meta["solution"] and not meta["locked"]
        assert "=== BEGIN MARK SCHEME ===" in c.source
    schemes = mark_schemes(reference)
    assert len(schemes) == len(WRITTEN)
    scheme_lines = {plain(line).strip() for s in schemes for line in s.splitlines() if len(line.strip()) > 20}
    with Gradebook(db_url(course.root), COURSE_ID) as gb:
        stored = "\n".join(c.source for c in gb.find_notebook("ps1", "ps1").source_cells)
    readable = {"release": nbformat.writes(read(RELEASE_NB)), "gradebook": stored,
                **{f"feedback of {s}": page_text(course.feedback(s)) for s in course.notebooks}}
    for where, text in readable.items():
        text = plain(text)
        assert "MARK SCHEME" not in text, where
        assert [line for line in scheme_lines if line in text] == [], where
    # in the gradebook they wait for a grader: answered ones flagged, unanswered ones scored 0
    for topic, points in WRITTEN.items():
        score, possible, auto, needs_grading = course.grades["alice"][f"written_{topic}"]
        assert (possible, auto, needs_grading) == (points, None, True)
        assert course.grades["bob"][f"written_{topic}"][:4] == (0, points, 0, False)


def test_a_hand_grade_reaches_the_export(course):
    """What the formgrader does when a grader marks an answer: a manual score in the gradebook."""
    with Gradebook(db_url(course.root), COURSE_ID) as gb:
        g = gb.find_grade("written_sigmoid_derivative", "ps1", "ps1", "alice")
        g.manual_score = 2.5
        gb.db.commit()
    out = course.root / "after-hand-grading.csv"
    nbgrader(course.root, "export", "--to", str(out))
    alice = export_rows(out, "ps1")["alice"]
    assert float(alice["score"]) == 102.5
    assert float(export_rows(out, "ps2")["alice"]["score"]) == 100  # the other assignment's row is untouched


# ------------------------------------------------------------------ feedback


def suite_lines(name: str) -> set[str]:
    """The hidden tests' code: every substantial line of reference/NAME/grading/*.py, as plain text."""
    lines = set()
    for path in (ROOT / "reference" / name / "grading").glob("*.py"):
        for line in path.read_text().splitlines():
            text = plain(line).strip()
            if len(text) >= 25 and not text.startswith("#"):
                lines.add(text)
    return lines


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_feedback_shows_scores_and_the_call_but_no_solution_and_no_hidden_input(course, name):
    graded = course.of(name)
    hidden = secrets(name) | suite_lines(name)
    release = plain(notebook_text(read(release_nb(name))))
    for student in graded.notebooks:
        text = plain(page_text(graded.feedback(course.root, student)))
        public = release + plain(notebook_text(read(graded.submitted(course.root, student))))  # the student had it
        leaked = [line for line in hidden if line in text and line not in public]
        assert leaked == [], (student, leaked[:3])
        kept = [fn for fn in graded.functions  # dave deleted grade_sigmoid
                if f"grade_{fn}" in map(grade_id, read(graded.autograded(course.root, student)).cells)]
        assert f'grade_cell("{kept[0]}")' in text  # a graded cell shows the call, nothing of the tests
        assert "graded with seed" in text
        tests = graded.cli[student].tests
        shown = {plain(t.output).strip() for t in tests if t.visibility == "visible"}  # a visible check's message
        for t in tests:
            if t.visibility == "visible" or t.status == "skipped":
                continue
            for said in (t.name.split(": ", 1)[1], t.output):  # what it checks; its inputs and values
                said = plain(said).strip()
                if len(said) > 12 and said not in public and said not in shown:
                    assert said not in text, (student, t.name, said)
        for fn, (earned, possible) in graded.cli[student].by_function().items():
            assert f"{fn}: {earned:g} / {possible:g} points" in text, (student, fn)  # dave's sigmoid: in the note


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_autograded_notebooks_hold_no_solution_and_no_hidden_test(course, name):
    """What nbgrader keeps of each student (autograded/, what a formgrader shows) holds the student's code and
    the release's cells, and no line of the reference's solutions or of the grading suite."""
    graded = course.of(name)
    hidden = secrets(name) | suite_lines(name)
    release = plain(notebook_text(read(release_nb(name))))
    for student in graded.notebooks:
        text = plain(nbformat.writes(read(graded.autograded(course.root, student))))
        public = release + plain(notebook_text(read(graded.submitted(course.root, student))))
        assert [line for line in hidden if line in text and line not in public] == [], student


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_the_leak_check_sees_solutions_where_they_are(course, name):
    """alice pasted the reference's solutions: her feedback shows them (the check above is not vacuous)."""
    hidden = secrets(name)
    text = plain(page_text(course.of(name).feedback(course.root, "alice")))
    shown = [line for line in hidden if line in text]
    assert len(shown) > 0.8 * len(hidden), sorted(hidden - set(shown))[:10]
    assert len(suite_lines(name)) > 100  # the suite's lines are there to be looked for


# ------------------------------------------------------------------ the student's side


def test_validate_passes_a_completed_release_and_fails_the_stub(tmp_path):
    """`nbgrader validate ps1.ipynb`, as a student runs it in their own folder."""
    out = validate({"completed": completed(), "stub": stub()}, tmp_path, timeout=600)
    assert "Success! Your notebook passes all the tests." in out["completed"], out["completed"][-3000:]
    assert "VALIDATION FAILED ON 26 CELL(S)!" in out["stub"], out["stub"][-3000:]  # 20 checks, 6 answers
    assert out["stub"].count("NotImplementedError") >= 20


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_the_release_runs_top_to_bottom_and_only_the_stubs_raise(tmp_path, name):
    """In a student's folder holding the released files only (PS2's notebook reads iris.csv beside it)."""
    from nbclient import NotebookClient

    for path in release_nb(name).parent.iterdir():
        shutil.copy(path, tmp_path / path.name)
    nb = read(tmp_path / release_nb(name).name)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    raised = {}
    for index, c in enumerate(nb.cells):
        for o in c.get("outputs", []):
            if o.output_type == "error":
                raised[grade_id(c) or f"cell {index}"] = o.ename
    functions = FUNCTIONS if name == "ps1" else PS2_FUNCTIONS
    assert raised == {f"check_{fn}": "NotImplementedError" for fn in functions}

"""`nbgrader autograde` with the project's config runs no student code outside the sandbox.

One scratch course (AUTOGRADER_WORKSPACE) holds hostile students only, every one of them the release's stub plus an
attack, so an honest grade is 0. Two `nbgrader autograde ps1` runs grade them: the four hostile_* students with
the whole suite, the attack_* students as test_attacks.py grades the corpus (a few functions, a short per-call
timeout and budget: `--SandboxedGrading.functions/call_timeout/budget`); then `generate_feedback` for the four.

  hostile_patch_grade_cell   replaces autograder.notebook.grade_cell by one returning each function's maximum
  hostile_swap_module        puts a whole fake autograder.notebook in sys.modules
  hostile_search_reference   walks up every parent folder (of its working folder and of the autograder package)
                             for reference/*/*.ipynb and prints what it finds, and raises with it
  hostile_workspace          reads the gradebook and another student's submission, writes into the workspace,
                             and earns sigmoid's points only if it could read them
  attack_<name>              each attack of tests/attacks/ (the corpus test_attacks.py grades with the CLI),
                             its stub + attack pasted into the last solution cell, so its definitions are the
                             ones graded (in the first, the release's stub cells after it would replace them)

In nbgrader's own kernel (nbgrader's Execute step) the first two scored 100, the third put the reference
solution into its feedback, the fourth read the gradebook.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import attack_corpus
from autograder.worker import Submission
from autograder.assignment import names
from nbgrader_course import (COURSE_ID, REFERENCE_NB, ROOT, cell, db_url, grade_id, nbgrader, notebook_text,
                             page_text, plain, read, reference_nb, secrets, stub, write)
from test_attacks import NEEDS, RUNS

ATTACK_FUNCTIONS = RUNS["ps1"].functions  # the corpus's stubs are PS1's (attack_corpus.build's default)

NAMES = names(ROOT)
CALL_TIMEOUT, BUDGET = 1.0, 4.0  # as the corpus is graded in test_attacks.py: bounded, and 0 when honest

POINTS = {grade_id(c)[len("grade_"):]: c.metadata.nbgrader["points"] for c in read(REFERENCE_NB).cells
          if (grade_id(c) or "").startswith("grade_")}

PATCH_GRADE_CELL = f'''
import autograder.notebook
POINTS = {POINTS!r}
autograder.notebook.grade_cell = lambda function, notebook=None: POINTS[function]
'''

SWAP_MODULE = f'''
import sys, types
POINTS = {POINTS!r}
fake = types.ModuleType("autograder.notebook")
fake.grade_cell = lambda function, notebook=None: POINTS[function]
sys.modules["autograder.notebook"] = fake
'''

SEARCH_REFERENCE = '''
import glob, json, os
starts = [os.getcwd()]  # in nbgrader's kernel: the autograded folder, inside the course
try:
    import autograder
    starts.append(os.path.dirname(autograder.__file__))  # the checkout the grader runs from
except Exception:
    pass
found = {}
for start in starts:
    folder = os.path.abspath(start)
    while True:
        for path in glob.glob(os.path.join(folder, "reference", "*", "*.ipynb")):
            try:
                found[path] = open(path).read()
            except OSError as exc:
                print("could not read", path, exc)
        if os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
solution = []
for path, text in found.items():
    print("FOUND", path)
    print(text)
    for c in json.loads(text)["cells"]:
        source = "".join(c["source"])
        if "### BEGIN SOLUTION" in source:
            solution += source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0].strip().splitlines()
print("searched from", starts, "found", sorted(found))
if solution:
    raise RuntimeError("\\n".join(line.strip() for line in solution if len(line.strip()) > 12)[:480])
'''


def workspace_attack(course: Path) -> str:
    return f'''
import glob, os
COURSE = {str(course)!r}
stolen = []
for path in [os.path.join(COURSE, "gradebook.db"), *glob.glob(os.path.join(COURSE, "submitted", "*", "ps1", "ps1.ipynb"))]:
    try:
        stolen.append(open(path, "rb").read(64))
    except OSError:
        pass
for target in [os.path.join(COURSE, "planted_by_student.txt"), os.path.join(COURSE, "gradebook.db")]:
    try:
        with open(target, "a") as f:
            f.write("planted by a student")
    except OSError:
        pass
print("read", len(stolen), "files of the workspace")
'''


STABLE_SIGMOID = '''
def sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
'''


def first_solution_with(nb, code: str):
    """The release with `code` run first: at the top of the first solution cell, its stub after it."""
    first = next(c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    first.source = code.strip("\n") + "\n\n" + first.source
    return nb


def last_solution_with(nb, code: str):
    """The release with `code` as its last solution cell: its definitions are the ones graded."""
    last = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")][-1]
    last.source = code
    return nb


def hostile_notebooks(course: Path, folder: Path) -> dict:
    workspace = workspace_attack(course) + "if stolen:\n" + "\n".join("    " + line for line in STABLE_SIGMOID.strip().splitlines())
    notebooks = {
        "hostile_patch_grade_cell": first_solution_with(stub(), PATCH_GRADE_CELL),
        "hostile_swap_module": first_solution_with(stub(), SWAP_MODULE),
        "hostile_search_reference": first_solution_with(stub(), SEARCH_REFERENCE),
        # the stolen-data branch defines sigmoid after the release's stub cell for it: the last cell
        "hostile_workspace": last_solution_with(stub(), workspace),
    }
    for name in attack_corpus.attack_names():
        notebooks[f"attack_{name}"] = last_solution_with(stub(), attack_corpus.build(name, folder).read_text())
    return notebooks


@dataclass
class Hostile:
    root: Path
    students: list
    grades: dict  # student -> {grade_id: (score, max_score, auto_score)}
    log: str
    sandbox: dict  # the measures a worker has on this machine
    left_behind: dict
    seconds: float

    def autograded(self, student: str) -> Path:
        return self.root / "autograded" / student / "ps1" / "ps1.ipynb"

    def feedback(self, student: str) -> Path:
        return self.root / "feedback" / student / "ps1" / "ps1.html"

    def autograded_points(self, student: str) -> float:
        return sum(score for gid, (score, _, _) in self.grades[student].items() if gid.startswith("grade_"))


def sandbox_measures() -> dict:
    probe = Submission([("probe", "pass")], label="a probe")
    try:
        return dict(probe.report.sandbox)
    finally:
        probe.close()


@pytest.fixture(scope="module")
def hostile() -> Hostile:
    root = Path(tempfile.mkdtemp(prefix="ps1-nbgrader-hostile-"))
    try:
        yield build(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build(root: Path) -> Hostile:
    where = f"--CourseDirectory.release_directory={root / 'release'}"
    nbgrader(root, "generate_assignment", "ps1", "--force", where)
    notebooks = hostile_notebooks(root, root / "built")
    for student, nb in notebooks.items():
        write(nb, root / "submitted" / student / "ps1" / "ps1.ipynb")
    started = time.monotonic()
    log = nbgrader(root, "autograde", "ps1", where, "--student=hostile_*").stderr
    log += nbgrader(root, "autograde", "ps1", where, "--student=attack_*", f"--SandboxedGrading.call_timeout={CALL_TIMEOUT}",
                    f"--SandboxedGrading.budget={BUDGET}",
                    *(f"--SandboxedGrading.functions={fn}" for fn in ATTACK_FUNCTIONS.split(","))).stderr
    seconds = time.monotonic() - started
    tokens = {attack_corpus.token_for(name) for name in attack_corpus.attack_names()}
    left = attack_corpus.leftovers(tokens)
    if left:
        time.sleep(1.0)  # a process being killed right now is not left behind
        left = {pid: cmd for pid, cmd in attack_corpus.leftovers(tokens).items() if pid in left}
        attack_corpus.kill(left)
    log += nbgrader(root, "generate_feedback", "ps1", where, "--student=hostile_*").stderr  # the corpus: no need
    with Gradebook(db_url(root), COURSE_ID) as gb:
        grades = {s: {g.name: (g.score, g.max_score, g.auto_score) for g in
                      gb.find_submission_notebook("ps1", "ps1", s).grades} for s in notebooks}
    print(f"nbgrader autograde of {len(notebooks)} hostile notebooks: {seconds:.1f} s")
    return Hostile(root, sorted(notebooks), grades, log, sandbox_measures(), left, seconds)


def needs_off(hostile: Hostile, student: str) -> str:
    """The reason to skip: the sandbox measure this attack needs is off on this machine (see test_attacks)."""
    need = NEEDS.get(student.removeprefix("attack_"))
    if student in ("hostile_search_reference", "hostile_workspace"):
        need = "filesystem"
    state = str(hostile.sandbox.get(need, "on")) if need else "on"
    return "" if state.startswith("on") else f"{need} {state}"


def test_every_hostile_notebook_is_graded_and_scores_0(hostile):
    assert len(hostile.students) == 4 + len(attack_corpus.attack_names())
    scored = {}
    for student in hostile.students:
        assert hostile.autograded(student).exists(), student
        assert hostile.feedback(student).exists() == student.startswith("hostile_"), student
        if needs_off(hostile, student):
            continue
        auto = {gid: auto for gid, (_, _, auto) in hostile.grades[student].items() if gid.startswith("grade_")}
        assert set(auto) == {f"grade_{fn}" for fn in POINTS}, student
        scored[student] = hostile.autograded_points(student)
        assert all(a is not None for a in auto.values()), (student, auto)  # each graded cell was scored
    assert {s: p for s, p in scored.items() if p != 0} == {}
    assert {"hostile_patch_grade_cell", "hostile_swap_module"} <= set(scored)  # these need no sandbox measure


@pytest.mark.parametrize("student", ["hostile_patch_grade_cell", "hostile_swap_module"])
def test_replacing_grade_cell_gives_no_points(hostile, student):
    """In a kernel (nbgrader's Execute) these scored 100; the graded cells are not run at all now."""
    assert hostile.autograded_points(student) == 0
    nb = read(hostile.autograded(student))
    for fn in POINTS:
        outputs = cell(nb, f"grade_{fn}").outputs
        assert [o.output_type for o in outputs] == ["stream", "execute_result"], fn
        assert float(outputs[1].data["text/plain"]) == 0, fn
        assert outputs[0].text.startswith(f"{fn}: 0 / {POINTS[fn]:g} points"), fn


def test_a_notebook_searching_for_the_reference_shows_no_line_of_it(hostile):
    off = needs_off(hostile, "hostile_search_reference")
    if off:
        pytest.skip(f"the worker's file system is not confined on this machine: {off}")
    # it would find every assignment's reference; a line of PS2's solutions that PS1's release shows is no secret
    public = plain(notebook_text(stub()))
    hidden = {line for line in set().union(*(secrets(name) for name in NAMES)) if line not in public}
    autograded = read(hostile.autograded("hostile_search_reference"))
    for where, text in {"the autograded notebook": nbformat.writes(autograded),
                        "the feedback": page_text(hostile.feedback("hostile_search_reference"))}.items():
        text = plain(text)
        assert [line for line in hidden if line in text] == [], where
    printed = "".join(o.get("text", "") for c in autograded.cells for o in c.get("outputs", []))
    assert "searched from" not in printed and "FOUND" not in printed  # what it printed stays in the worker


def test_the_leak_check_would_see_the_reference():
    """The reference holds the lines the check above looks for, and the attack's glob finds it from here."""
    reference = plain(notebook_text(read(REFERENCE_NB)))
    assert len(secrets()) > 50 and all(line in reference for line in secrets())
    found = sorted((REFERENCE_NB.parent.parent).glob("*/*.ipynb"))
    assert found == [reference_nb(name) for name in NAMES] and REFERENCE_NB in found  # every assignment's


def test_student_code_cannot_read_or_write_the_workspace(hostile):
    off = needs_off(hostile, "hostile_workspace")
    if off:
        pytest.skip(f"the worker's file system is not confined on this machine: {off}")
    assert hostile.grades["hostile_workspace"]["grade_sigmoid"][2] == 0  # no stolen bytes, so no sigmoid
    assert not (hostile.root / "planted_by_student.txt").exists()
    with Gradebook(db_url(hostile.root), COURSE_ID) as gb:  # the gradebook is still a gradebook
        assert len(gb.students) == len(hostile.students)


def test_no_attack_left_a_process_running(hostile):
    assert hostile.left_behind == {}


def test_the_autograde_log_names_every_notebook_graded_in_sandboxed_workers(hostile):
    for student in hostile.students:
        assert re.search(rf"{student}/ps1 graded in sandboxed workers: 0 / \d+ points", hostile.log) \
            or needs_off(hostile, student), student
    assert "Kernel is running" not in hostile.log and "IPKernelApp" not in hostile.log  # no kernel started


def test_a_graded_cell_run_in_a_kernel_fails_loudly_and_scores_0(tmp_path):
    """Without SandboxedGrading (a config that keeps nbgrader's Execute), a graded cell runs in a kernel:
    it must not grade from there, and nbgrader must read 0 points from it, with the sentence that says why."""
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    reference = read(REFERENCE_NB)
    nb = nbformat.v4.new_notebook(cells=[cell(reference, "setup"), cell(reference, "grade_softmax")])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    graded = nb.cells[1]
    errors = [o for o in graded.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["NotGradedInAKernel"]
    assert "Autograde with the project's nbgrader_config.py" in errors[0].evalue
    assert determine_grade(graded) == (0, 8)

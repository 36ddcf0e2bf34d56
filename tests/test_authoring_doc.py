"""docs/authoring.md, followed step by step, and the change it documents made on a class already graded.

The doc's fenced blocks are its steps, run in order in a scratch folder (so the page cannot drift from
what the commands do):
  ```bash                  run with bash -euo pipefail, in the folder the previous block ended in
  ```output                lines the preceding bash block must print, in this order (spaces collapsed)
  ```python file=PATH      write PATH (relative to the current folder)
  ```python append=PATH    append to PATH
  ```diff                  apply with patch -p1, exactly (no fuzz, no offset)
Other blocks (```text, plain ```python) are illustrations.

The class: the doc's two pretend students, `tester` (the reference) and `blank` (the release), and `carol`,
added by this test before the doc's grading section: her relu works in place (she loses relu's hidden
test) and her leaky_relu is right. Before the doc's section on changes after release, this test gives
tester's written answer a manual score (as the formgrader would) and reads the grades; then the doc moves
10 points from relu's hidden test to leaky_relu's and regrades. The expected points below come from the
doc's own numbers: relu 30 visible + 50 hidden, leaky_relu 10 + 10, a written answer worth 10; after the
move, relu's hidden test 40 and leaky_relu's 20.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import ROOT

DOC = ROOT / "docs" / "authoring.md"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
HEADING = re.compile(r"^## (.+)$", re.M)
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
GRADING, AFTER_RELEASE = "Grading", "What may change after release"  # the doc's section titles (hooks)
MANUAL = 7.0  # tester's written answer, graded by hand before the change


@dataclass
class Step:
    section: str
    kind: str  # bash, output, write, append, diff
    text: str
    path: str = ""


def steps(doc: str) -> list[Step]:
    headings = [(m.start(), m.group(1).strip()) for m in HEADING.finditer(doc)]
    found = []
    for m in FENCE.finditer(doc):
        section = next((title for start, title in reversed(headings) if start < m.start()), "")
        words = m.group(1).split()
        lang, attrs = (words[0] if words else ""), dict(w.split("=", 1) for w in words[1:] if "=" in w)
        if lang in ("bash", "output", "diff"):
            found.append(Step(section, lang, m.group(2)))
        elif lang == "python" and "file" in attrs:
            found.append(Step(section, "write", m.group(2), attrs["file"]))
        elif lang == "python" and "append" in attrs:
            found.append(Step(section, "append", m.group(2), attrs["append"]))
    return found


def section_of(title: str) -> str:
    """The doc's section whose title ends with `title` ("7. Grading" for "Grading")."""
    return next(t for t in (m.group(1).strip() for m in HEADING.finditer(DOC.read_text())) if t.endswith(title))


def env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "200"  # the CLI's tables on one line each, as the output blocks show them
    return env


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@dataclass
class Run:
    cwd: Path
    outputs: list[str] = field(default_factory=list)  # each bash block's stdout + stderr, in order
    before: dict = field(default_factory=dict)  # what the class looked like before the change after release


def run_bash(block: str, cwd: Path, state: Path) -> tuple[Path, str]:
    script = f"set -euo pipefail\ncd {str(cwd)!r}\n{block}\npwd > {str(state)!r}\n"
    proc = subprocess.run(["bash", "-c", script], env=env(), capture_output=True, text=True, timeout=1800)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"the doc's block exited {proc.returncode}:\n{block}\n--- it printed:\n{out}"
    return Path(state.read_text().strip()), out


def expect_in_order(output: str, expected: str) -> None:
    text, at = collapse(output), 0
    for line in filter(None, (collapse(x).strip() for x in expected.splitlines())):
        found = text.find(line, at)
        assert found >= 0, f"the doc says the command prints {line!r}; it printed:\n{output}"
        at = found + len(line)


def apply_diff(diff: str, cwd: Path) -> None:
    proc = subprocess.run(["patch", "-p1", "--forward", "--batch"], input=diff, cwd=cwd, capture_output=True,
                          text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "fuzz" not in out and "offset" not in out, \
        f"the doc's diff does not apply exactly:\n{diff}\n--- patch said:\n{out}"


# ------------------------------------------------------------------ the test's own hooks


def carol(course: Path) -> None:
    """The release, with relu from the scaffold's sample mistake (in place) and the reference's leaky_relu."""
    reference = nbformat.read(str(course / "reference/hw1/hw1.ipynb"), as_version=4)
    leaky = next(c.source for c in reference.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                 == "solution_leaky_relu")
    nb = nbformat.read(str(course / "assignments/hw1/hw1.ipynb"), as_version=4)
    answers = {"solution_relu": (course / "reference/hw1/samples/relu_bug.py").read_text(),
               "solution_leaky_relu": "\n".join(l for l in leaky.splitlines() if not MARKER.match(l))}
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers.pop(gid)
    assert not answers, f"the release has no cell {sorted(answers)}"
    folder = course / "course/submitted/carol/hw1"
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "hw1.ipynb"))


def db(course: Path) -> str:
    return "sqlite:///" + str(course / "course" / "gradebook.db")


def class_state(course: Path) -> dict:
    """The gradebook's export, the CLI's grades, and from the gradebook: each graded cell's maximum, each
    student's score per cell, and tester's manual score."""
    with open(course / "course/grades.csv") as f:
        export = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in csv.DictReader(f)}
    with open(course / "course/cli/grades.csv") as f:
        cli = {r["student"]: {k: float(v) for k, v in r.items() if k in ("relu", "leaky_relu", "total")}
               for r in csv.DictReader(f)}
    with Gradebook(db(course)) as gb:
        cells = {c.name: c.max_score for c in gb.find_notebook("hw1", "hw1").grade_cells}
        scores = {s: {g: gb.find_grade(g, "hw1", "hw1", s).score for g in ("grade_relu", "grade_leaky_relu")}
                  for s in export}
        manual = gb.find_grade("written_relu", "hw1", "hw1", "tester").manual_score
    return {"export": export, "cli": cli, "cells": cells, "scores": scores, "manual": manual}


def grade_by_hand(course: Path) -> None:
    with Gradebook(db(course)) as gb:
        grade = gb.find_grade("written_relu", "hw1", "hw1", "tester")
        grade.manual_score = MANUAL
        gb.db.commit()


@pytest.fixture(scope="module")
def followed(tmp_path_factory) -> Run:
    scratch = tmp_path_factory.mktemp("authoring-doc")
    state = scratch / "cwd.txt"
    run = Run(cwd=scratch)
    done = set()
    for step in steps(DOC.read_text()):
        if step.section == section_of(GRADING) and GRADING not in done:
            carol(run.cwd)
            done.add(GRADING)
        if step.section == section_of(AFTER_RELEASE) and AFTER_RELEASE not in done:
            run.before = class_state(run.cwd)
            grade_by_hand(run.cwd)
            done.add(AFTER_RELEASE)
        if step.kind == "bash":
            run.cwd, out = run_bash(step.text, run.cwd, state)
            run.outputs.append(out)
        elif step.kind == "output":
            expect_in_order(run.outputs[-1], step.text)
        elif step.kind in ("write", "append"):
            with open(run.cwd / step.path, "w" if step.kind == "write" else "a") as f:
                f.write(step.text)
        elif step.kind == "diff":
            apply_diff(step.text, run.cwd)
    assert done == {GRADING, AFTER_RELEASE}, "the doc lost a section this test hooks into"
    return run


# ------------------------------------------------------------------ (b) the doc, followed


def test_the_doc_has_the_steps_it_promises():
    found = steps(DOC.read_text())
    kinds = [s.kind for s in found]
    assert kinds.count("bash") >= 6 and "output" in kinds and "diff" in kinds and "write" in kinds
    commands = "\n".join(s.text for s in found if s.kind == "bash")
    for command in ("autograder new", "autograder build", "nbgrader generate_assignment", "autograder grade",
                    "nbgrader autograde", "nbgrader export", "autograder export gradescope"):
        assert command in commands, f"the doc's steps never run {command}"


def test_the_doc_runs_from_autograder_new_to_an_exported_class(followed):
    course = followed.cwd
    assert course.name == "mycourse"
    release = (course / "assignments/hw1/hw1.ipynb").read_text()
    assert "def leaky_relu" in release and "np.where" not in release and "BEGIN SOLUTION" not in release
    with zipfile.ZipFile(course / "hw1-gradescope.zip") as zf:
        names = set(zf.namelist())
        suite = zf.read("reference/hw1/grading/test_part2_leaky_relu.py").decode()
    assert "reference/hw1/hw1.ipynb" in names and "points=20" in suite  # exported after the change


def test_before_the_change_the_class_was_graded_with_the_docs_points(followed):
    before = followed.before
    assert before["cells"] == {"check_relu": 0, "grade_relu": 80, "check_leaky_relu": 0, "grade_leaky_relu": 20,
                               "written_relu": 10}
    assert before["export"] == {"tester": (100, 110), "blank": (0, 110), "carol": (50, 110)}
    assert before["cli"]["carol"] == {"relu": 30, "leaky_relu": 20, "total": 50}
    assert before["manual"] is None


# ------------------------------------------------------------------ (c) points moved after the class was graded


def test_moving_points_after_grading_gives_new_maxima_and_new_grades(followed):
    after = class_state(followed.cwd)
    assert after["cells"]["grade_relu"] == 70 and after["cells"]["grade_leaky_relu"] == 30
    # carol loses relu's hidden test, now 40 instead of 50, and keeps leaky_relu's, now 20 instead of 10
    assert after["export"] == {"tester": (100 + MANUAL, 110), "blank": (0, 110), "carol": (60, 110)}
    assert after["scores"]["carol"] == {"grade_relu": 30, "grade_leaky_relu": 30}


def test_the_manual_grade_survives_the_regrade(followed):
    assert class_state(followed.cwd)["manual"] == MANUAL


def test_the_cli_agrees_with_nbgrader_after_the_change(followed):
    after = class_state(followed.cwd)
    for student, scores in after["scores"].items():
        cli = after["cli"][student]
        assert (cli["relu"], cli["leaky_relu"]) == (scores["grade_relu"], scores["grade_leaky_relu"]), student
    assert after["cli"]["carol"]["total"] == 60

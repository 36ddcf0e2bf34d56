"""Late work: the policy's arithmetic, and the same penalty from nbgrader and from the CLI.

The end-to-end test builds a scratch nbgrader course (as tests/test_nbgrader.py does), sets the due date in
the gradebook with `nbgrader db assignment add`, runs real `nbgrader autograde` and `nbgrader export` with the
project's nbgrader_config.py (whose LatePenalty plugin reads AUTOGRADER_LATE_POLICY), and grades the same
submitted/ tree with `autograder grade --due --late-policy`: every student's penalty is the same in
nbgrader's export, in the CLI's nbgrader_grades.csv and in its grades.csv, and equals the one worked out by
hand below. A Canvas file flagged _LATE_ is graded beside them.
"""
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.late import LatePolicy, PolicyError, parse_time
from conftest import SUBMISSIONS
from nbgrader_course import ROOT, completed, course_env, with_function, write

sys.path.insert(0, str(SUBMISSIONS))
from buggy import BUGS  # noqa: E402

DAY = 86400


# ------------------------------------------------------------------ the policy


def test_penalties_worked_out_by_hand():
    ten = LatePolicy.parse("10%/day, cap 50%")
    assert ten.penalty(80, 0) == 0
    assert ten.penalty(80, 1) == 8  # a started day counts as a day
    assert ten.penalty(80, 1.5 * DAY) == 16
    assert ten.penalty(80, 2 * DAY) == 16
    assert ten.penalty(80, 9 * DAY) == 40  # capped at half the score
    graced = LatePolicy.parse("5%/day, grace 15m")
    assert graced.penalty(60, 14 * 60) == 0 and graced.penalty(60, 16 * 60) == 3  # days count from the due date
    zero = LatePolicy.parse("zero, grace 1h")
    assert zero.penalty(70, 3599) == 0 and zero.penalty(70, 3601) == 70
    assert LatePolicy.parse("none").penalty(70, 10 * DAY) == 0 and LatePolicy.parse(None) == LatePolicy()
    assert str(LatePolicy.parse("10 % / day,cap 50%,grace 15m")) == "10%/day, cap 50%, grace 15m"


@pytest.mark.parametrize("bad", ["10", "10%/week", "110%/day", "zero, cap 50%", "10%/day, grace soon", "late"])
def test_a_rule_that_cannot_be_read_says_how_to_write_one(bad):
    with pytest.raises(PolicyError):
        LatePolicy.parse(bad)


def test_times_are_read_as_nbgrader_reads_them():
    from nbgrader.utils import parse_utc

    for text in ("2026-11-20 09:30:00.123456 UTC", "2026-11-21 23:59:59 Europe/Paris", "2026-12-01T23:59:00+00:00",
                 "2026-12-01 23:59:00", "2026-12-01T23:59:00-05:00", "2026-12-01 10:00:00 America/Los_Angeles"):
        assert parse_time(text) == parse_utc(text), text


def test_bad_due_date_or_policy_is_one_sentence(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ann.py").write_text("")
    for flag, value in (("--due", "next friday-ish"), ("--late-policy", "10%/week")):
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "in"), "--out",
                               str(tmp_path / "out"), flag, value], cwd=ROOT, capture_output=True, text=True)
        text = (proc.stdout + proc.stderr).strip()
        assert proc.returncode == 2 and len(text.splitlines()) == 1 and "Traceback" not in text, text


# ------------------------------------------------------------------ nbgrader and the CLI, the same penalties

DUE_NBGRADER = "2026-12-01 23:59:00 UTC"
DUE_CLI = "2026-12-01T23:59:00+00:00"
POLICY = "10%/day, cap 50%"
STAMPS = {  # student -> timestamp.txt, as nbgrader collect writes it
    "ontime": "2026-12-01 22:00:00.000000 UTC",
    "late1": "2026-12-03 12:59:00.000000 Europe/Paris",  # 1 d 12 h late: 2 started days, 20 %
    "late9": "2026-12-10 08:00:00.000000 UTC",  # 8 days late: capped at 50 %
}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = Path(tempfile.mkdtemp(prefix="ps1-late-course-"))
    env = {**course_env(root), "AUTOGRADER_LATE_POLICY": POLICY}

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=1800)
        assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        return proc

    try:
        where = f"--CourseDirectory.release_directory={root / 'release'}"
        run("nbgrader", "generate_assignment", "ps1", "--force", where)
        run("nbgrader", "db", "assignment", "add", "ps1", f"--duedate={DUE_NBGRADER}")
        bug = next(b for b in BUGS if b.name == "softmax_no_max_shift")
        (fn,) = bug.breaks
        notebooks = {"ontime": completed(), "late1": completed(), "late9": with_function(completed(), fn, bug.source)}
        for student, nb in notebooks.items():
            folder = root / "submitted" / student / "ps1"
            write(nb, folder / "ps1.ipynb")
            (folder / "timestamp.txt").write_text(STAMPS[student])
        canvas = tmp_path_factory.mktemp("canvas")
        shutil.copy(SUBMISSIONS / "correct" / "base.py", canvas / "ann_LATE_1001_2001_ps1.py")
        export = root / "export.csv"
        run("nbgrader", "autograde", "ps1", where)
        run("nbgrader", "export", "--to", str(export))
        out = root / "cli"
        cli = run("autograder", "grade", str(root / "submitted"), str(canvas), "--out", str(out), "--due", DUE_CLI,
                  "--late-policy", POLICY, "-j", "1", "--no-progress")
        tables = {}
        for name, path, key in (("nbgrader", export, "student_id"), ("cli_nbgrader", out / "nbgrader_grades.csv",
                                                                        "student_id"), ("cli", out / "grades.csv", "student")):
            with open(path, newline="") as f:
                tables[name] = {row[key]: row for row in csv.DictReader(f)}
        # another rule, the same command: penalties change, nothing is graded again
        again = run("autograder", "grade", str(root / "submitted"), str(canvas), "--out", str(out), "--due", DUE_CLI,
                    "--late-policy", "zero", "-j", "1", "--no-progress")
        with open(out / "grades.csv", newline="") as f:
            tables["cli_zero"] = {row["student"]: row for row in csv.DictReader(f)}
        yield {"tables": tables, "stdout": cli.stdout, "again": again.stdout}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_nbgrader_and_the_cli_take_the_same_penalty(both):
    nbg, cli_nbg, cli = both["tables"]["nbgrader"], both["tables"]["cli_nbgrader"], both["tables"]["cli"]
    assert set(nbg) == set(cli_nbg) == set(STAMPS)
    for student in STAMPS:
        raw = float(nbg[student]["raw_score"])
        assert float(cli[student]["total"]) == pytest.approx(raw), student
        penalty = float(nbg[student]["late_submission_penalty"])
        assert float(cli_nbg[student]["late_submission_penalty"]) == pytest.approx(penalty), student
        assert float(cli[student]["penalty"]) == pytest.approx(penalty), student
        assert float(cli[student]["score"]) == pytest.approx(float(nbg[student]["score"])), student
        assert cli_nbg[student]["duedate"] == nbg[student]["duedate"], student
    # and they are the policy's, worked out by hand
    assert float(nbg["late1"]["raw_score"]) == 100 and 0 < float(nbg["late9"]["raw_score"]) < 100
    assert float(nbg["ontime"]["late_submission_penalty"]) == 0
    assert float(nbg["late1"]["late_submission_penalty"]) == pytest.approx(20.0)
    assert float(nbg["late9"]["late_submission_penalty"]) == pytest.approx(0.5 * float(nbg["late9"]["raw_score"]))


def test_lateness_is_shown_per_student(both):
    cli = both["tables"]["cli"]
    assert {s: cli[s]["status"] for s in cli} == {"ontime": "graded", "late1": "late", "late9": "late", "ann": "late"}
    assert cli["late1"]["late by"] == "1d 12h" and cli["late9"]["late by"].startswith("8d")
    # Canvas said late without saying when: the least the flag proves, one started day
    assert float(cli["ann"]["penalty"]) == pytest.approx(0.1 * float(cli["ann"]["total"]))
    assert cli["ann"]["late by"] == "flagged late by the LMS"
    lines = [line.strip() for line in both["stdout"].splitlines()]
    for student in ("late1", "late9", "ann"):
        assert any(line.startswith(f"{student}: late (") and "penalty" in line for line in lines), both["stdout"]


def test_a_new_rule_recomputes_penalties_without_grading_again(both):
    zero, before = both["tables"]["cli_zero"], both["tables"]["cli"]
    assert "0 graded now" in both["again"] and "4 already graded" in both["again"]
    for student, row in zero.items():
        assert row["total"] == before[student]["total"], student
        expected = float(row["total"]) if row["status"] == "late" else 0.0
        assert float(row["penalty"]) == pytest.approx(expected) and float(row["score"]) == pytest.approx(
            float(row["total"]) - expected), student

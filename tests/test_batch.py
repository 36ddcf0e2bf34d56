"""Grading a class: 200 submissions with -j 2, killed with SIGKILL midway and resumed (each graded once);
shards merged equal one run; an LMS zip and an nbgrader tree are read; every output validates.

The runs grade two functions (--only sigmoid,num_params): what is under test is the batch machinery
(pool, jobs, resuming, sharding, writers), not the grading suite, and CI has two cores.
"""
import ast
import collections
import csv
import fcntl
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from autograder import class_report, report
from autograder.batch import grade_many, read_events
from autograder.discover import BatchError, Name, discover, parse_shard, select_shard, student_of
from autograder.merge import merge
from autograder.result import Result
from autograder.result import TestResult as Outcome
from gradescope_schema import RESULTS_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
FUNCTIONS = {"sigmoid", "num_params"}
ONLY = ",".join(sorted(FUNCTIONS))
N = 200

BROKEN = {  # each scores 0
    "syntax": b"import numpy as np\ndef sigmoid(x:\n    return x\n",
    "raises": b"import numpy as np\nraise RuntimeError('half-finished')\n",
    "exits": b"import os\nos._exit(0)\n",
    "empty": b"",
    "stubs": b"def sigmoid(x):\n    raise NotImplementedError\n\ndef num_params(Dx, H, Dy):\n    raise NotImplementedError\n",
    "latin1": "# caf\u00e9\ndef sigmoid(x):\n    return x\n".encode("latin-1"),
}


def _bugs():
    spec = importlib.util.spec_from_file_location("ps1_buggy_submissions", SUBMISSIONS / "buggy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_class(folder: Path, n: int = N) -> dict[str, str]:
    """n submissions, 2 in 10 correct, 5 in 10 buggy, 3 in 10 broken; returns {student: kind}."""
    buggy = _bugs()
    correct = sorted((SUBMISSIONS / "correct").glob("*.py"))
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {}
    for i in range(n):
        student, slot = f"student{i:03d}", i % 10
        if slot < 2:
            source, kind = correct[(i // 10 * 2 + slot) % len(correct)].read_bytes(), "correct"
        elif slot < 7:
            bug = buggy.BUGS[(i // 10 * 5 + slot - 2) % len(buggy.BUGS)]
            source = buggy.build_source(bug).encode()
            kind = "buggy:" + ",".join(sorted(bug.breaks & FUNCTIONS)) if bug.breaks & FUNCTIONS else "correct"
        else:
            name = sorted(BROKEN)[(i // 10 * 3 + slot - 7) % len(BROKEN)]
            source, kind = BROKEN[name], "broken"
        (folder / f"{student}.py").write_bytes(source)
        kinds[student] = kind
    return kinds


def lock_is_free(out: Path) -> bool:
    fd = os.open(out / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def results(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(out.glob("*/results.json"))}


# ------------------------------------------------------------------ 200 submissions, killed and resumed


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    submissions, out = base / "submissions", base / "out"
    kinds = make_class(submissions)
    log = open(base / "first-run.log", "w")
    first = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out),
                              "-j", "2", "--only", ONLY, "--no-progress"], stdout=log, stderr=log, cwd=ROOT)
    try:
        deadline = time.monotonic() + 600
        while len(read_events(out)) < 60:  # midway: then SIGKILL, which no handler can catch
            assert first.poll() is None, (base / "first-run.log").read_text()
            assert time.monotonic() < deadline, "the first run did not get going"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        first.kill()
        first.wait()
        log.close()
    # the killed run's job processes and fork server hold the folder's lock until they have exited
    deadline = time.monotonic() + 30
    while not lock_is_free(out):
        assert time.monotonic() < deadline, "processes of the killed run are still running"
        time.sleep(0.05)
    after_kill = results(out)
    events_before = read_events(out)
    resumed = grade_many([submissions], out, jobs=2, functions=FUNCTIONS, progress=False, summary=False)
    again = grade_many([submissions], out, jobs=2, functions=FUNCTIONS, progress=False, summary=False)
    graders = {d["extra_data"]["grader"] for d in results(out).values()}
    return {"submissions": submissions, "out": out, "kinds": kinds, "after_kill": after_kill, "graders": graders,
            "events_before": events_before, "resumed": resumed, "again": again}


def test_a_killed_run_resumes_and_grades_each_submission_once(graded_class):
    c = graded_class
    after_kill, resumed, kinds = c["after_kill"], c["resumed"], c["kinds"]
    assert 60 <= len(after_kill) < N, "the kill did not land midway"
    # the resumed run graded exactly the submissions that had no results, and skipped the others
    assert sorted(resumed.skipped) == sorted(after_kill)
    assert sorted(resumed.graded) == sorted(set(kinds) - set(after_kill))
    assert resumed.failed == {}
    # one "graded" event per submission over both runs: nothing was graded twice
    events = [e for e in read_events(c["out"]) if e["run"] != c["again"].run]
    per_student = collections.Counter(e["student"] for e in events if e["event"] == "graded")
    assert set(per_student) == set(kinds) and set(per_student.values()) == {1}
    assert {e["student"] for e in c["events_before"]} == set(after_kill)
    # what the killed run had finished is untouched
    now = results(c["out"])
    assert len(now) == N
    if len(c["graders"]) > 1 or c["again"].graded:
        # the grading suite or the reference was edited while this test ran (a working tree, never CI):
        # the third run rightly re-graded; the first two runs' bookkeeping is what is checked above
        pytest.skip("the grader changed during the test; its re-run re-graded, as it should")
    for student, data in after_kill.items():
        assert now[student] == data
    # a third run finds nothing to do
    assert c["again"].graded == [] and len(c["again"].skipped) == N


def test_a_job_that_dies_has_its_submissions_graded_by_a_new_one(tmp_path):
    """A job process killed midway (as the kernel's OOM killer would): the submissions it held, the one it was
    grading and the one it had opened ahead (-j 1 on CI's two cores), are graded by a new job, each once."""
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    kinds = make_class(submissions, n=12)
    outcome = {}
    run = threading.Thread(target=lambda: outcome.update(done=grade_many(
        [submissions], out, jobs=1, functions=FUNCTIONS, progress=False, summary=False)))
    run.start()
    deadline = time.monotonic() + 300
    while not read_events(out):
        assert run.is_alive() and time.monotonic() < deadline, "the run graded nothing"
        time.sleep(0.02)
    first_job = read_events(out)[0]["pid"]
    os.kill(first_job, signal.SIGKILL)
    run.join(timeout=300)
    assert not run.is_alive(), "the run did not finish after its job died"
    done = outcome["done"]
    assert done.failed == {} and sorted(done.graded) == sorted(kinds)
    per_student = collections.Counter(e["student"] for e in read_events(out) if e["event"] == "graded")
    assert set(per_student) == set(kinds) and set(per_student.values()) == {1}
    assert len({e["pid"] for e in read_events(out)}) == 2, "the rest was not graded by a second job"
    assert len(results(out)) == len(kinds)


def test_the_grades_are_right(graded_class):
    now = results(graded_class["out"])
    for student, kind in graded_class["kinds"].items():
        data = now[student]
        top = data["extra_data"]["max_score"]
        assert top > 0
        if kind == "correct":
            assert data["score"] == top, student
        elif kind == "broken":
            assert data["score"] == 0, student
        else:
            assert 0 <= data["score"] < top, (student, kind)
            lost = {t["name"].split(":")[0] for t in data["tests"] if t["score"] < t["max_score"]}
            assert lost <= set(kind.split(":")[1].split(",")), (student, kind, lost)


def test_every_results_json_is_gradescope_s_format(graded_class):
    validator = jsonschema.Draft202012Validator(RESULTS_SCHEMA)
    for student, data in results(graded_class["out"]).items():
        errors = list(validator.iter_errors(data))
        assert not errors, (student, errors[0].message)
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
        assert data["extra_data"]["student"] == student


def test_grades_csv_has_a_row_per_student_and_a_column_per_function(graded_class):
    out = graded_class["out"]
    with open(out / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["student"] for r in rows] == sorted(graded_class["kinds"])
    assert list(rows[0]) == ["student", "status", "sigmoid", "num_params", "total", "late by", "penalty", "score"]
    now = results(out)
    for row in rows:
        assert float(row["total"]) == pytest.approx(now[row["student"]]["score"])
        assert float(row["sigmoid"]) + float(row["num_params"]) == pytest.approx(float(row["total"]))
        # no due date: nobody is late, and the score is the total
        assert row["penalty"] == "0" and row["score"] == row["total"] and row["late by"] == ""
        kind = graded_class["kinds"][row["student"]]
        assert row["status"] == "graded" or (row["status"] == "unreadable" and kind == "broken"), row


def test_the_junit_xml_parses_with_a_suite_per_student(graded_class):
    out = graded_class["out"]
    root = ET.parse(out / "junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(graded_class["kinds"])
    now = results(out)
    for suite in suites:
        cases = suite.findall("testcase")
        data = now[suite.get("name")]
        assert int(suite.get("tests")) == len(cases) == len(data["tests"])
        failed = sum(case.find("failure") is not None for case in cases)
        assert int(suite.get("failures")) == failed == sum(t["status"] == "failed" for t in data["tests"])
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_feedback_shows_no_hidden_test_and_summary_png_is_drawn(graded_class):
    out = graded_class["out"]
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))[:40]:
        data = json.loads((folder / "results.json").read_text())
        feedback = (folder / "feedback.md").read_text()
        assert f"{data['score']:g} / " in feedback
        tests = data["extra_data"]["result"]["tests"]
        shown = {t["output"] for t in tests if t["visibility"] == "visible"}
        for t in tests:
            if t["visibility"] == "hidden":
                assert t["name"] not in feedback
                if t["status"] != "passed" and t["output"] and t["output"] not in shown:
                    assert t["output"] not in feedback
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ shards


def test_shards_are_disjoint_slices_that_cover_the_class(tmp_path):
    for name in ("zoe", "adam", "mia", "li", "ben", "ola", "kai"):
        (tmp_path / f"{name}.py").write_text("")
    everyone = discover([tmp_path], tmp_path / "scratch", "ps1").entries
    slices = [select_shard(everyone, (k, 3)) for k in (1, 2, 3)]
    names = [e.student for s in slices for e in s]
    assert sorted(names) == sorted(e.student for e in everyone) and len(set(names)) == len(names)
    assert select_shard(everyone, (2, 3)) == slices[1]  # deterministic
    for bad in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(BatchError):
            parse_shard(bad)


# ------------------------------------------------------------------ inputs: an LMS zip, an nbgrader tree


def _nbgrader_export_columns() -> list[str]:
    """The columns nbgrader's own CSV exporter writes, read from its source."""
    import nbgrader.plugins.export as export

    tree = ast.parse(Path(export.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "keys":
            return [elt.value for elt in node.value.elts]
    raise AssertionError("no keys list in nbgrader's exporter")


def _stable(data: dict) -> dict:
    """results.json without what differs from one grading to the next (times, run ids)."""
    data = json.loads(json.dumps(data))
    data.pop("execution_time")
    for key in ("graded_at", "run"):
        data["extra_data"].pop(key)
    data["extra_data"]["result"].pop("execution_time")
    return data


def _junit_without_times(path: Path) -> str:
    root = ET.parse(path).getroot()
    for element in root.iter():
        element.attrib.pop("time", None)
    return ET.tostring(root, encoding="unicode")


def test_an_lms_zip_and_an_nbgrader_tree_graded_in_one_run_and_in_shards(tmp_path):
    """Inputs as instructors have them, graded once with -j 2 and as two shards (in parallel) then merged:
    the merged folder equals the single run's."""
    correct = (SUBMISSIONS / "correct" / "base.py").read_bytes()
    bug = next(b for b in _bugs().BUGS if b.breaks == {"sigmoid"})
    bulk = tmp_path / "bulk_download.zip"
    with zipfile.ZipFile(bulk, "w") as zf:  # Canvas names, a Moodle folder, a student's own zip, a wrapper folder
        zf.writestr("PS1 submissions/alice_LATE_1001_5001_ps1.py", correct)
        zf.writestr("PS1 submissions/bob_1002_5002_ps1.py", BROKEN["syntax"])
        zf.writestr("PS1 submissions/Carol Diaz_1003_assignsubmission_file_/ps1.py", correct)
        zf.writestr("PS1 submissions/gus_1004_5004_ps1.py", _bugs().build_source(bug))
        inner = tmp_path / "dan.zip"
        with zipfile.ZipFile(inner, "w") as z2:
            z2.writestr("dan/ps1.py", correct)
        zf.write(inner, "PS1 submissions/dan.zip")
        zf.writestr("__MACOSX/._alice", b"")
    course = tmp_path / "course"
    reference = nbformat.read(str(ROOT / "reference" / "ps1" / "ps1.ipynb"), as_version=4)
    for student, nb_path, stamp in (("erin", ROOT / "reference" / "ps1" / "ps1.ipynb", "2026-11-20 09:30:00.123456 UTC"),
                                    ("femi", ROOT / "assignments" / "ps1" / "ps1.ipynb", "2026-11-21 23:59:59 Europe/Paris")):
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.ipynb").write_bytes(nb_path.read_bytes())
        (folder / "timestamp.txt").write_text(stamp)
    inputs = [bulk, course]
    single = tmp_path / "single"
    outcome = grade_many(inputs, single, jobs=2, functions=FUNCTIONS, progress=False, summary=False)
    shards: dict = {}

    def grade_shard(k: int) -> None:
        shards[k] = grade_many(inputs, tmp_path / f"shard{k}", jobs=1, shard=f"{k}/2", functions=FUNCTIONS,
                               progress=False, summary=False)

    threads = [threading.Thread(target=grade_shard, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merge([tmp_path / "shard1", tmp_path / "shard2"], tmp_path / "merged", summary=False)

    # what was read, and how it was graded
    graded = results(single)
    top = graded["alice"]["extra_data"]["max_score"]
    scores = {s: d["score"] for s, d in graded.items()}
    assert outcome.failed == {}
    assert scores == {"alice": top, "bob": 0, "Carol Diaz_1003": top, "dan": top, "erin": top, "femi": 0,
                      "gus": scores["gus"]} and 0 < scores["gus"] < top
    assert graded["alice"]["extra_data"]["source"] == "bulk_download.zip:PS1 submissions/alice_LATE_1001_5001_ps1.py"
    with open(single / "nbgrader_grades.csv", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = {row[3]: dict(zip(header, row)) for row in reader}
    assert header == _nbgrader_export_columns()
    assert set(rows) == {"erin", "femi"}
    points = sum(float(c.metadata.get("nbgrader", {}).get("points", 0)) for c in reference.cells
                 if c.metadata.get("nbgrader", {}).get("grade") or c.metadata.get("nbgrader", {}).get("task"))
    assert rows["erin"] == {"assignment": "ps1", "duedate": "", "timestamp": "2026-11-20 09:30:00.123456",
                            "student_id": "erin", "last_name": "", "first_name": "", "email": "",
                            "raw_score": str(float(top)), "late_submission_penalty": "0.0", "score": str(float(top)),
                            "max_score": str(points)}
    from nbgrader.utils import parse_utc

    assert rows["femi"]["timestamp"] == str(parse_utc("2026-11-21 23:59:59 Europe/Paris")) == "2026-11-21 22:59:59"
    assert rows["femi"]["raw_score"] == "0.0"

    # the shards: disjoint, covering the class, and merged they equal the single run
    assert sorted(shards[1].graded + shards[2].graded) == sorted(outcome.graded) == sorted(graded)
    assert not set(shards[1].graded) & set(shards[2].graded)
    merged = tmp_path / "merged"
    for name in ("grades.csv", "nbgrader_grades.csv"):
        assert (merged / name).read_text() == (single / name).read_text(), name
    assert _junit_without_times(merged / "junit.xml") == _junit_without_times(single / "junit.xml")
    again = results(merged)
    assert again.keys() == graded.keys() and all(_stable(again[s]) == _stable(graded[s]) for s in graded)


def test_student_ids_come_from_file_and_folder_names(tmp_path):
    assert student_of("smithj_LATE_12345_67890_ps1-2.ipynb", False) == Name("smithj", "ps1.ipynb", 2, True)
    assert student_of("Jane Doe_4242_assignsubmission_file_", True).student == "Jane Doe_4242"
    assert student_of("PS1_jdoe_attempt_2026-11-20-10-00-00_ps1.ipynb", False).student == "jdoe"
    assert student_of("alice (1).ipynb", False) == Name("alice", None, 1, False)
    # a Gradescope export: the submitter's id from submission_metadata.yml
    export = tmp_path / "assignment_1_export"
    (export / "submission_77").mkdir(parents=True)
    (export / "submission_77" / "ps1.py").write_text("")
    (export / "submission_metadata.yml").write_text(
        "submission_77:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '1815'\n    :email: ada@example.edu\n")
    assert [e.student for e in discover([export], tmp_path / "s", "ps1").entries] == ["1815"]


# ------------------------------------------------------------------ the writers, on made-up results


def _result(score_hidden: float) -> Result:
    tests = [Outcome("softmax: softmax([1, 2, 3])", "softmax", 1.0, 1.0, "passed", "", "visible"),
             Outcome("softmax: stable for logits of 1e4", "softmax", score_hidden, 2.0,
                        "passed" if score_hidden else "failed", "softmax([1e4, -1e4]) returned nan", "hidden"),
             Outcome("train: on the device (cuda)", "train", 0.0, 0.0, "skipped", "no CUDA GPU", "visible")]
    return Result(submission="x.py", seed=1, tests=tests, grader_version="test")


def test_feedback_markdown_never_shows_a_hidden_input_or_the_student_s_output():
    result = _result(0.0)
    result.student_output = "debug: softmax got [1e4, -1e4]"
    result.load_errors = [{"cell": "cell 3", "type": "NameError", "message": "```\n# injected", "where": "cell 3"}]
    text = report.feedback_markdown(result, "ann")
    assert "stable for logits of 1e4" not in text and "1e4" not in text
    assert "a hidden test of `softmax`" in text and "❌ failed (0 / 2)" in text
    assert "softmax: softmax([1, 2, 3])" in text and "skipped" in text
    assert "````text\n```\n# injected\n````" in text  # student text cannot close its fence


def test_class_writers_on_made_up_results(tmp_path):
    graded = [class_report.Graded("b", _result(2.0)), class_report.Graded("a", _result(0.0))]
    assert class_report.grades_csv(graded) == ("student,status,softmax,train,total,late by,penalty,score\n"
                                               "a,graded,1,0,1,,0,1\nb,graded,3,0,3,,0,3\n")
    missed = class_report.most_missed(graded)
    assert [(m.name, m.missed, m.ran) for m in missed] == [("softmax: stable for logits of 1e4 [hidden]", 1, 2)]
    assert dict(class_report.distribution([0, 1, 3, 3], 3, bins=3))["3"] == 2
    root = ET.fromstring(class_report.junit_xml(graded))
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "1", "2")
    failure = root.find("testsuite[@name='a']/testcase/failure")
    assert "returned nan" not in failure.get("message")  # a hidden test's detail stays in results.json
    written = class_report.write_class_outputs(graded, tmp_path)
    assert [p.name for p in written] == ["grades.csv", "junit.xml", "summary.png"]

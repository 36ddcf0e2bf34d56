"""Class grading loses nobody and refuses bad input in one sentence.

Discovery is checked directly (it runs no student code); one real class run through the CLI (two
functions, --only) shows that every student reaches grades.csv with a status and the terminal names
them; merges of shards refuse, naming what is missing; bad arguments exit 2 with one sentence.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from autograder.discover import BatchError, discover, folder_name

ROOT = Path(__file__).resolve().parent.parent
CORRECT = (Path(__file__).resolve().parent / "submissions" / "correct" / "base.py").read_bytes()
STUB = b"def sigmoid(x):\n    raise NotImplementedError\n\ndef num_params(Dx, H, Dy):\n    raise NotImplementedError\n"
ONLY = "num_params,sigmoid"


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def one_sentence(proc: subprocess.CompletedProcess) -> str:
    """What a refused command printed: exactly one line, no traceback."""
    text = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 2, text
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    return text


def write(path: Path, data: bytes, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# ------------------------------------------------------------------ discovery, on its own


def test_one_student_in_nbgrader_layout_does_not_hide_the_others(tmp_path):
    write(tmp_path / "in" / "alice.py", CORRECT)
    write(tmp_path / "in" / "bob" / "ps1.py", CORRECT)
    write(tmp_path / "in" / "carol" / "ps1" / "ps1.py", CORRECT)  # nbgrader's <student>/<assignment>/
    write(tmp_path / "in" / "carol" / "ps1" / "timestamp.txt", b"2026-11-30 10:00:00 UTC")
    found = discover([tmp_path / "in"], tmp_path / "scratch", "ps1")
    assert [e.student for e in found.entries] == ["alice", "bob", "carol"]
    carol = found.entries[2]
    assert carol.path == tmp_path / "in" / "carol" / "ps1" and carol.timestamp == "2026-11-30 10:00:00"


def test_unicode_ids_are_kept_and_their_folders_are_distinct_and_safe(tmp_path):
    nfd = unicodedata.normalize("NFD", "núñezzoë")
    for name in (nfd, "李雷", "韩梅梅", "Ann", "ann", "=SUM(A1)"):
        write(tmp_path / "in" / f"{name}.py", CORRECT)
    found = discover([tmp_path / "in"], tmp_path / "scratch", "ps1")
    ids = [e.student for e in found.entries]
    assert "núñezzoë" in ids and unicodedata.is_normalized("NFC", "".join(ids))
    assert {"李雷", "韩梅梅", "Ann", "ann"} <= set(ids)
    folders = [e.folder for e in found.entries]
    assert len({f.casefold() for f in folders}) == len(folders)  # distinct even where case is ignored
    by_id = {e.student: e.folder for e in found.entries}
    assert by_id["李雷"] == "李雷" and by_id["núñezzoë"] == "núñezzoë"  # kept when it is a safe name
    for tricky in ("../x", ".hidden", "grades.csv", "a\nb", "x" * 300, "a/b"):
        name = folder_name(tricky)
        assert "/" not in name and "\n" not in name and not name.startswith(".") and len(name.encode()) <= 120
        assert name not in ("grades.csv", "junit.xml", "summary.png", "nbgrader_grades.csv")
    assert folder_name("a/b") != folder_name("a_b") == "a_b"


def test_two_submissions_under_one_id_are_both_graded_with_a_warning(tmp_path):
    write(tmp_path / "a" / "kim.py", CORRECT)
    write(tmp_path / "b" / "kim.ipynb", b"{}")
    found = discover([tmp_path / "a", tmp_path / "b"], tmp_path / "scratch", "ps1")
    assert sorted(e.student for e in found.entries) == ["kim", "kim#2"]
    assert len(found.warnings) == 1 and "kim" in found.warnings[0] and "kim#2" in found.warnings[0]


def test_a_re_upload_is_the_same_student_and_the_newer_file_is_graded(tmp_path):
    now = time.time()
    write(tmp_path / "in" / "alice.ipynb", b"{}", now - 3600)
    write(tmp_path / "in" / "alice (1).ipynb", b"{}", now)  # the browser's name for a second download
    write(tmp_path / "in" / "ben (1).py", CORRECT, now - 3600)  # here the copy is the older one
    write(tmp_path / "in" / "ben.py", CORRECT, now)
    found = discover([tmp_path / "in"], tmp_path / "scratch", "ps1")
    assert {e.student: e.path.name for e in found.entries} == {"alice": "alice (1).ipynb", "ben": "ben.py"}
    assert any("alice (1).ipynb" in w and "newest" in w for w in found.warnings)


def test_what_is_not_graded_is_listed_with_why(tmp_path):
    write(tmp_path / "in" / "alice.py", CORRECT)
    (tmp_path / "in" / "dora").mkdir()  # a student folder with nothing to grade
    write(tmp_path / "in" / "notes.txt", b"hello")
    found = discover([tmp_path / "in"], tmp_path / "scratch", "ps1")
    assert [e.student for e in found.entries] == ["alice"]
    listed = {(g.student, Path(g.label).name, g.status) for g in found.not_graded}
    assert listed == {("dora", "dora", "no notebook"), ("", "notes.txt", "not a submission")}


def test_a_bulk_download_gets_the_same_zip_checks_as_one_submission(tmp_path):
    """discover unpacks with archive.unzip too: zip slip and a bomb are refused, naming the archive."""
    import zipfile

    for name, entries, message in [("slip.zip", {"a/ps1.py": b"", "b/ps1.py": b"", "../../x.py": b""},
                                    "slip.zip holds a path outside the archive: ../../x.py"),
                                   ("bomb.zip", {"a/ps1.py": b"", "b/ps1.py": b"", "b/zeros": bytes(40 << 20)},
                                    "bomb.zip looks like a zip bomb: b/zeros expands")]:
        with zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as zf:
            for entry, data in entries.items():
                zf.writestr(entry, data)
        with pytest.raises(BatchError, match=message):
            discover([tmp_path / name], tmp_path / "scratch", "ps1")
    assert not (tmp_path / "x.py").exists() and not list((tmp_path / "scratch").rglob("zeros"))


def test_nothing_to_grade_is_an_error_that_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BatchError, match="found no submission to grade.*empty"):
        discover([tmp_path / "empty"], tmp_path / "scratch", "ps1")
    write(tmp_path / "notes.txt", b"hello")
    with pytest.raises(BatchError, match="not a submission"):
        discover([tmp_path / "notes.txt"], tmp_path / "scratch", "ps1")


# ------------------------------------------------------------------ one real class run


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("classrun")
    src = base / "in"
    write(src / "alice.py", CORRECT)
    write(src / "carol" / "ps1" / "ps1.py", CORRECT)
    write(src / "carol" / "ps1" / "timestamp.txt", b"2026-11-30 10:00:00 UTC")
    write(src / unicodedata.normalize("NFD", "núñezzoë") / "ps1.py", CORRECT)
    write(src / "李雷.py", CORRECT)
    write(src / "韩梅梅.py", STUB)
    write(src / "dan.ipynb", b"{ this is not json")
    (src / "dora").mkdir()
    write(src / "notes.txt", b"hello")
    out = base / "out"
    proc = cli("grade", str(src), "--out", str(out), "-j", "1", "--only", ONLY, "--no-progress")
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    return {"proc": proc, "rows": rows, "out": out, "src": src}


def test_every_student_is_in_grades_csv_with_a_status(class_run):
    proc, rows = class_run["proc"], class_run["rows"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(rows) == {"alice", "carol", "núñezzoë", "李雷", "韩梅梅", "dan", "dora"}
    assert {s: r["status"] for s, r in rows.items()} == {
        "alice": "graded", "carol": "graded", "núñezzoë": "graded", "李雷": "graded", "韩梅梅": "graded",
        "dan": "unreadable", "dora": "no notebook"}
    assert float(rows["李雷"]["total"]) > 0 and float(rows["韩梅梅"]["total"]) == 0  # two students, two grades
    assert rows["dora"]["total"] == ""  # not a 0 that looks like a graded one
    for student in ("núñezzoë", "李雷", "韩梅梅"):
        data = json.loads((class_run["out"] / student / "results.json").read_text())
        assert data["extra_data"]["student"] == student


def test_the_terminal_names_whose_notebook_was_unreadable_and_what_was_not_graded(class_run):
    text = class_run["proc"].stdout
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith("dan: unreadable") for line in lines), text
    assert any(line.startswith("dora: no notebook") for line in lines), text
    assert any("notes.txt" in line and "not a submission" in line for line in lines), text


# ------------------------------------------------------------------ merges


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    for name in ("ana", "ben", "cy"):
        write(base / "in" / f"{name}.py", CORRECT)
    procs = [subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(base / "in"), "--out",
                               str(base / f"shard{k}"), "--shard", f"{k}/3", "-j", "1", "--only", "num_params",
                               "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for k in (1, 2, 3)]
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out
    return base


def test_merge_with_a_shard_missing_fails_and_names_it(shards):
    text = one_sentence(cli("merge", str(shards / "shard1"), str(shards / "shard3"), "--out", str(shards / "m1")))
    assert "shard 2/3" in text and "--allow-partial" in text
    assert not (shards / "m1" / "grades.csv").exists()
    partial = cli("merge", str(shards / "shard1"), str(shards / "shard3"), "--out", str(shards / "m2"),
                  "--allow-partial")
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert "shard 2/3" in partial.stdout
    with open(shards / "m2" / "grades.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 2


def test_merge_of_a_shard_that_lost_a_student_fails_and_names_the_student(shards):
    broken = shards / "shard2-broken"
    shutil.copytree(shards / "shard2", broken)
    (broken / "ben" / "results.json").unlink()  # as a run killed before it graded ben
    text = one_sentence(cli("merge", str(shards / "shard1"), str(broken), str(shards / "shard3"),
                            "--out", str(shards / "m3")))
    assert "ben" in text and str(broken) in text


def test_merge_of_every_shard_has_every_student(shards):
    proc = cli("merge", *(str(shards / f"shard{k}") for k in (1, 2, 3)), "--out", str(shards / "all"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(shards / "all" / "grades.csv", newline="") as f:
        assert [r["student"] for r in csv.DictReader(f)] == ["ana", "ben", "cy"]


# ------------------------------------------------------------------ bad arguments


def test_bad_arguments_get_one_sentence_and_exit_2(tmp_path):
    write(tmp_path / "in" / "alice.py", CORRECT)
    (tmp_path / "empty").mkdir()
    write(tmp_path / "notes.txt", b"hello")
    write(tmp_path / "a-file", b"")
    cls = ["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out")]
    assert "-j" in one_sentence(cli(*cls, "-j", "0")) and "at least 1" in one_sentence(cli(*cls, "-j", "0"))
    typo = one_sentence(cli(*cls, "--only", "softmx"))
    assert "softmx" in typo and "did you mean softmax?" in typo and "sigmoid_grad" in typo
    assert "is a file" in one_sentence(cli("grade", str(tmp_path / "in"), "--out", str(tmp_path / "a-file")))
    assert "empty" in one_sentence(cli("grade", str(tmp_path / "empty"), "--out", str(tmp_path / "o2")))
    assert "not a submission" in one_sentence(cli("grade", str(tmp_path / "notes.txt"), "--out", str(tmp_path / "o3")))
    # and grading one submission
    assert "not a submission" in one_sentence(cli("grade", str(tmp_path / "notes.txt")))
    assert "holds no notebook" in one_sentence(cli("grade", str(tmp_path / "empty")))
    assert "softmx" in one_sentence(cli("grade", str(tmp_path / "in" / "alice.py"), "--only", "softmx"))

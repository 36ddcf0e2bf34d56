"""Exports: Gradescope's autograder.zip (its layout, and what setup.sh installs from where), GitHub Classroom's
result, and a merge without PyTorch (as the example workflow's merge job does it)."""
import base64
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.discover import Entry
from autograder.store import write_submission
from autograder.assignment import get
from autograder.export import gradescope_zip
from autograder.result import Result
from autograder.result import TestResult as Outcome

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return gradescope_zip(tmp_path_factory.mktemp("export") / "autograder.zip", get("ps1"))


def test_the_zip_has_gradescope_s_layout(autograder_zip):
    """What Gradescope needs at the zip's root, nothing of the checkout's tests, no second requirements list.
    (tests/test_gradescope_setup.py runs setup.sh and run_autograder for real.)"""
    with zipfile.ZipFile(autograder_zip) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        setup = zf.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "pyproject.toml", "reference/ps1/ps1.ipynb",
            "autograder/__main__.py", "autograder/worker.py", "autograder/sandbox.py", "autograder/pool.py"} <= names
    assert not any("__pycache__" in n or n.startswith("tests/") or "requirements" in n for n in names)
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR, f"{script} is not executable"
    assert '"torch==2.13.0"' in setup  # pinned to the release the grader runs with
    assert stat.S_IMODE(autograder_zip.stat().st_mode) == 0o600  # it holds the hidden tests (autograder/files.py)


def _record_setup(autograder_zip, tmp_path, env: dict) -> list[str]:
    """Run the zip's setup.sh with a `python3` that records what it is asked to do instead of doing it."""
    source = tmp_path / "source"
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(source)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = ('#!/usr/bin/env bash\nprintf "%s|" "$@" >> "$CALLS"; echo >> "$CALLS"\n'
            'if [ "$1" = -m ] && [ "$2" = venv ] && [ "$3" != --help ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi\n'
)
    (bin_dir / "python3").write_text(fake)
    (bin_dir / "python3").chmod(0o755)
    calls = tmp_path / "calls"
    proc = subprocess.run(["bash", str(source / "setup.sh")], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls),
                               "AUTOGRADER_VENV": str(tmp_path / "venv"), **env})
    assert proc.returncode == 0, proc.stderr
    assert not os.stat(source).st_mode & 0o077  # root only
    return [line.replace(str(source), "SOURCE") for line in calls.read_text().splitlines()]


@pytest.mark.parametrize("index, expected", [
    (None, ["--index-url", "https://download.pytorch.org/whl/cpu"]),  # PyTorch's CPU index by default
    ("", []),  # set but empty: pip's default index (PyPI and the machine's pip configuration)
    ("https://example.org/simple", ["--index-url", "https://example.org/simple"]),
])
def test_setup_takes_pytorch_from_the_index_asked_for_and_the_rest_from_the_package_s_metadata(
        autograder_zip, tmp_path, index, expected):
    env = {} if index is None else {"AUTOGRADER_TORCH_INDEX": index}
    calls = [c for c in _record_setup(autograder_zip, tmp_path, env) if "|pip|install|" in c]
    pip = "-m|pip|install|--quiet|--disable-pip-version-check|"
    assert calls == [pip + "|".join(expected + ["torch==2.13.0"]) + "|", pip + "SOURCE|"]


CLASSROOM_FIELDS = {"name", "status", "score", "max_score", "message", "test_code", "filename", "line_no", "duration"}


def test_classroom_mode_prints_what_the_grading_reporter_reads(tmp_path):
    output = tmp_path / "github_output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SUBMISSIONS / "correct" / "base.py"),
                           "--classroom", "--only", "sigmoid,one_hot"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 1  # stdout is the payload only; the table went to stderr
    payload = json.loads(base64.b64decode(lines[0]))
    assert payload["version"] == 1 and payload["status"] == "pass"
    assert payload["max_score"] == sum(t["max_score"] for t in payload["tests"]) > 0
    assert sum(t["score"] for t in payload["tests"]) == payload["max_score"]  # NotifyClassroom sums these
    for t in payload["tests"]:
        assert set(t) == CLASSROOM_FIELDS and t["status"] == "pass"
    assert any(t["name"] == "sigmoid: hidden test 1" for t in payload["tests"])
    assert output.read_text() == f"result={lines[0]}\n"


def test_merging_needs_no_pytorch(tmp_path):
    """The workflow's merge job installs no PyTorch: `autograder merge` must not import it."""
    tests = [Outcome("sigmoid: values", "sigmoid", 1.0, 1.0, "passed", "", "visible")]
    for n, student in enumerate(("ana", "ben")):
        result = Result(submission=f"{student}.py", seed=n, tests=tests, grader_version="test")
        write_submission(tmp_path / f"shard{n}", Entry(student, Path(f"{student}.py"), f"{student}.py", digest="d"),
                         result, grader="g", run="r", max_points=None)
    script = ("import sys; from autograder.cli import main; code = main(['merge', sys.argv[1], sys.argv[2], '--out', "
              "sys.argv[3]]); assert 'torch' not in sys.modules, 'merge imported torch'; sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "shard0"), str(tmp_path / "shard1"),
                           str(tmp_path / "merged")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "merged" / "grades.csv").read_text() == ("student,status,sigmoid,total,late by,penalty,score\n"
                                                               "ana,graded,1,1,,0,1\nben,graded,1,1,,0,1\n")

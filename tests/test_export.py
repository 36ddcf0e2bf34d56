"""Exports: Gradescope's autograder.zip (run locally in a Gradescope-like layout), GitHub Classroom's result,
and the example workflow that grades a class in shards and merges them."""
import base64
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from autograder.batch import Entry, write_submission
from autograder.export import gradescope_zip
from autograder.result import Result
from autograder.result import TestResult as Outcome
from gradescope_schema import RESULTS_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return gradescope_zip(tmp_path_factory.mktemp("export") / "autograder.zip")


def test_the_zip_has_gradescope_s_layout(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        setup = zf.read("setup.sh").decode()
        requirements = zf.read("requirements.txt").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "reference/ps1/ps1.ipynb",
            "autograder/__main__.py", "autograder/worker.py", "autograder/sandbox.py", "autograder/pool.py"} <= names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR, f"{script} is not executable"
    assert '"torch==2.13.0"' in setup and "download.pytorch.org/whl/cpu" in setup  # pinned, CPU
    assert "chmod -R go-rwx" in setup  # the suite and the reference: root only
    assert "numpy==" in requirements and "pytest==" in requirements


def test_run_autograder_grades_a_submission_in_a_gradescope_layout(autograder_zip, tmp_path):
    root = tmp_path / "autograder"  # stands for /autograder
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "ps1.py").write_bytes((SUBMISSIONS / "correct" / "base.py").read_bytes())
    (root / "submission" / "notes.txt").write_text("a file a student also uploaded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    env.update(AUTOGRADER_GRADESCOPE_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable,
               PYTHONPATH=str(root / "source"))  # the zip's own copy of the package, not this checkout
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(data, RESULTS_SCHEMA)
    assert data["score"] == data["extra_data"]["max_score"] == 100
    assert all(t["status"] == "passed" for t in data["tests"])
    assert {t["visibility"] for t in data["tests"]} == {"visible", "after_published"}
    assert data["extra_data"]["submission"] == str(root / "submission")


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
    assert any(t["name"] == "sigmoid (hidden test)" for t in payload["tests"])
    assert output.read_text() == f"result={lines[0]}\n"


def test_the_workflow_grades_in_shards_and_merges_them():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "grade.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in triggers
    grade, merge = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    shards = grade["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    run = " ".join(step.get("run", "") for step in grade["steps"])
    assert '--shard "${{ matrix.shard }}/${{ env.SHARDS }}"' in run and "--out" in run
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in grade["steps"])
    assert merge["needs"] == "grade"
    assert any(step.get("uses", "").startswith("actions/download-artifact") for step in merge["steps"])
    assert any("autograder merge shards/* --out grades" in step.get("run", "") for step in merge["steps"])


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

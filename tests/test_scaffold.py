"""`autograder new`: an assignment made from nothing releases with nbgrader, grades full marks and 0, and exports.

One scratch course for the module, made by `autograder new relu_demo --course DIR` in a folder that does not
exist yet; every command runs as an instructor types it (a subprocess, in the course folder).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NAME = "relu_demo"


def env() -> dict:
    """This checkout's package and tools; no workspace or database of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "200"
    return env


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(args), cwd=cwd, env=env(), capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    here = tmp_path_factory.mktemp("scaffold")
    made = run("autograder", "new", NAME, "--course", "course", "--title", "ReLU demo", cwd=here)
    course = here / "course"
    assert f"nbgrader generate_assignment {NAME}" in made.stdout, made.stdout
    run("nbgrader", "generate_assignment", NAME, cwd=course)
    return course


def score(course: Path, notebook: Path, tmp_path: Path) -> tuple[float, float]:
    out = tmp_path / f"{notebook.parent.parent.name}.json"
    run("autograder", "grade", str(notebook.relative_to(course)), "--results", str(out), cwd=course)
    data = json.loads(out.read_text())
    return data["score"], sum(t["max_score"] for t in data["tests"])


def test_a_new_folder_becomes_a_course_with_the_projects_nbgrader_config(course):
    assert (course / "nbgrader_config.py").read_bytes() == (ROOT / "nbgrader_config.py").read_bytes()
    folder = course / "reference" / NAME
    made = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts)
    assert made == ["assignment.toml", "grading/__init__.py", "grading/oracle.py", "grading/test_part1_relu.py",
                    f"{NAME}.ipynb", f"{NAME}.py", "samples/relu_bug.py"]
    assert 'title = "ReLU demo"' in (folder / "assignment.toml").read_text()


def test_the_notebook_has_one_function_its_check_graded_cell_and_written_answer(course):
    nb = nbformat.read(str(course / "reference" / NAME / f"{NAME}.ipynb"), as_version=4)
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points") for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    # the suite's two tests are worth 40 + 60: the build put their sum on the graded cell
    assert graded == {"check_relu": 0, "grade_relu": 100, "written_relu": 10}
    assert nb.cells[0].source.startswith("# ReLU demo")


def test_the_release_holds_the_notebook_only_without_solutions(course):
    release = course / "assignments" / NAME
    assert sorted(p.name for p in release.iterdir()) == [f"{NAME}.ipynb"]
    text = (release / f"{NAME}.ipynb").read_text()
    assert "np.maximum" not in text and "BEGIN SOLUTION" not in text and "grade_cell(" not in text
    assert "raise NotImplementedError()" in text


def test_the_reference_scores_full_marks_and_the_release_zero(course, tmp_path):
    assert score(course, course / "reference" / NAME / f"{NAME}.ipynb", tmp_path) == (100, 100)
    assert score(course, course / "assignments" / NAME / f"{NAME}.ipynb", tmp_path) == (0, 100)


def test_the_gradescope_export_holds_the_assignment(course):
    run("autograder", "export", "gradescope", "--assignment", NAME, "--out", "gs.zip", cwd=course)
    with zipfile.ZipFile(course / "gs.zip") as zf:
        names = set(zf.namelist())
        run_autograder = zf.read("run_autograder").decode()
    assert {f"reference/{NAME}/{NAME}.ipynb", f"reference/{NAME}/assignment.toml",
            f"reference/{NAME}/grading/test_part1_relu.py", f"reference/{NAME}/grading/oracle.py"} <= names
    assert f"--assignment {NAME}" in run_autograder
    assert not any(n.startswith("reference/") and "samples" in n for n in names)


@pytest.mark.parametrize("name, why", [
    (NAME, "already exists"),
    ("Hw.1", "is not a valid assignment name"),
    ("1hw", "is not a valid assignment name"),
])
def test_a_taken_or_invalid_name_is_refused_in_one_sentence(course, name, why):
    before = sorted(p for p in course.rglob("*") if "course" not in p.relative_to(course).parts[:1])
    proc = run("autograder", "new", name, cwd=course, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = (proc.stdout + proc.stderr).strip()
    assert why in message and len(message.splitlines()) == 1, message
    assert sorted(p for p in course.rglob("*") if "course" not in p.relative_to(course).parts[:1]) == before


def test_outside_a_course_new_asks_for_one(tmp_path):
    proc = run("autograder", "new", "hw1", cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "--course DIR" in proc.stdout + proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_wheel_ships_the_templates(tmp_path):
    # built from a copy: a build in the checkout would leave build/ and *.egg-info there
    source = tmp_path / "source"
    shutil.copytree(ROOT / "autograder", source / "autograder", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "nbgrader_config.py"):
        shutil.copy(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q",
        "-w", str(tmp_path), cwd=tmp_path)
    wheel = next(tmp_path.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        config = zf.read("autograder/templates/course/nbgrader_config.py.tmpl")
    templates = ROOT / "autograder" / "templates"
    assert {p.relative_to(ROOT).as_posix() for p in templates.rglob("*.tmpl")} <= names
    assert config == (ROOT / "nbgrader_config.py").read_bytes()

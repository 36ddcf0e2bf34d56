"""Packages for other grading platforms: `autograder export gradescope` writes Gradescope's autograder.zip.

Gradescope's autograder specification: a zip with `setup.sh` and `run_autograder` at its root. Gradescope
unpacks it into /autograder/source, runs setup.sh there once (as root) when it builds the autograder's image,
copies run_autograder to /autograder/run_autograder and, for each submission, runs it in /autograder with the
student's files in /autograder/submission; it reads /autograder/results/results.json.

What the zip holds and does:
- the package (autograder/, pyproject.toml, README.md) and the assignment's instructor folder as a one-assignment
  course (reference/NAME/: the reference notebook, assignment.toml, the grading suite, the data files);
- setup.sh: a virtual environment in /opt/autograder; PyTorch pinned to the version this grader runs with,
  from PyTorch's CPU index; then the package, whose dependencies pip takes from pyproject.toml (the one list:
  no second requirements file to forget a module in). The extras (nbgrader for the nbgrader workflow, the
  project's test tools) stay out of the image. Then all of /autograder/source (the reference, the grading
  suite) is made readable by root only: the
  sandbox runs each worker as an unprivileged user (uid 65534) when the grader is root, so even where the
  kernel refuses the sandbox its mount namespace, the student's code cannot read them;
- run_autograder: grades /autograder/submission into /autograder/results/results.json with the sandbox, which
  also covers /autograder/source with an empty folder in each worker's view.

Environment overrides (to try it on another machine, as tests/test_gradescope_setup.py does):
AUTOGRADER_VENV (setup.sh and run_autograder: the virtual environment), AUTOGRADER_TORCH_INDEX (setup.sh:
the index PyTorch comes from; set but empty: pip's default index), AUTOGRADER_GRADESCOPE_ROOT
(run_autograder: replaces /autograder) and AUTOGRADER_PYTHON (run_autograder: the interpreter).
"""
from __future__ import annotations

import importlib.metadata
import shlex
import stat
import zipfile
from pathlib import Path

from autograder import files

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
VENV = "/opt/autograder"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder's image.
set -euxo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
VENV="${{AUTOGRADER_VENV:-{venv}}}"
TORCH_INDEX="${{AUTOGRADER_TORCH_INDEX-{torch_index}}}"  # set but empty: pip's default index
unset PYTHONPATH PYTHONHOME  # the venv's Python must import the venv's own copy of the package

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv python3-pip
fi
umask 022  # the environment must be readable by the unprivileged user the workers run as
python3 -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# PyTorch first, pinned, from its CPU index (no CUDA libraries in the image) ...
"${{PIP[@]}}" ${{TORCH_INDEX:+--index-url "$TORCH_INDEX"}} "torch=={torch}"
# ... then the package: pip installs the dependencies pyproject.toml declares (PyTorch is already there)
"${{PIP[@]}}" "$SOURCE"

# The hidden tests and the reference solution: root only. The workers (uid 65534) need the package's
# other modules, Python, NumPy and PyTorch, which stay readable.
chmod -R go-rwx "$SOURCE"
# -I: the venv's own copy, never ./autograder (Gradescope runs this script in /autograder/source)
"$VENV/bin/python" -I -c 'import torch, autograder.cli, autograder.grade; print("autograder ready: torch", torch.__version__)'
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder. Only this grader writes results.json;
# the student's code runs in sandboxed worker processes (as uid 65534, where the grader is root).
set -uo pipefail
ROOT="${{AUTOGRADER_GRADESCOPE_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-${{AUTOGRADER_VENV:-{venv}}}/bin/python}}"
# the workers see an empty folder where the zip's files are (the reference, a copy of the suite)
export AUTOGRADER_HIDE="$ROOT/source${{AUTOGRADER_HIDE:+:$AUTOGRADER_HIDE}}"
mkdir -p "$ROOT/results"
cd "$ROOT"
rm -f "$ROOT/results/results.json"
"$PYTHON" -m autograder grade "$ROOT/submission" --results "$ROOT/results/results.json" \
    --course "$ROOT/source" --assignment {assignment}
status=$?
# a submission that loses points is not an error of the autograder: 0 once results.json is written
if [ -s "$ROOT/results/results.json" ]; then
    exit 0
fi
exit "$status"
"""

README = """This is the autograder for {title}, made by `autograder export gradescope`.
Upload this zip as the autograder of a Gradescope programming assignment (Ubuntu base image).
Students submit their notebook ({notebook}) or a .py file. Each test's points and visibility come from
the grading suite; hidden tests are shown "after published", without their inputs.
Try it on a Linux machine, as root (setup.sh locks files to root; the sandbox needs root for its user):
unzip into ROOT/source, put a submission in ROOT/submission, then
    AUTOGRADER_VENV=/tmp/autograder-venv bash ROOT/source/setup.sh
    AUTOGRADER_VENV=/tmp/autograder-venv AUTOGRADER_GRADESCOPE_ROOT=ROOT bash ROOT/source/run_autograder
(AUTOGRADER_TORCH_INDEX= takes PyTorch from pip's default index instead of PyTorch's CPU index.)
"""


def torch_version() -> str:
    try:
        return importlib.metadata.version("torch").split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        return "2.13.0"


def _package_files() -> list[tuple[Path, str]]:
    files = [(ROOT / name, name) for name in ("pyproject.toml", "README.md") if (ROOT / name).exists()]
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix in (".py", ".json", ".txt", ".toml"):
            files.append((path, rel.as_posix()))
    return files


def _assignment_files(assignment) -> list[tuple[Path, str]]:
    """The assignment's instructor folder as the image's course: what grading reads, nothing else."""
    wanted = [assignment.reference, assignment.folder / "assignment.toml",
              *(assignment.folder / name for name in assignment.files),
              *sorted(p for p in assignment.grading.rglob("*.py") if "__pycache__" not in p.parts)]
    return [(path, path.relative_to(assignment.course).as_posix()) for path in wanted]


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same files give the same zip
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    zf.writestr(info, data)


def gradescope_zip(out: Path, assignment) -> Path:
    """Write Gradescope's autograder.zip for `assignment` to `out`; returns its path."""
    with files.replacing(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        setup = SETUP_SH.format(venv=VENV, torch=torch_version(), torch_index=TORCH_INDEX)
        _add(zf, "setup.sh", setup.encode(), executable=True)
        run = RUN_AUTOGRADER.format(venv=VENV, assignment=shlex.quote(assignment.name))
        _add(zf, "run_autograder", run.encode(), executable=True)
        _add(zf, "README.txt", README.format(title=assignment.title, notebook=assignment.notebook).encode())
        for path, name in _package_files() + _assignment_files(assignment):
            _add(zf, name, path.read_bytes())
    return Path(out)

"""Packages for other grading platforms: `autograder export gradescope` writes Gradescope's autograder.zip.

Gradescope's autograder specification: a zip with `setup.sh` and `run_autograder` at its root. Gradescope
unpacks it into /autograder/source, runs setup.sh there once (as root) when it builds the image, copies
run_autograder to /autograder/run_autograder and, for each submission, runs it in /autograder with the
student's files in /autograder/submission; it reads /autograder/results/results.json.

What the zip holds and does:
- requirements.txt: the grader's run-time dependencies, pinned to the versions of this environment;
- the package (autograder/, pyproject.toml, README.md) and the reference notebook (reference/ps1/ps1.ipynb);
- setup.sh: a virtual environment in /opt/ps1-autograder with PyTorch (CPU wheel, pinned) and the
  requirements, the package installed into it; then the grading suite and /autograder/source (the
  reference) are made readable by root only, so that the sandbox, which runs each worker as an
  unprivileged user (uid 65534) when the grader is root, leaves the student no way to read them;
- run_autograder: grades /autograder/submission into /autograder/results/results.json with the sandbox.
  AUTOGRADER_GRADESCOPE_ROOT replaces /autograder (to try it locally) and AUTOGRADER_PYTHON the
  interpreter.
"""
from __future__ import annotations

import importlib.metadata
import os
import stat
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
VENV = "/opt/ps1-autograder"
# what grading one submission imports (nbgrader, nbclient and ipykernel are for the nbgrader workflow)
RUNTIME = ("numpy", "nbformat", "pytest", "rich", "tqdm", "matplotlib")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder's image.
set -euxo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
VENV="${{AUTOGRADER_VENV:-{venv}}}"

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv python3-pip
fi
umask 022  # the environment must be readable by the unprivileged user the workers run as
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --index-url https://download.pytorch.org/whl/cpu "torch=={torch}"
"$VENV/bin/python" -m pip install --quiet -r "$SOURCE/requirements.txt"
"$VENV/bin/python" -m pip install --quiet --no-deps "$SOURCE"

# The hidden tests and the reference solution: root only. The workers (uid 65534) need the package's
# other modules, Python, NumPy and PyTorch, which stay readable.
SITE="$("$VENV/bin/python" -c 'import autograder, os; print(os.path.dirname(autograder.__file__))')"
chmod -R go-rwx "$SITE/suites" "$SOURCE"
"$VENV/bin/python" -c 'import torch, numpy, autograder.batch; print("autograder ready: torch", torch.__version__)'
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder. Only this grader writes results.json;
# the student's code runs in sandboxed worker processes (as uid 65534, where the grader is root).
set -uo pipefail
ROOT="${{AUTOGRADER_GRADESCOPE_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-{venv}/bin/python}}"
export AUTOGRADER_REFERENCE="${{AUTOGRADER_REFERENCE:-$ROOT/source/reference/ps1/ps1.ipynb}}"
mkdir -p "$ROOT/results"
cd "$ROOT"
rm -f "$ROOT/results/results.json"
"$PYTHON" -m autograder grade "$ROOT/submission" --results "$ROOT/results/results.json"
status=$?
# a submission that loses points is not an error of the autograder: 0 once results.json is written
if [ -s "$ROOT/results/results.json" ]; then
    exit 0
fi
exit "$status"
"""

README = """This is the autograder for PS1 "Sigmoid & Softmax", made by `autograder export gradescope`.
Upload this zip as the autograder of a Gradescope programming assignment (Ubuntu base image).
Students submit their notebook (ps1.ipynb) or a .py file. Each test's points and visibility come from
the grading suite; hidden tests are shown "after published", without their inputs.
Try it locally: unzip into ROOT/source, put a submission in ROOT/submission, then
    AUTOGRADER_GRADESCOPE_ROOT=ROOT AUTOGRADER_PYTHON=python3 PYTHONPATH=ROOT/source bash ROOT/source/run_autograder
"""


def pinned_requirements() -> str:
    lines = []
    for name in RUNTIME:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(name)
    return "\n".join(lines) + "\n"


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
    reference = ROOT / "reference" / "ps1" / "ps1.ipynb"
    if reference.exists():
        files.append((reference, "reference/ps1/ps1.ipynb"))
    return files


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same files give the same zip
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    zf.writestr(info, data)


def gradescope_zip(out: Path) -> Path:
    """Write Gradescope's autograder.zip to `out`; returns its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        _add(zf, "setup.sh", SETUP_SH.format(venv=VENV, torch=torch_version()).encode(), executable=True)
        _add(zf, "run_autograder", RUN_AUTOGRADER.format(venv=VENV).encode(), executable=True)
        _add(zf, "requirements.txt", pinned_requirements().encode())
        _add(zf, "README.txt", README.encode())
        for path, name in _package_files():
            _add(zf, name, path.read_bytes())
    os.replace(tmp, out)
    return out

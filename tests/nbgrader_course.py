"""Helpers for tests/test_nbgrader.py: a scratch nbgrader course, student notebooks made from the
release, nbgrader's apps run as an instructor runs them, and the gradebook read through nbgrader's API."""
from __future__ import annotations

import copy
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_NB = ROOT / "reference" / "ps1" / "ps1.ipynb"
RELEASE_NB = ROOT / "assignments" / "ps1" / "ps1.ipynb"


def reference_nb(name: str = "ps1") -> Path:
    """An assignment's nbgrader source notebook (reference/NAME/NAME.ipynb): the solutions."""
    return ROOT / "reference" / name / f"{name}.ipynb"


def release_nb(name: str = "ps1") -> Path:
    return ROOT / "assignments" / name / f"{name}.ipynb"
COURSE_ID = "ps1-course"  # nbgrader_config.py
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def course_env(course: Path) -> dict:
    """nbgrader's environment for a scratch course: its workspace, SQLite, this venv's tools first on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_DB_URL"}
    env["AUTOGRADER_WORKSPACE"] = str(course)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(course: Path, *args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    """`nbgrader ARGS` as an instructor types it in the repository root (it reads nbgrader_config.py)."""
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=course_env(course),
                          capture_output=True, text=True, timeout=1200)
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def db_url(course: Path) -> str:
    return "sqlite:///" + str(course / "gradebook.db")


# ------------------------------------------------------------------ student notebooks


def validate(notebooks: dict[str, nbformat.NotebookNode], folder: Path, timeout: float = 900,
             release: Path = RELEASE_NB) -> dict[str, str]:
    """`nbgrader validate NAME.ipynb` as a student runs it in their own folder (next to the release's data
    files), on each notebook at once: {name: what it printed}. `release`: the assignment's release notebook."""
    runs = {}
    for name, nb in notebooks.items():
        path = write(nb, folder / name / release.name)
        for data in release.parent.iterdir():
            if data.is_file() and data != release:
                shutil.copy(data, path.parent)
        runs[name] = subprocess.Popen([sys.executable, "-m", "nbgrader", "validate", release.name], cwd=path.parent,
                                      env=course_env(folder / "unused"), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
    return {name: proc.communicate(timeout=timeout)[0] for name, proc in runs.items()}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cell(nb, gid: str):
    found = [c for c in nb.cells if grade_id(c) == gid]
    assert len(found) == 1, f"{gid}: {len(found)} cells"
    return found[0]


def without_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not MARKER.match(line))


def solutions(reference: nbformat.NotebookNode | None = None, name: str = "ps1") -> dict[str, str]:
    """{grade_id: the reference's answer} for every solution cell (code and written), markers removed.

    A written answer keeps the model answer and drops the mark scheme, as a student would write it.
    """
    reference = reference or read(reference_nb(name))
    out = {}
    for c in reference.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution"):
            text = re.sub(r"\n*=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\n*", "\n", c.source, flags=re.S)
            out[meta["grade_id"]] = without_markers(text).strip("\n")
    return out


def completed(reference: Path = REFERENCE_NB, release: Path = RELEASE_NB) -> nbformat.NotebookNode:
    """The release with the reference's solutions pasted into its solution cells: a correct student."""
    nb = read(release)
    answers = solutions(read(reference))
    for c in nb.cells:
        gid = grade_id(c)
        if c.metadata.get("nbgrader", {}).get("solution"):
            c.source = answers[gid]
    return nb


def stub(name: str = "ps1") -> nbformat.NotebookNode:
    return read(release_nb(name))


def with_function(nb, fn: str, source: str) -> nbformat.NotebookNode:
    """A copy of `nb` whose solution cell for `fn` holds `source` (a whole definition of fn)."""
    nb = copy.deepcopy(nb)
    cell(nb, f"solution_{fn}").source = source.strip("\n")
    return nb


def with_source(nb, gid: str, source: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    cell(nb, gid).source = source
    return nb


def without_cell(nb, gid: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if grade_id(c) != gid]
    return nb


def appended_to(nb, gid: str, code: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    target = cell(nb, gid)
    target.source = target.source + "\n" + code.strip("\n")
    return nb


# ------------------------------------------------------------------ the reference's secrets


def solution_region_lines(nb: nbformat.NotebookNode, *, min_length: int = 12) -> set[str]:
    """Every substantial line between ### BEGIN SOLUTION and ### END SOLUTION (mark schemes included)."""
    lines, inside = set(), False
    for c in nb.cells:
        for line in c.source.splitlines():
            text = line.strip()
            if "BEGIN SOLUTION" in text:
                inside = True
            elif "END SOLUTION" in text:
                inside = False
            elif inside and len(text) >= min_length and not text.startswith("#"):
                lines.add(text)
    return lines


def mark_schemes(nb: nbformat.NotebookNode) -> list[str]:
    return [m.group(1).strip() for c in nb.cells
            for m in re.finditer(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", c.source, flags=re.S)]


def page_text(path: Path) -> str:
    """The text of an HTML page as a reader sees it: tags dropped, entities decoded."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def plain(text: str) -> str:
    """Markdown and rendered HTML compared on equal terms: no emphasis marks, no list bullets, one space."""
    text = re.sub(r"(?m)^\s*[*-]\s+", "", text).replace("*", "").replace("`", "")
    return re.sub(r"\s+", " ", text)


def notebook_text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def secrets(name: str = "ps1") -> set[str]:
    """The reference's solution lines (code, model answers and mark schemes), as plain text."""
    return {plain(line).strip() for line in solution_region_lines(read(reference_nb(name)))}

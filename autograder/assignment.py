"""A course and its assignments, found on disk: the engine names no assignment, it reads them from here.

A course is a folder laid out as nbgrader's (see nbgrader_config.py): each assignment NAME has an
instructor-only folder `reference/NAME/` (the source notebook with solutions, its text form NAME.py,
assignment.toml, and the grading suite in `grading/`) and a released folder `assignments/NAME/`.
The grading suite is a package imported as ``autograder.suites.<NAME>`` (SuiteFinder), so each
assignment's modules keep their own names in one process and import each other relatively.
"""
from __future__ import annotations

import base64
import importlib.abc
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SOURCE, RELEASE = "reference", "assignments"  # nbgrader's source and release folders (nbgrader_config.py)
SETTINGS_FILE = "assignment.toml"
SUITES = "autograder.suites"


class AssignmentError(Exception):
    """No such assignment, or none could be chosen: one sentence for the user."""


@dataclass(frozen=True)
class Assignment:
    name: str
    course: Path
    title: str = ""
    notebook: str = ""  # the notebook's file name, in reference/NAME/ and assignments/NAME/
    files: tuple[str, ...] = ()  # released data files the notebook reads; each worker gets a copy
    settings: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def folder(self) -> Path:
        """Instructor-only: nbgrader's source folder for this assignment."""
        return self.course / SOURCE / self.name

    @property
    def reference(self) -> Path:
        """The nbgrader source notebook: the solutions, graded by the grader as the reference."""
        return self.folder / self.notebook

    @property
    def release(self) -> Path:
        return self.course / RELEASE / self.name / self.notebook

    @property
    def grading(self) -> Path:
        return self.folder / "grading"

    @property
    def module(self) -> str:
        return f"{SUITES}.{identifier(self.name)}"

    def hidden(self) -> list[str]:
        """What a worker must not read: every assignment's instructor folder (solutions, suites)."""
        return [str(self.course / SOURCE)]

    def worker_setup(self):
        from autograder.worker import Setup

        harness = self.grading / "harness.py"
        files = {name: base64.b64encode((self.folder / name).read_bytes()).decode("ascii") for name in self.files}
        return Setup(harness=harness.read_text() if harness.exists() else "", files=files)

    def functions(self) -> list[str]:
        """The graded functions, in the notebook's order: the reference's graded cells grade_<function>."""
        return graded_functions(self.reference)

    def imports(self) -> tuple[str, ...]:
        """The modules the reference notebook imports: a fork server imports them once for all the workers
        of a run (a notebook that trains with PyTorch: 5 s per worker otherwise), and none it does not need."""
        return notebook_imports(self.reference)

    def register(self) -> None:
        """Make ``autograder.suites.<NAME>`` import this assignment's grading folder."""
        _FINDER.assignments[identifier(self.name)] = self


def identifier(name: str) -> str:
    """An assignment's name as a module name: "ps1" stays, "hw-2" becomes "hw_2"."""
    ident = re.sub(r"\W", "_", name)
    return ident if ident.isidentifier() else f"a_{ident}"


def graded_functions(notebook: Path) -> list[str]:
    from autograder.load import LoadError, read_notebook

    try:
        nb = read_notebook(notebook)
    except LoadError:
        return []
    names = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if meta.get("grade") and gid.startswith("grade_") and float(meta.get("points") or 0) > 0:
            names.append(gid[len("grade_"):])
    return names


def notebook_imports(notebook: Path) -> tuple[str, ...]:
    """Every module a notebook's code cells import by name (`import a.b`, `from a.b import c`), in order; not
    its nbgrader test cells', which no worker runs."""
    import ast

    from autograder.load import LoadError, is_test_cell, read_notebook, strip_magics

    try:
        cells = read_notebook(notebook)["cells"]
    except LoadError:
        return ()
    found: dict[str, None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        try:
            tree = ast.parse(strip_magics(cell["source"]))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
    return tuple(found)


# ------------------------------------------------------------------ finding a course and its assignments


def is_course(folder: Path) -> bool:
    return any((folder / SOURCE).glob(f"*/{SETTINGS_FILE}"))


def find_course(start: Path | None = None) -> Path | None:
    """The course folder: `start` or the nearest folder above it that holds reference/*/assignment.toml;
    else the checkout the package runs from (an editable install)."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_course(folder):
            return folder
    return PACKAGE.parent if is_course(PACKAGE.parent) else None


def names(course: Path) -> list[str]:
    return sorted(p.parent.name for p in (course / SOURCE).glob(f"*/{SETTINGS_FILE}"))


@cache
def _read(course: Path, name: str) -> Assignment:
    settings = tomllib.loads((course / SOURCE / name / SETTINGS_FILE).read_text())
    return Assignment(name=name, course=course, title=settings.get("title", name),
                      notebook=settings.get("notebook", f"{name}.ipynb"), files=tuple(settings.get("files", ())),
                      settings=settings)


def get(name: str | None = None, course: Path | str | None = None) -> Assignment:
    """The assignment called `name` in `course` (default: find_course()); with no name, the course's only one."""
    root = Path(course).resolve() if course else find_course()
    if root is None:
        raise AssignmentError("no course found: run this in a course folder (one with reference/<name>/"
                              f"{SETTINGS_FILE}) or give --course DIR.")
    known = names(root)
    if name is None:
        if len(known) != 1:
            raise AssignmentError(f"the course at {root} has {len(known)} assignments ({', '.join(known) or 'none'}): "
                                  "say which with --assignment NAME.")
        name = known[0]
    if name not in known:
        raise AssignmentError(f"the course at {root} has no assignment {name!r}; "
                              f"it has {', '.join(known) or 'none'}.")
    found = _read(root, name)
    found.register()
    return found


def guess(submission_functions: set[str], course: Path | str | None = None) -> Assignment | None:
    """The one assignment whose graded functions the submission defines most of; None when not one."""
    root = Path(course).resolve() if course else find_course()
    if root is None:
        return None
    scores = {n: len(submission_functions & set(get(n, root).functions())) for n in names(root)}
    best = max(scores.values(), default=0)
    winners = [n for n, s in scores.items() if s == best]
    return get(winners[0], root) if best > 0 and len(winners) == 1 else None


# ------------------------------------------------------------------ importing a grading suite


class SuiteFinder(importlib.abc.MetaPathFinder):
    """Finds ``autograder.suites.<NAME>`` in that assignment's grading folder (a registered one, else
    one of the course find_course() gives). Its submodules are found through the package's __path__."""

    def __init__(self):
        self.assignments: dict[str, Assignment] = {}

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, ident = fullname.rpartition(".")
        if prefix != SUITES:
            return None
        found = self.assignments.get(ident) or self._from_course(ident)
        if found is None:
            return None
        init = found.grading / "__init__.py"
        return importlib.util.spec_from_file_location(fullname, init, submodule_search_locations=[str(found.grading)])

    def _from_course(self, ident: str) -> Assignment | None:
        course = find_course()
        for name in names(course) if course else []:
            if identifier(name) == ident:
                return get(name, course)
        return None


_FINDER = SuiteFinder()
sys.meta_path.append(_FINDER)


# ------------------------------------------------------------------ which assignment a submission is for


def for_submission(path: Path, course: Path | str | None = None) -> tuple[Assignment, str]:
    """The assignment a submission is for when none is named, and how it was chosen (for the user):
    the course's only assignment; else the one whose notebook name the file (or a file in the folder or
    zip) has; else the one whose graded functions it defines most of."""
    root = Path(course).resolve() if course else find_course()
    known = names(root) if root else []
    if len(known) <= 1:
        return get(None, root), "the course's only assignment"
    stems = _file_stems(Path(path))
    by_name = [n for n in known if Path(get(n, root).notebook).stem in stems]
    if len(by_name) == 1:
        return get(by_name[0], root), "by the notebook's name"
    found = guess(set(re.findall(r"def\s+(\w+)\s*\(", _text(Path(path)))), root)
    if found is None:
        raise AssignmentError(f"the course has {len(known)} assignments ({', '.join(known)}) and {Path(path).name} "
                              "does not say which it is for: give --assignment NAME.")
    return found, "by the functions it defines"


def _file_stems(path: Path) -> set[str]:
    """The names a submission (a file, or a class folder or zip) carries: its files' stems and its folders'
    names (nbgrader's submitted/<student>/<assignment>/)."""
    import zipfile

    if path.is_dir():
        return {p.stem for p in path.rglob("*") if p.suffix in (".ipynb", ".py") or p.is_dir()}
    if path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                return {Path(part).stem for n in zf.namelist() for part in Path(n).parts}
        except (OSError, zipfile.BadZipFile):
            return set()
    return {path.stem}


def _text(path: Path, most: int = 20) -> str:
    """The text of a submission file, or of the first `most` submission files of a folder."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".ipynb", ".py"))[:most] \
        if path.is_dir() else []
    texts = []
    for file in files:
        try:
            texts.append(file.read_text(errors="replace") if file.suffix in (".ipynb", ".py") else "")
        except OSError:
            pass
    return "\n".join(texts)

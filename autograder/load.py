"""Turn a submission on disk (.ipynb, .py, a folder or a zip holding one) into cells of Python source.

A notebook gives its code cells in order, minus nbgrader's test cells (they belong to the grader) and
IPython magics (plain Python runs the rest). Nothing here executes student code.

Given the instructor's reference notebook (``load(path, reference=...)``), a notebook is first put
right the way nbgrader's autograde does before it runs one (DeduplicateIds, then OverwriteCells,
matching cells by nbgrader grade_id): a locked cell the student edited gets the reference's source
back, a cell whose type was changed gets its type back. So the CLI grades exactly the code that
nbgrader's kernel runs, and both get the same seed. The reference's graded cells that the submission
no longer has are listed in ``Source.missing_cells``: nbgrader scores them 0.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder import archive

MAX_ZIP_BYTES = 200 << 20  # what a zip may unpack to
MAX_ZIP_FILES = 10_000  # and how many entries it may hold (a notebook, its data, a few folders)


class LoadError(Exception):
    """The path cannot be read as a submission; the message says why, for a student."""


@dataclass
class Source:
    path: Path
    kind: str  # "notebook" or "python"
    cells: list[tuple[str, str]]  # (label, source), in execution order
    # graded cells of the reference that the notebook lacks: {grade_id: the functions it grades}
    missing_cells: dict[str, list[str]] = field(default_factory=dict)
    text: str | None = None  # a .py file's whole text: run as cells (python_cells), hashed as one

    @property
    def missing_functions(self) -> dict[str, str]:
        """{function: the grade_id of its deleted graded cell}: nbgrader gives these no points."""
        return {fn: gid for gid, fns in self.missing_cells.items() for fn in fns}

    @property
    def digest(self) -> str:
        """A hash of the code that is graded, cell by cell: not of the file's name, the cells' labels,
        outputs or metadata, line endings or blank space at the end of a cell. So a file gets the same
        seed alone, in a class folder (renamed), in nbgrader and on Gradescope; a .py file is one cell,
        the same as a notebook holding that code in one cell (code split over several cells is other
        code to run: a cell that fails costs only itself)."""
        code = [self.text] if self.text is not None else [source for _, source in self.cells]
        return hashlib.sha256(json.dumps([code_text(c) for c in code]).encode()).hexdigest()

    @property
    def seed(self) -> int:
        return int(self.digest[:8], 16) % (2**31)


def code_text(source: str) -> str:
    """A cell's code as the digest sees it: Unix line endings and no blank space at the end of the cell
    (a .py file ends with a newline, a notebook cell does not; neither changes what Python runs)."""
    return source.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _nb(cell) -> dict:
    """A cell's nbgrader metadata ({} when it has none, or something that is not a mapping)."""
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell) -> bool:
    """An nbgrader 'autograder tests' cell: graded, but not written by the student."""
    meta = _nb(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def is_locked(cell) -> bool:
    """nbgrader's rule (utils.is_locked): autograde restores a locked cell's source from the reference."""
    meta = _nb(cell)
    if meta.get("solution"):
        return False
    return bool(meta.get("grade") or meta.get("locked"))


GRADED_CALL = re.compile(r"""grade_cell\(\s*["'](\w+)["']""")


def restore_cells(nb, reference) -> dict[str, list[str]]:
    """Put a submitted notebook right in place as nbgrader's autograde does; returns the missing graded cells.

    DeduplicateIds: of several nbgrader cells with one grade_id the last keeps it, the others become
    ordinary cells. OverwriteCells: a cell whose grade_id the reference lacks becomes ordinary (nbgrader
    would drop the id, then refuse the whole notebook as corrupted); a known cell gets the
    reference's cell type and locked flag, and a locked one the reference's source. The missing
    cells are the reference's autograded test cells (points > 0) that no graded cell of `nb` carries.
    """
    seen: set[str] = set()
    for cell in reversed(nb["cells"]):
        meta = _nb(cell)
        if not (meta.get("grade") or meta.get("solution") or is_locked(cell)):
            continue
        gid = meta.get("grade_id")
        if gid in seen:
            cell.setdefault("metadata", {})["nbgrader"] = {}
        else:
            seen.add(gid)
    known = {_nb(c)["grade_id"]: c for c in reference["cells"] if _nb(c).get("grade_id")}
    present = set()
    for cell in nb["cells"]:
        meta = _nb(cell)
        gid = meta.get("grade_id")
        if gid is None:
            continue
        if gid not in known:  # nbgrader drops the id, then refuses the notebook as corrupted;
            cell.setdefault("metadata", {})["nbgrader"] = {}  # here the cell is graded as the student's own code
            continue
        ref = known[gid]
        if cell.get("cell_type") != ref.get("cell_type"):
            cell["cell_type"] = ref.get("cell_type")
        meta["locked"] = is_locked(ref)
        if is_locked(ref):
            cell["source"] = ref["source"]
        if meta.get("grade"):  # nbgrader saves a score only for a cell still marked as graded
            present.add(gid)
    return {gid: GRADED_CALL.findall(ref["source"]) for gid, ref in known.items()
            if gid not in present and is_test_cell(ref) and float(_nb(ref).get("points") or 0) > 0}


def strip_magics(source: str) -> str:
    """Drop IPython-only lines (%magic, !shell); a %%cell magic makes the whole cell non-Python.

    A removed line becomes `pass` at the same indent, so the block around it stays valid Python.
    """
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return ""
    out = []
    for line in lines:
        code = line.lstrip()
        if code.startswith(("%", "!")):
            line = line[: len(line) - len(code)] + "pass  # IPython line removed"
        out.append(line)
    return "\n".join(out)


def read_notebook(path: Path) -> dict:
    """A notebook file as plain JSON data, each cell's source one string (as nbformat.read gives it).

    Read with json, not nbformat: importing nbformat imports jsonschema, which with Jupyter installed
    compiles dozens of grammars (rfc3987_syntax), 2 s of every class run's start-up and of each job's.
    Grading reads only cells, their types, sources and nbgrader metadata, and nbgrader itself autogrades
    nothing but format 4."""
    try:
        nb = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:  # ValueError: broken JSON or bytes that are not UTF-8
        raise LoadError(f"{path.name} is not a readable Jupyter notebook ({type(exc).__name__}: {exc}).") from None
    if not isinstance(nb, dict):
        raise LoadError(f"{path.name} is not a readable Jupyter notebook (its JSON is not an object).")
    if nb.get("nbformat") != 4:
        raise LoadError(f"{path.name} is not in Jupyter's notebook format 4 (it says {nb.get('nbformat')!r}): "
                        "open it in Jupyter and save it again.")
    cells = nb.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise LoadError(f"{path.name} is not a readable Jupyter notebook (it has no list of cells).")
    for cell in cells:
        source = cell.get("source", "")
        cell["source"] = "".join(map(str, source)) if isinstance(source, list) else str(source)
    return nb


@functools.lru_cache(maxsize=4)
def _read_reference(path: str, mtime_ns: int, size: int) -> dict:
    """The reference notebook, read once per version of the file (restore_cells never changes it)."""
    return read_notebook(Path(path))


def notebook_cells(path: Path, reference: Path | None = None) -> list[tuple[str, str]]:
    return _notebook(path, reference)[0]


def _notebook(path: Path, reference: Path | None) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    nb = read_notebook(path)
    missing = {}
    if reference is not None:
        stat = reference.stat()
        try:
            missing = restore_cells(nb, _read_reference(str(reference), stat.st_mtime_ns, stat.st_size))
        except (TypeError, AttributeError, ValueError) as exc:  # metadata the student's editor mangled
            raise LoadError(f"{path.name} has malformed nbgrader cell metadata ({type(exc).__name__}: {exc}); "
                            "start again from the released notebook and paste your code into it.") from None
    sources = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        source = strip_magics(cell.get("source", ""))
        if source.strip():
            sources.append(source)
    return list(zip(cell_labels(sources), sources)), missing


TOP_LEVEL_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)", re.MULTILINE)
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def cell_labels(sources: list[str]) -> list[str]:
    """Names a student finds the cells by: "the cell that defines softmax" (Jupyter numbers no cells, and
    counting them would count markdown), else "the cell that begins `x = 1`"; "the second cell that
    defines softmax" when an earlier cell has the same name."""
    seen: dict[str, int] = {}
    labels = []
    for source in sources:
        what = _cell_name(source)
        seen[what] = k = seen.get(what, 0) + 1
        labels.append(f"the {what}" if k == 1 else f"the {ORDINALS.get(k, f'{k}th')} {what}")
    return labels


def _cell_name(source: str) -> str:
    # a regular expression, not the parser: a cell with a syntax error is named too
    names = TOP_LEVEL_DEF.findall(source)
    public = [n for n in names if not n.startswith("_")] or names
    if public:
        return "cell that defines " + ", ".join(public[:3]) + (", ..." if len(public) > 3 else "")
    first = next(line.strip() for line in source.splitlines() if line.strip())
    return f"cell that begins `{first[:40]}{' ...' if len(first) > 40 else ''}`"


DEFINITION_LINE = re.compile(r"(async\s+def|def|class)\b")


def _definition_starts(text: str) -> list[int]:
    """The 1-based lines where a top-level def or class begins (its decorators included).

    From the syntax tree when the file parses; otherwise (a syntax error somewhere) from the lines that
    start at column 0 with def, class or a decorator, so that one broken definition is cut off from
    the others."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        starts, decorated = [], False
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("@"):
                if not decorated:
                    starts.append(number)
                decorated = True
            elif DEFINITION_LINE.match(line):
                if not decorated:
                    starts.append(number)
                decorated = False
            elif line.strip() and not line.startswith("#"):
                decorated = False
        return starts
    return [min([node.lineno] + [d.lineno for d in node.decorator_list]) for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def python_cells(name: str, text: str) -> list[tuple[str, str]]:
    """A .py file as cells: one per top-level definition (with the statements that follow it), the
    statements before the first one as a cell of their own. Run in order in one namespace, they do what
    the file does, except that a definition that fails to compile or run costs only itself, as a broken
    notebook cell does. Each cell is padded with blank lines so its line numbers are the file's.
    A file with a ``from __future__`` import stays whole (the import must hold for all of it)."""
    starts = _definition_starts(text)
    if not starts or re.search(r"^\s*from\s+__future__\s+import", text, flags=re.M):
        return [(name, text)]
    lines = text.splitlines(keepends=True)
    bounds = ([1] if starts[0] > 1 else []) + starts + [len(lines) + 1]
    cells = []
    for begin, end in zip(bounds, bounds[1:]):
        chunk = "".join(lines[begin - 1:end - 1])
        if chunk.strip():
            cells.append((name, "\n" * (begin - 1) + chunk))
    return cells


def _pick(folder: Path, name_hint: str | None) -> Path:
    """The one notebook (or else the one .py file) in a folder."""
    def candidates(pattern: str) -> list[Path]:
        return sorted(p for p in folder.rglob(pattern)
                      if ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts
                      and not any(part.startswith(".") for part in p.relative_to(folder).parts))

    for pattern in ("*.ipynb", "*.py"):
        found = candidates(pattern)
        if name_hint:
            preferred = [p for p in found if p.stem == name_hint]
            if len(preferred) == 1:
                return preferred[0]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(p.relative_to(folder).as_posix() for p in found[:5])
            raise LoadError(f"found {len(found)} {pattern[1:]} files in {folder.name} ({names}); expected one.")
    raise LoadError(f"{folder.name} holds no notebook (.ipynb) and no Python file (.py).")


def unzip(path: Path, into: Path) -> Path:
    """One student's zip, unpacked within archive.py's checks."""
    try:
        return archive.unzip(path, into, max_bytes=MAX_ZIP_BYTES, max_files=MAX_ZIP_FILES)
    except archive.ArchiveError as exc:
        raise LoadError(str(exc)) from None


def load(path: str | Path, *, name_hint: str | None = None, workdir: Path | None = None,
         reference: str | Path | None = None) -> Source:
    """Read a submission; raises LoadError with a sentence for the student when it cannot.

    `reference`: the instructor's nbgrader source notebook; a notebook submission is then put right
    against it as nbgrader's autograde does (see restore_cells). Ignored for a .py submission.
    `name_hint`: in a folder or zip, prefer the file of this name (default: the reference's).
    """
    path = Path(path)
    if name_hint is None and reference is not None:
        name_hint = Path(reference).stem
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.suffix == ".zip":
        if workdir is None:
            raise LoadError("a zip submission needs a working folder to unpack into.")
        path = _pick(unzip(path, workdir), name_hint)
    elif path.is_dir():
        path = _pick(path, name_hint)
    if path.suffix == ".ipynb":
        cells, missing = _notebook(path, Path(reference) if reference is not None else None)
        return Source(path, "notebook", cells, missing)
    if path.suffix == ".py":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise LoadError(f"{path.name} is not UTF-8 text.") from None
        return Source(path, "python", python_cells(path.name, text), text=text)
    raise LoadError(f"{path.name} is neither a notebook (.ipynb) nor a Python file (.py).")

"""Turn a submission on disk (.ipynb, .py, a folder or a zip holding one) into cells of Python source.

A notebook gives its code cells in order, minus nbgrader's test cells (they belong to the grader) and
IPython magics (plain Python runs the rest). Nothing here executes student code.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_ZIP_BYTES = 200 << 20  # what a zip may unpack to


class LoadError(Exception):
    """The path cannot be read as a submission; the message says why, for a student."""


@dataclass
class Source:
    path: Path
    kind: str  # "notebook" or "python"
    cells: list[tuple[str, str]]  # (label, source), in execution order

    @property
    def digest(self) -> str:
        """A hash of the code that is graded (not of outputs or metadata)."""
        return hashlib.sha256(json.dumps(self.cells).encode()).hexdigest()

    @property
    def seed(self) -> int:
        return int(self.digest[:8], 16) % (2**31)


def is_test_cell(cell) -> bool:
    """An nbgrader 'autograder tests' cell: graded, but not written by the student."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


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


def notebook_cells(path: Path) -> list[tuple[str, str]]:
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several types for broken JSON or schema
        raise LoadError(f"{path.name} is not a readable Jupyter notebook ({type(exc).__name__}: {exc}).") from None
    cells = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        source = strip_magics(cell.get("source", ""))
        if source.strip():
            cells.append((f"cell {index}", source))
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
    """Extract a zip safely (no paths outside `into`, bounded size)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_ZIP_BYTES:
                raise LoadError(f"{path.name} unpacks to {total >> 20} MiB; the limit is {MAX_ZIP_BYTES >> 20} MiB.")
            for info in zf.infolist():
                target = (into / info.filename).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise LoadError(f"{path.name} contains a path outside the archive: {info.filename}.")
            zf.extractall(into)
    except zipfile.BadZipFile:
        raise LoadError(f"{path.name} is not a valid zip file.") from None
    return into


def load(path: str | Path, *, name_hint: str | None = "ps1", workdir: Path | None = None) -> Source:
    """Read a submission; raises LoadError with a sentence for the student when it cannot."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.suffix == ".zip":
        if workdir is None:
            raise LoadError("a zip submission needs a working folder to unpack into.")
        path = _pick(unzip(path, workdir), name_hint)
    elif path.is_dir():
        path = _pick(path, name_hint)
    if path.suffix == ".ipynb":
        return Source(path, "notebook", notebook_cells(path))
    if path.suffix == ".py":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise LoadError(f"{path.name} is not UTF-8 text.") from None
        return Source(path, "python", [(path.name, text)])
    raise LoadError(f"{path.name} is neither a notebook (.ipynb) nor a Python file (.py).")

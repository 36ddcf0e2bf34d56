"""`autograder new NAME`: a new assignment (and, when the folder is not one yet, a new course) from templates.

The assignment is one function, `relu`, with everything a real assignment has: the authoring notebook
(reference/NAME/NAME.py) with a solution, a visible check, a graded cell and a written answer; its settings;
a grading suite with an oracle, one visible and one hidden test; a sample mistake for `autograder demo`.
It releases with nbgrader and grades full marks (the reference) and 0 (the release) as it is, so the
instructor starts from something that works and changes it one step at a time (docs/authoring.md).

The templates are package data (autograder/templates/): `__NAME__` and `__TITLE__` in them are replaced.
A new course gets the project's nbgrader_config.py (one file for all of a course's assignments).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from autograder import assignment as assignments

TEMPLATES = Path(__file__).resolve().parent / "templates"
NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
SUFFIX = ".tmpl"  # templates are not Python to tools (linters, pytest, the Gradescope zip's package files)


class ScaffoldError(Exception):
    """The assignment cannot be made: one sentence for the instructor."""


def check_name(name: str, course: Path) -> None:
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"{name!r} is not a valid assignment name: use lowercase letters, digits, _ and -, "
                            "starting with a letter (e.g. hw2), at most 40 characters.")
    for folder in (assignments.SOURCE, assignments.RELEASE):
        if (course / folder / name).exists():
            raise ScaffoldError(f"{course / folder / name} already exists: choose another name "
                                "(an assignment is never overwritten).")


def course_for(course: str | Path | None) -> Path:
    """--course DIR (made a course if it is not one yet); else the course at or above this folder."""
    if course is not None:
        return Path(course).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").exists() and (folder / assignments.SOURCE).is_dir():
            return folder
    raise ScaffoldError("this folder is not in a course (no nbgrader_config.py with a reference/ folder beside it, "
                        "here or above): give --course DIR, which is created if it does not exist.")


def _render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _write_tree(source: Path, target: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for template in sorted(source.rglob(f"*{SUFFIX}")):
        rel = template.relative_to(source).as_posix()[:-len(SUFFIX)].replace("NAME", values["__NAME__"])
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(template, values))
        written.append(path)
    return written


def make_course(course: Path) -> list[Path]:
    """The folders and files a course needs that `course` lacks (an existing nbgrader_config.py is kept)."""
    made = []
    for folder in (assignments.SOURCE, assignments.RELEASE):
        if not (course / folder).is_dir():
            (course / folder).mkdir(parents=True)
            made.append(course / folder)
    for name in ("nbgrader_config.py", ".gitignore"):
        path = course / name
        if not path.exists():
            template = TEMPLATES / "course" / (name.lstrip(".") + SUFFIX)
            shutil.copyfile(template, path)  # follows the template's link to the project's own config
            made.append(path)
    return made


def title_text(title: str) -> str:
    """The title as it goes into the notebook's heading and a TOML string: one line, no quote to escape."""
    if any(c in title for c in '"\\\n\r'):
        raise ScaffoldError("--title cannot hold a double quote, a backslash or a line break.")
    return title


def new(name: str, course: str | Path | None = None, title: str | None = None) -> tuple[assignments.Assignment,
                                                                                       list[Path]]:
    """Write the assignment NAME into the course (made when missing); returns it and the files made.
    The notebook NAME.ipynb is not built here (see cli.cmd_new)."""
    root = course_for(course)
    check_name(name, root)
    values = {"__NAME__": name, "__TITLE__": title_text(title or name)}
    made = make_course(root)
    made += _write_tree(TEMPLATES / "assignment", root / assignments.SOURCE / name, values)
    return assignments.get(name, root), made

"""Find every student's submission in what an instructor hands over, and say why for anything not graded.

Inputs: a folder with one submission per student (a notebook, a .py file, a zip or a sub-folder each;
LMS names such as Canvas's `login_LATE_123_456_hw1.ipynb` or Moodle's `Name_123_assignsubmission_file_`
give the student's id), nbgrader's `submitted/<student>/<assignment>/` tree (or the course folder above
it), a Gradescope "Export Submissions" folder, or a zip of any of these, as an LMS bulk download gives it.

Each entry of a folder is judged on its own: a student folder holding `<assignment>/` is read the nbgrader
way (with its timestamp.txt), the others as they are, side by side. Ids are kept as given (NFC); each gets a
results folder name that is safe on disk (`folder_name`). What is not graded is returned as `NotGraded`
with the reason; what was decided for the instructor (a re-upload, two submissions under one id) as a
warning. Nothing is dropped without a word.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import archive

SUBMISSION_SUFFIXES = (".ipynb", ".py", ".zip")
CLASS_FILES = {"grades.csv", "junit.xml", "summary.png", "nbgrader_grades.csv"}
IGNORED = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}
METADATA = {"submission_metadata.yml", "timestamp.txt"}  # read, not graded
MAX_BULK_BYTES = 4 << 30  # what a bulk download may unpack to
MAX_BULK_FILES = 200_000  # and how many entries it may hold (a class of 1,000, each with a folder of files)


class BatchError(Exception):
    """The batch cannot run as asked (bad input, a folder in use, a shard missing); the message says why."""


@dataclass
class Entry:
    """One student's submission, as found in the inputs."""

    student: str  # the id as given, NFC
    path: Path  # what grade() reads: a file or a folder
    label: str  # where it came from, for people ("bulk.zip:alice/hw1.ipynb")
    nbgrader: dict = field(default_factory=dict)  # {"assignment", "timestamp"} for a submitted/ tree
    digest: str = ""
    folder: str = ""  # its results folder under OUT (folder_name), set by discover()
    timestamp: str = ""  # when it was submitted, UTC as nbgrader writes it ('' unknown)
    flagged_late: bool = False  # the LMS marked it late (Canvas's _LATE_)

    def __post_init__(self):
        self.folder = self.folder or folder_name(self.student)


@dataclass
class NotGraded:
    """Something in the inputs that is not graded, and why."""

    label: str
    status: str  # "no notebook", "not a submission"
    reason: str
    student: str = ""  # when it belongs to a student (a folder without a notebook)


@dataclass
class Found:
    entries: list[Entry]
    not_graded: list[NotGraded] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ names

_CANVAS = re.compile(r"^(?P<login>(?:[^\W_]|-)+?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_?$")
_BLACKBOARD = re.compile(r"^.+?_(?P<user>[^_]+)_attempt_\d{4}(?:-\d{2}){5}(?:_(?P<file>.+))?$")
_COPY = re.compile(r"^(?P<base>.+?) \((?P<n>\d+)\)$")  # a browser's "alice (1).ipynb"
_LMS_COPY = re.compile(r"^(?P<base>.+?)-(?P<n>\d+)$")  # Canvas's re-upload "hw1-1.ipynb"


def nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip())


@dataclass
class Name:
    """What a file or folder name says: whose it is, which file, which upload, flagged late."""

    student: str
    inner: str | None = None  # the file's own name inside an LMS name
    upload: int = 0  # 0 the first, n for "(n)" or "-n"
    late: bool = False


def student_of(name: str, is_dir: bool) -> Name:
    """Read a file or folder name the way the LMS that made it meant it."""
    name = nfc(name)
    if is_dir:
        m = _MOODLE.match(name)
        return Name(f"{m['name']}_{m['id']}" if m else name)
    stem, suffix = Path(name).stem, Path(name).suffix
    m = _CANVAS.match(name)
    if m:
        inner = Path(m["file"])
        copy = _LMS_COPY.match(inner.stem)
        return Name(m["login"], (copy["base"] if copy else inner.stem) + inner.suffix,
                    int(copy["n"]) if copy else 0, bool(m["late"]))
    m = _BLACKBOARD.match(stem)
    if m:
        return Name(m["user"], (m["file"] + suffix) if m["file"] else None)
    copy = _COPY.match(stem)
    if copy:
        return Name(copy["base"], None, int(copy["n"]))
    return Name(stem)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def folder_name(student: str) -> str:
    """The results folder of a student: the id itself when it is a safe file name (any script, NFC),
    else a cleaned form with a short hash of the id, so two ids never share one."""
    ok = (student and not _UNSAFE.search(student) and student[0] not in ".-~ " and student[-1] not in ". "
          and len(student.encode()) <= 120 and student not in CLASS_FILES
          and all(unicodedata.category(ch)[0] != "C" for ch in student))
    if ok:
        return student
    cleaned = _UNSAFE.sub("_", "".join(ch for ch in student if unicodedata.category(ch)[0] != "C"))
    cleaned = cleaned.strip(" .-~")[:60] or "student"
    return f"{cleaned}~{hashlib.sha256(student.encode()).hexdigest()[:8]}"


# ------------------------------------------------------------------ reading inputs


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and path.name not in IGNORED


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _visible(p))


def _holds_submission(folder: Path) -> bool:
    return any(p.is_file() and p.suffix in SUBMISSION_SUFFIXES
               and not any(part.startswith(".") or part in IGNORED for part in p.relative_to(folder).parts)
               for p in folder.rglob("*"))


def _unwrap(folder: Path, assignment: str) -> Path:
    """Go down through folders that hold nothing but one folder (a bulk download's wrapper); not into
    nbgrader's submitted/ nor into a lone student's folder holding the assignment's."""
    while True:
        kids = _children(folder)
        if (len(kids) == 1 and kids[0].is_dir() and kids[0].name != "submitted"
                and not (kids[0] / assignment).is_dir()):
            folder = kids[0]
        else:
            return folder


def nbgrader_timestamp(folder: Path) -> str:
    """The submission time as nbgrader's gradebook stores and exports it (UTC, str(datetime))."""
    path = folder / "timestamp.txt"
    if not path.is_file():
        return ""
    text = path.read_text(errors="replace").strip()
    try:
        from autograder.late import parse_time

        return str(parse_time(text))
    except Exception:  # an odd timestamp: kept as written, and it gives no lateness
        return text


def _gradescope_names(folder: Path) -> dict[str, str]:
    """submission_<id> -> the submitter's sid, email or name, from a Gradescope export's metadata."""
    meta = folder / "submission_metadata.yml"
    if not meta.is_file():
        return {}
    try:
        import yaml

        data = yaml.safe_load(meta.read_text())
    except Exception:
        return {}
    names = {}
    for key, info in (data or {}).items():
        if not isinstance(info, dict):
            continue
        people = info.get(":submitters") or info.get("submitters") or []
        if people and isinstance(people[0], dict):
            who = people[0]
            ident = (who.get(":sid") or who.get("sid") or who.get(":email") or who.get("email")
                     or who.get(":name") or who.get("name"))
            if ident:
                names[str(key)] = nfc(str(ident).split("@")[0])
    return names


def _is_bulk_zip(path: Path) -> bool:
    """A zip of many submissions (not one student's zipped notebook)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not any(part in IGNORED or part.startswith(".")
                                                         for part in Path(n).parts)]
    except zipfile.BadZipFile:
        return False
    if any(Path(n).name == "submission_metadata.yml" for n in names):
        return True
    notebooks = [n for n in names if n.endswith(".ipynb")]
    inner_zips = [n for n in names if n.endswith(".zip")]
    pythons = [n for n in names if n.endswith(".py")]
    return len(notebooks) > 1 or bool(inner_zips) or (not notebooks and len(pythons) > 1)


def _extract(path: Path, into: Path) -> Path:
    """A bulk download, unpacked within archive.py's checks (each file keeps its time in the zip)."""
    try:
        return archive.unzip(path, into, max_bytes=MAX_BULK_BYTES, max_files=MAX_BULK_FILES)
    except archive.ArchiveError as exc:
        raise BatchError(str(exc)) from None


# ------------------------------------------------------------------ discovery


def discover(paths: list[str | Path], scratch: Path, assignment: str) -> Found:
    """Every student's submission in `paths`, sorted by id, each with its results folder; and the rest."""
    found = Found([])
    for n, raw in enumerate(paths):
        path = Path(raw)
        if not path.exists():
            raise BatchError(f"no such file or folder: {path}")
        if path.is_file() and path.suffix == ".zip" and _is_bulk_zip(path):
            unpacked = _extract(path, scratch / f"input-{n}")
            part = _discover_folder(_unwrap(unpacked, assignment), scratch / f"grouped-{n}", assignment)
            for item in [*part.entries, *part.not_graded]:
                where = Path(item.label)
                inner = where.relative_to(unpacked).as_posix() if where.is_relative_to(unpacked) else where.name
                item.label = f"{path.name}:{inner}"
            _extend(found, part)
        elif path.is_file():
            if path.suffix not in SUBMISSION_SUFFIXES:
                raise BatchError(f"{path} is not a submission: give a notebook (.ipynb), a .py file, a zip "
                                 "or a folder of them.")
            name = student_of(path.name, False)
            found.entries.append(Entry(name.student, path, str(path), flagged_late=name.late))
        else:
            _extend(found, _discover_folder(path, scratch / f"grouped-{n}", assignment))
    if not found.entries:
        where = ", ".join(map(str, paths))
        why = "; ".join(f"{g.label}: {g.reason}" for g in found.not_graded[:5])
        raise BatchError(f"found no submission to grade in {where}" + (f" ({why})." if why else " (it is empty)."))
    _tell_apart(found)
    _assign_folders(found.entries)
    found.entries.sort(key=lambda e: e.student)
    return found


def _extend(found: Found, part: Found) -> None:
    found.entries += part.entries
    found.not_graded += part.not_graded
    found.warnings += part.warnings


def _discover_folder(folder: Path, grouped: Path, assignment: str) -> Found:
    if (folder / "submitted").is_dir():  # an nbgrader course folder: its submissions are in submitted/
        folder = folder / "submitted"
    gradescope = _gradescope_names(folder)
    found = Found([])
    files: dict[str, list[tuple[Path, Name]]] = {}
    for p in _children(folder):
        if p.is_dir():
            found.entries += _student_folder(p, gradescope, assignment, found)
        elif p.suffix in SUBMISSION_SUFFIXES:
            name = student_of(p.name, False)
            files.setdefault(name.student, []).append((p, name))
        elif p.name not in METADATA:
            found.not_graded.append(NotGraded(str(p), "not a submission",
                                              "is not a notebook (.ipynb), .py file or zip"))
    for student, group in sorted(files.items()):
        found.entries += _student_files(student, group, grouped, found)
    return found


def _student_folder(p: Path, gradescope: dict, assignment: str, found: Found) -> list[Entry]:
    if (p / assignment).is_dir():  # nbgrader's submitted/<student>/<assignment>/
        sub = p / assignment
        if not _holds_submission(sub):
            found.not_graded.append(NotGraded(str(sub), "no notebook", "holds no notebook (.ipynb)", nfc(p.name)))
            return []
        stamp = nbgrader_timestamp(sub)
        return [Entry(nfc(p.name), sub, str(sub), nbgrader={"assignment": assignment, "timestamp": stamp},
                      timestamp=stamp)]
    student = gradescope.get(p.name) or student_of(p.name, True).student
    if not _holds_submission(p):
        found.not_graded.append(NotGraded(str(p), "no notebook",
                                          "holds no notebook (.ipynb), .py file or zip", student))
        return []
    return [Entry(student, p, str(p), timestamp=nbgrader_timestamp(p))]


def _student_files(student: str, group: list[tuple[Path, Name]], grouped: Path, found: Found) -> list[Entry]:
    """One student's files in a folder: re-uploads of one file give the newest; an LMS's several files
    are put back together in one folder; two files that are neither are two entries (told apart later)."""
    by_file: dict[str, list[tuple[Path, Name]]] = {}
    for p, name in group:
        by_file.setdefault(name.inner or f"{name.student}{p.suffix}", []).append((p, name))
    kept: list[tuple[Path, Name]] = []
    for uploads in by_file.values():
        newest = max(uploads, key=lambda u: (u[0].stat().st_mtime, u[1].upload))
        if len(uploads) > 1:
            others = ", ".join(p.name for p, _ in uploads if p is not newest[0])
            found.warnings.append(f"{student}: {len(uploads)} uploads of one file; graded the newest, "
                                  f"{newest[0].name} (not {others}).")
        kept.append(newest)
    late = any(name.late for _, name in kept)
    if len(kept) > 1 and all(name.inner for _, name in kept):
        target = grouped / folder_name(student)
        target.mkdir(parents=True, exist_ok=True)
        for p, name in kept:
            shutil.copy2(p, target / name.inner)
        return [Entry(student, target, ", ".join(str(p) for p, _ in kept), flagged_late=late)]
    return [Entry(student, p, str(p), flagged_late=name.late) for p, name in kept]


def _tell_apart(found: Found) -> None:
    """Two submissions under one id are both graded, the second as `id#2`, with a warning naming both."""
    by_student: dict[str, list[Entry]] = {}
    for e in sorted(found.entries, key=lambda e: (e.student, e.label)):
        by_student.setdefault(e.student, []).append(e)
    taken = set(by_student)
    for student, same in by_student.items():
        if len(same) < 2:
            continue
        names = [student]
        for i, e in enumerate(same[1:], start=2):
            while f"{student}#{i}" in taken:
                i += 1
            e.student = f"{student}#{i}"
            taken.add(e.student)
            names.append(e.student)
        listed = "; ".join(f"{e.label} as {e.student}" for e in same)
        found.warnings.append(f"{len(same)} submissions have the student id {student}: graded {listed}. "
                              "Check which is theirs.")


def _assign_folders(entries: list[Entry]) -> None:
    """A results folder per student, distinct even on a file system that ignores case or normalisation."""
    used: set[str] = set()
    for e in sorted(entries, key=lambda e: e.student):
        name = folder_name(e.student)
        if unicodedata.normalize("NFD", name).casefold() in used:
            name = f"{name[:60]}~{hashlib.sha256(e.student.encode()).hexdigest()[:8]}"
        used.add(unicodedata.normalize("NFD", name).casefold())
        e.folder = name


# ------------------------------------------------------------------ shards


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """'K/N' (1 <= K <= N) -> (K, N)."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise BatchError(f"--shard must be K/N with 1 <= K <= N (for example 2/4), not {text!r}.")
    return int(m[1]), int(m[2])


def select_shard(entries: list[Entry], shard: tuple[int, int] | None) -> list[Entry]:
    """The K-th of N deterministic slices: every N-th student of the list sorted by id, from the K-th."""
    if shard is None:
        return entries
    k, n = shard
    return [e for i, e in enumerate(sorted(entries, key=lambda e: e.student)) if i % n == k - 1]

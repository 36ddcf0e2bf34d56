"""Grade a whole class: many submissions in parallel, resumable, with the class's outputs.

`grade_many(paths, out_dir, jobs, shard)` finds one submission per student in each path, skips the ones
already graded with the same code and the same grader, grades the rest in `jobs` processes that share one
fork server (pool.py), and writes, per student, `DIR/<student>/results.json` (Gradescope's format) and
`feedback.md`; then the class's `grades.csv`, `junit.xml`, `summary.png` (and `nbgrader_grades.csv` for
an nbgrader tree), and a summary on the terminal.

Inputs: a folder with one submission per student (a notebook, a .py file, a zip or a sub-folder each;
LMS names such as Canvas's `login_LATE_123_456_ps1.ipynb` or Moodle's `Name_123_assignsubmission_file_`
give the student's id), nbgrader's `submitted/<student>/<assignment>/` tree (or the course folder above
it), a Gradescope "Export Submissions" folder, or a zip of any of these, as an LMS bulk download gives it.

Resumable and safe: each student's results.json is written atomically and last, and records the hash of
the code graded (load(...).digest) and of the grader (its version, grading suite and reference). A run
killed at any moment (even with SIGKILL) has lost at most the submissions being graded at that moment;
a re-run grades exactly the ones without a matching results.json. A lock on DIR, held until every
process of a run has exited, keeps two runs (or a killed run's last processes) from grading into the
same folder at once. `.events.log` in DIR records one line per submission graded.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograder import __version__

SUBMISSION_SUFFIXES = (".ipynb", ".py", ".zip")
CLASS_FILES = {"grades.csv", "junit.xml", "summary.png", "nbgrader_grades.csv"}
EVENTS = ".events.log"
BATCH_LOG = ".batch.log"
MAX_BULK_BYTES = 4 << 30  # what a bulk download may unpack to
IGNORED = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}


class BatchError(Exception):
    """The batch cannot run as asked (bad input layout, a folder in use); the message says why."""


@dataclass
class Entry:
    """One student's submission, as found in the inputs."""

    student: str
    path: Path  # what grade() reads: a file or a folder
    label: str  # where it came from, for people ("bulk.zip:alice/ps1.ipynb")
    nbgrader: dict = field(default_factory=dict)  # {"assignment", "timestamp"} for a submitted/ tree
    digest: str = ""


@dataclass
class BatchResult:
    out_dir: Path
    entries: list[Entry]  # the submissions of this run (after sharding)
    graded: list[str] = field(default_factory=list)  # graded by this run
    skipped: list[str] = field(default_factory=list)  # already graded, unchanged
    failed: dict[str, str] = field(default_factory=dict)  # student -> why the grader could not grade it
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    pool: str = ""  # "fork server" or "new interpreters"
    class_results: list = field(default_factory=list)  # class_report.Graded for every graded entry
    run: str = ""  # this run's id, as recorded in results.json and .events.log

    @property
    def ok(self) -> bool:
        return not self.failed


# ------------------------------------------------------------------ finding submissions

_CANVAS = re.compile(r"^(?P<login>[A-Za-z0-9-]+?)(?:_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_?$")
_BLACKBOARD = re.compile(r"^.+?_(?P<user>[^_]+)_attempt_\d{4}(?:-\d{2}){5}(?:_(?P<file>.+))?$")


def safe_id(name: str) -> str:
    """A student id usable as a folder name and a CSV cell: letters, digits and . _ @ + - only, and not
    starting with one a spreadsheet would read as the start of a formula."""
    cleaned = re.sub(r"[^A-Za-z0-9._@+-]+", "_", name.strip()).strip("._-+@")
    return cleaned or "student"


def student_of(name: str, is_dir: bool) -> tuple[str, str | None]:
    """(student id, the file's own name inside an LMS name or None) from a file or folder name."""
    stem = name if is_dir else Path(name).stem
    if is_dir:
        m = _MOODLE.match(name)
        if m:
            return safe_id(f"{m['name']}_{m['id']}"), None
        return safe_id(name), None
    m = _CANVAS.match(name)
    if m:  # a re-upload is renamed ps1-1.ipynb
        return safe_id(m["login"]), re.sub(r"-\d+(\.[^.]+)$", r"\1", m["file"])
    m = _BLACKBOARD.match(stem)
    if m:
        return safe_id(m["user"]), (m["file"] + Path(name).suffix) if m["file"] else None
    return safe_id(stem), None


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and path.name not in IGNORED


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _visible(p))


def _unwrap(folder: Path) -> Path:
    """Go down through folders that hold nothing but one folder (a bulk download's wrapper)."""
    while True:
        kids = _children(folder)
        if len(kids) == 1 and kids[0].is_dir() and kids[0].name != "submitted":
            folder = kids[0]
        else:
            return folder


def _nbgrader_root(folder: Path, assignment: str) -> Path | None:
    """`submitted/` of an nbgrader course (given the course folder or submitted/ itself), if it is one."""
    candidates = [folder / "submitted", folder] if (folder / "submitted").is_dir() else [folder]
    for root in candidates:
        students = [p for p in _children(root) if p.is_dir()]
        if students and sum((s / assignment).is_dir() for s in students) >= max(1, len(students) // 2):
            return root
    return None


def _nbgrader_timestamp(folder: Path) -> str:
    """The submission time as nbgrader's gradebook stores and exports it (UTC, str(datetime))."""
    path = folder / "timestamp.txt"
    if not path.is_file():
        return ""
    text = path.read_text().strip()
    try:
        from nbgrader.utils import parse_utc

        return str(parse_utc(text))
    except Exception:  # nbgrader missing or an odd timestamp: keep it as written
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
                names[str(key)] = safe_id(str(ident).split("@")[0] if "@" in str(ident) else str(ident))
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
    """Unpack a bulk download safely: no path outside `into`, bounded size, no links."""
    into.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_BULK_BYTES:
                raise BatchError(f"{path.name} unpacks to more than {MAX_BULK_BYTES >> 30} GiB.")
            root = into.resolve()
            for info in infos:
                target = (into / info.filename).resolve()
                if not target.is_relative_to(root):
                    raise BatchError(f"{path.name} holds a path outside the archive: {info.filename}.")
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    continue  # a symbolic link: not extracted
                zf.extract(info, into)
    except zipfile.BadZipFile:
        raise BatchError(f"{path.name} is not a valid zip file.") from None
    return into


def discover(paths: list[str | Path], scratch: Path, assignment: str = "ps1") -> list[Entry]:
    """Every student's submission in `paths`, sorted by student id; a student found twice is an error."""
    entries: list[Entry] = []
    for n, raw in enumerate(paths):
        path = Path(raw)
        if not path.exists():
            raise BatchError(f"no such file or folder: {path}")
        if path.is_file() and path.suffix == ".zip" and _is_bulk_zip(path):
            unpacked = _extract(path, scratch / f"input-{n}")
            found = _discover_folder(_unwrap(unpacked), scratch / f"grouped-{n}", assignment)
            for e in found:
                inner = e.path.relative_to(unpacked).as_posix() if e.path.is_relative_to(unpacked) else e.path.name
                e.label = f"{path.name}:{inner}"
            entries += found
        elif path.is_file():
            student, _ = student_of(path.name, False)
            entries.append(Entry(student, path, str(path)))
        else:
            entries += _discover_folder(path, scratch / f"grouped-{n}", assignment)
    by_student: dict[str, Entry] = {}
    for e in entries:
        if e.student in CLASS_FILES:
            raise BatchError(f"a student id may not be {e.student!r} (the name of a class output file).")
        if e.student in by_student:
            raise BatchError(f"two submissions for student {e.student}: {by_student[e.student].label} and "
                             f"{e.label}; give one per student.")
        by_student[e.student] = e
    return [by_student[s] for s in sorted(by_student)]


def _discover_folder(folder: Path, grouped: Path, assignment: str) -> list[Entry]:
    root = _nbgrader_root(folder, assignment)
    if root is not None:
        out = []
        for student_dir in _children(root):
            sub = student_dir / assignment
            if student_dir.is_dir() and sub.is_dir():
                out.append(Entry(safe_id(student_dir.name), sub, str(sub),
                                 nbgrader={"assignment": assignment, "timestamp": _nbgrader_timestamp(sub)}))
        return out
    gradescope = _gradescope_names(folder)
    files: dict[str, list[tuple[Path, str | None]]] = {}
    out = []
    for p in _children(folder):
        if p.is_dir():
            student = gradescope.get(p.name) or student_of(p.name, True)[0]
            out.append(Entry(student, p, str(p)))
        elif p.suffix in SUBMISSION_SUFFIXES:
            student, inner = student_of(p.name, False)
            files.setdefault(student, []).append((p, inner))
    for student, found in files.items():
        if len(found) == 1:
            out.append(Entry(student, found[0][0], str(found[0][0])))
            continue
        # an LMS gives each of a student's files its own name: put them back together in one folder
        if not all(inner for _, inner in found):
            names = ", ".join(p.name for p, _ in found)
            raise BatchError(f"several files for student {student} ({names}); put each student's files in a folder.")
        target = grouped / student
        target.mkdir(parents=True, exist_ok=True)
        for p, inner in found:
            shutil.copy2(p, target / inner)
        out.append(Entry(student, target, ", ".join(str(p) for p, _ in found)))
    return out


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


# ------------------------------------------------------------------ what identifies a grading


def code_digest(entry: Entry, scratch: Path, reference: Path | None = None) -> str:
    """The hash of the code that would be graded (load(...).digest, read as grade() reads it, against the
    reference), or of the raw bytes if it cannot be loaded."""
    from autograder.load import LoadError, load

    reference = reference if reference is not None and reference.exists() else None
    with tempfile.TemporaryDirectory(dir=scratch, prefix="digest-") as unpacked:
        try:
            return load(entry.path, workdir=Path(unpacked), reference=reference).digest
        except (LoadError, OSError, ValueError):
            pass
    h = hashlib.sha256(b"unreadable\0")
    files = [entry.path] if entry.path.is_file() else sorted(p for p in entry.path.rglob("*") if p.is_file())
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def grader_fingerprint(reference: Path, functions: set[str] | None, seed: int | None) -> str:
    """What makes two gradings of the same code comparable: the version, the suite, the reference, the options."""
    from autograder import grade as grade_module
    from autograder.load import load

    h = hashlib.sha256()
    h.update(__version__.encode())
    package = Path(grade_module.__file__).resolve().parent
    files = sorted(Path(grade_module.SUITE).rglob("*.py")) + [package / "plugin.py", package / "harness.py"]
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(load(reference).digest.encode() if reference.exists() else b"no reference")
    h.update(json.dumps([sorted(functions) if functions else None, seed]).encode())
    return f"{__version__}+{h.hexdigest()[:16]}"


def read_results(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_graded(data: dict | None, digest: str, grader: str) -> bool:
    extra = (data or {}).get("extra_data") or {}
    return extra.get("digest") == digest and extra.get("grader") == grader and isinstance(extra.get("result"), dict)


def graded_of(data: dict, student: str):
    from autograder.class_report import Graded
    from autograder.result import Result

    extra = data["extra_data"]
    return Graded(student, Result.from_dict(extra["result"]), dict(extra.get("nbgrader") or {}))


def reference_points(reference: Path) -> float | None:
    """The assignment's points in nbgrader, hand-graded cells included (what `nbgrader export` calls max_score)."""
    try:
        import nbformat

        nb = nbformat.read(str(reference), as_version=4)
    except Exception:
        return None
    total = 0.0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            total += float(meta.get("points", 0) or 0)
    return total or None


# ------------------------------------------------------------------ the output folder


@contextmanager
def locked(out_dir: Path, wait: float = 30.0):
    """An exclusive lock on DIR for this run and every process it starts (they inherit the descriptor)."""
    fd = os.open(out_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BatchError(f"{out_dir} is in use by another grading run (or a killed run's processes "
                                     "have not exited yet); try again when it has finished.") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield fd
    finally:
        os.close(fd)


def _remove_stale_temporaries(out_dir: Path) -> None:
    """What a killed run left half-done (write_json's temporaries, unpacked downloads); safe under the lock."""
    for tmp in list(out_dir.glob(".*.tmp")) + list(out_dir.glob("*/.*.tmp")):
        try:
            tmp.unlink()
        except OSError:
            pass
    for scratch in out_dir.glob(".scratch-*"):
        shutil.rmtree(scratch, ignore_errors=True)


def write_submission(out_dir: Path, entry: Entry, result, *, grader: str, run: str, max_points: float | None) -> dict:
    """feedback.md, then results.json (last: its presence with this digest and grader means "graded")."""
    from autograder import report
    from autograder.class_report import write_text

    folder = out_dir / entry.student
    folder.mkdir(parents=True, exist_ok=True)
    data = report.gradescope(result)
    extra = data.setdefault("extra_data", {})
    extra.update({"student": entry.student, "source": entry.label, "digest": entry.digest, "grader": grader,
                  "run": run, "graded_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                  "result": result.to_dict()})
    if entry.nbgrader:
        extra["nbgrader"] = {**entry.nbgrader, "max_score": max_points or result.max_score}
    write_text(report.feedback_markdown(result, entry.student), folder / "feedback.md")
    report.write_json(data, folder / "results.json")
    return data


def _log_event(out_dir: Path, **fields) -> None:
    line = json.dumps({"time": round(time.time(), 3), **fields}) + "\n"
    fd = os.open(out_dir / EVENTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())  # one write of one line with O_APPEND: lines never interleave
    finally:
        os.close(fd)


def read_events(out_dir: Path) -> list[dict]:
    path = Path(out_dir) / EVENTS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# ------------------------------------------------------------------ the job processes


class _Job:
    """One grading process: `python -m autograder.batch --job`, tasks on stdin, replies on a pipe."""

    def __init__(self, index: int, config: dict, lock_fd: int, log_fd: int):
        self.index = index
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.batch", "--job", str(w)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log_fd, pass_fds=(w, lock_fd),
            env={**os.environ, "PYTHONUNBUFFERED": "1", "AUTOGRADER_REFERENCE": config["reference"]})
        os.close(w)
        self.replies = r  # JSON lines from the job
        self._buffer = b""
        self.task: Entry | None = None
        self.ready = False
        self._send(config)

    def read_lines(self) -> list[bytes] | None:
        """The complete lines that have arrived (after select said so); None once the job has gone."""
        chunk = os.read(self.replies, 1 << 16)
        if not chunk:
            return None
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return lines

    def _send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def give(self, entry: Entry) -> None:
        self.task = entry
        self._send({"student": entry.student, "path": str(entry.path), "label": entry.label,
                    "digest": entry.digest, "nbgrader": entry.nbgrader})

    def quit(self) -> None:
        try:
            self._send({"quit": True})
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def abort(self) -> None:
        try:
            self.proc.stdin.close()  # without "quit": the job kills its workers and exits at once
        except (BrokenPipeError, OSError):
            pass


def grade_many(paths: list[str | Path], out_dir: str | Path, jobs: int | None = None,
               shard: tuple[int, int] | str | None = None, *, functions: set[str] | None = None,
               seed: int | None = None, reference: str | Path | None = None, call_timeout: float | None = None,
               assignment: str = "ps1", progress: bool = True, console=None, use_pool: bool = True,
               summary: bool = True) -> BatchResult:
    """Grade every submission in `paths` into `out_dir` (see the module's docstring); returns what happened.

    `jobs` grading processes (default: the number of cores) share one fork server (`use_pool`); `shard`
    "K/N" grades the K-th of N slices; `functions`, `seed` and `call_timeout` are passed to grade().
    """
    from rich.console import Console

    from autograder import grade as grade_module

    started = time.monotonic()
    console = console or Console(stderr=True, highlight=False)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(shard, str):
        shard = parse_shard(shard)
    jobs = max(1, jobs or os.cpu_count() or 1)
    reference = Path(reference or grade_module.REFERENCE).resolve()
    if not reference.exists():
        raise grade_module.GraderError(f"the reference solution {reference} is missing; "
                                       "set AUTOGRADER_REFERENCE to its path.")
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    with locked(out_dir) as lock_fd:
        _remove_stale_temporaries(out_dir)
        scratch = out_dir / f".scratch-{run_id}"  # unpacked downloads, removed at the end (or by the next run)
        scratch.mkdir()
        try:
            outcome = _grade_locked(paths, out_dir, scratch, lock_fd, reference, shard, functions, seed,
                                    call_timeout, assignment, jobs, progress, console, use_pool, run_id)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        outcome.seconds = round(time.monotonic() - started, 3)
        if summary:
            print_summary(outcome, outcome.class_results, console)
    return outcome


def _grade_locked(paths, out_dir, scratch, lock_fd, reference, shard, functions, seed, call_timeout, assignment,
                  jobs, progress, console, use_pool, run_id) -> BatchResult:
    from autograder import class_report

    entries = select_shard(discover(paths, scratch, assignment), shard)
    grader = grader_fingerprint(reference, functions, seed)
    for e in entries:
        e.digest = code_digest(e, scratch, reference)
    outcome = BatchResult(out_dir, entries, run=run_id)
    todo = []
    for e in entries:
        if is_graded(read_results(out_dir / e.student), e.digest, grader):
            outcome.skipped.append(e.student)
        else:
            todo.append(e)
    if todo:
        config = {"pool": None, "zygote": None, "reference": str(reference), "out": str(out_dir),
                  "functions": sorted(functions) if functions else None, "seed": seed,
                  "call_timeout": call_timeout, "grader": grader, "run": run_id,
                  "max_points": reference_points(reference)}
        _run_jobs(todo, min(jobs, len(todo)), config, lock_fd, outcome, progress, console, use_pool)
    graded = []
    for e in entries:
        data = read_results(out_dir / e.student)
        if is_graded(data, e.digest, grader):
            graded.append(graded_of(data, e.student))
    if graded:
        class_report.write_class_outputs(graded, out_dir)
    outcome.class_results = graded
    return outcome


def _run_jobs(todo: list[Entry], n_jobs: int, config: dict, lock_fd: int, outcome: BatchResult,
              progress: bool, console, use_pool: bool) -> None:
    from tqdm import tqdm

    from autograder.pool import ForkServer

    # the zygote holds the run's lock too: a killed run's folder is free again only once it has gone
    pool = ForkServer(keep_fds=(lock_fd,)).start() if use_pool else None
    if pool is not None:
        config.update(pool=pool.address, zygote=pool.pid)
    outcome.pool = "fork server" if pool is not None else "new interpreters"
    log_path = outcome.out_dir / BATCH_LOG
    log_start = log_path.stat().st_size if log_path.exists() else 0
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    queue = deque(todo)
    workers: list[_Job] = []
    selector = selectors.DefaultSelector()
    bar = tqdm(total=len(todo), desc="grading", unit="submission", file=sys.stderr, disable=not progress,
               dynamic_ncols=True, smoothing=0.1, mininterval=0.2 if sys.stderr.isatty() else 15)
    restarts = 0
    try:
        for i in range(n_jobs):
            job = _Job(i, config, lock_fd, log_fd)
            workers.append(job)
            selector.register(job.replies, selectors.EVENT_READ, job)
        busy = 0
        while queue or busy:
            for key, _ in selector.select(timeout=1.0):
                job: _Job = key.data
                lines = job.read_lines()
                if lines is None:  # the job process died: its task is tried again, up to 3 deaths in a run
                    selector.unregister(job.replies)
                    job.proc.wait()
                    os.close(job.replies)
                    workers.remove(job)
                    if job.task is not None:
                        busy -= 1
                        entry, job.task = job.task, None
                        if restarts < 3:
                            queue.appendleft(entry)
                        else:
                            outcome.failed[entry.student] = "the grading process died while grading it"
                            bar.update(1)
                    if restarts < 3:
                        restarts += 1
                        replacement = _Job(job.index, config, lock_fd, log_fd)
                        workers.append(replacement)
                        selector.register(replacement.replies, selectors.EVENT_READ, replacement)
                    elif not workers:
                        raise BatchError(f"the grading processes keep dying; see {log_path}")
                    continue
                for reply in map(json.loads, lines):
                    if "fatal" in reply:
                        from autograder.grade import GraderError

                        raise GraderError(reply["fatal"])
                    if "ready" in reply:
                        job.ready = True
                    elif "done" in reply or "failed" in reply:
                        if "done" in reply:
                            outcome.graded.append(reply["done"])
                        else:
                            outcome.failed[reply["failed"]] = reply["error"]
                        busy -= 1
                        job.task = None
                        bar.update(1)
                if job.ready and job.task is None and queue:
                    job.give(queue.popleft())
                    busy += 1
    finally:
        bar.close()
        for job in workers:
            job.quit()
        for job in workers:
            try:
                job.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                job.proc.kill()
                job.proc.wait()
            os.close(job.replies)
        selector.close()
        if pool is not None:
            pool.close()
        os.close(log_fd)
        outcome.warnings = _new_warnings(log_path, log_start)


def _new_warnings(log_path: Path, start: int) -> list[str]:
    try:
        with open(log_path, "rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    seen: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and line not in seen and ("sandbox:" in line or "autograder" in line or "Error" in line):
            seen.append(line)
    return seen[:20]


def print_summary(outcome: BatchResult, graded, console) -> None:
    from autograder import class_report

    console.print()
    class_report.terminal_summary(graded, console, title=f"Grades in {outcome.out_dir}")
    n = len(outcome.entries)
    how = f" ({outcome.pool})" if outcome.pool else ""
    console.print(f"{n} submissions: {len(outcome.graded)} graded now{how}, {len(outcome.skipped)} already graded, "
                  f"{len(outcome.failed)} could not be graded; {outcome.seconds:.1f} s.")
    for student, why in sorted(outcome.failed.items()):
        console.print(f"[red]  {student}: {why}[/]", highlight=False)
    for line in outcome.warnings:
        console.print(f"[yellow]  {line}[/]", highlight=False)


# ------------------------------------------------------------------ merging shards


def merge(dirs: list[str | Path], out_dir: str | Path, *, console=None, summary: bool = True) -> list:
    """Combine the per-student results of several output folders (shards) into `out_dir`, then write the
    class outputs there. A student graded in two folders must have been graded identically."""
    from rich.console import Console

    from autograder import class_report

    console = console or Console(stderr=True, highlight=False)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen: dict[str, tuple[Path, dict]] = {}
    for d in map(Path, dirs):
        if not d.is_dir():
            raise BatchError(f"no such folder: {d}")
        for folder in sorted(p for p in d.iterdir() if p.is_dir() and _visible(p)):
            data = read_results(folder)
            if not data or not isinstance((data.get("extra_data") or {}).get("result"), dict):
                continue
            extra = data["extra_data"]
            if folder.name in chosen:
                other = chosen[folder.name][1]["extra_data"]
                if (other.get("digest"), other.get("grader")) != (extra.get("digest"), extra.get("grader")):
                    raise BatchError(f"student {folder.name} was graded differently in {chosen[folder.name][0].parent} "
                                     f"and {d} (other code or another grader); re-grade one of them.")
                if other.get("graded_at", "") >= extra.get("graded_at", ""):
                    continue
            chosen[folder.name] = (folder, data)
    with locked(out_dir):
        for student, (folder, _) in chosen.items():
            target = out_dir / student
            if target.resolve() == folder.resolve():
                continue
            staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{student}."))
            for name in ("feedback.md", "results.json"):  # results.json last, as a grading run writes them
                if (folder / name).exists():
                    shutil.copy2(folder / name, staging / name)
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        graded = [graded_of(data, student) for student, (_, data) in sorted(chosen.items())]
        if graded:
            class_report.write_class_outputs(graded, out_dir)
    if summary:
        console.print()
        class_report.terminal_summary(graded, console, title=f"Merged grades in {out_dir}")
        console.print(f"{len(graded)} submissions from {len(dirs)} folder(s).")
    return graded


# ------------------------------------------------------------------ inside a job process


def _job_main(reply_fd: int) -> int:
    """Grade tasks from stdin until told to quit; stdin closing without "quit" means the run is gone."""
    import logging

    from autograder.grade import GraderError, grade, start_reference
    from autograder.pool import Client

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the run, which then stops its jobs
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    replies = os.fdopen(reply_fd, "w", buffering=1)
    config = json.loads(sys.stdin.readline())
    out_dir = Path(config["out"])
    live: dict[int, tuple] = {}  # worker pid -> (handle, home), for a quick clean-up if the run is killed
    client = Client(config["pool"], wait_ready=_zygote_waiter(config))

    def spawn(home: str, output_path: str):
        for pid, (handle, _) in list(live.items()):
            if handle.poll() is not None:
                live.pop(pid, None)
        proc, send_fd, recv_fd = client.spawn(home, output_path)
        live[proc.pid] = (proc, home)
        return proc, send_fd, recv_fd

    tasks: deque = deque()
    arrived = threading.Condition()
    writing = threading.Lock()  # results.json and its event line are written together, or neither

    def read_tasks() -> None:
        for line in sys.stdin:
            message = json.loads(line)
            with arrived:
                tasks.append(message)
                arrived.notify()
            if message.get("quit"):
                return
        with writing:  # end of file without "quit": the run was killed
            _abandon(live)

    threading.Thread(target=read_tasks, daemon=True).start()
    try:
        reference = start_reference(Path(config["reference"]), spawn=spawn)
    except GraderError as exc:
        replies.write(json.dumps({"fatal": str(exc)}) + "\n")
        return 1
    reference.budget = math.inf  # one reference serves every submission of this job
    replies.write(json.dumps({"ready": True}) + "\n")
    functions = set(config["functions"]) if config["functions"] else None
    options = {"seed": config["seed"], "functions": functions}
    if config.get("call_timeout"):
        options["call_timeout"] = config["call_timeout"]
    try:
        while True:
            with arrived:
                while not tasks:
                    arrived.wait()
                task = tasks.popleft()
            if task.get("quit"):
                return 0
            entry = Entry(task["student"], Path(task["path"]), task["label"], task.get("nbgrader") or {},
                          task["digest"])
            try:
                result = grade(entry.path, reference=reference, spawn=spawn, **options)
            except GraderError as exc:
                replies.write(json.dumps({"failed": entry.student, "error": str(exc)}) + "\n")
                continue
            result.submission = entry.label
            with writing:
                write_submission(out_dir, entry, result, grader=config["grader"], run=config["run"],
                                 max_points=config.get("max_points"))
                _log_event(out_dir, event="graded", student=entry.student, digest=entry.digest[:16],
                           run=config["run"], pid=os.getpid(), score=result.score)
            replies.write(json.dumps({"done": entry.student, "score": result.score,
                                      "seconds": result.execution_time}) + "\n")
    finally:
        reference.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _zygote_waiter(config: dict):
    """Until the run's fork server listens (it may still be importing): True when it does, False if it died."""
    address, zygote = config.get("pool"), config.get("zygote")
    state: dict = {}

    def wait() -> bool:
        if "ok" not in state:
            deadline = time.monotonic() + 180
            while not os.path.exists(address or ""):
                if not zygote or not _alive(zygote) or time.monotonic() > deadline:
                    state["ok"] = False
                    return False
                time.sleep(0.05)
            state["ok"] = True
        return state["ok"]

    return wait


def _abandon(live: dict[int, tuple]) -> None:
    """The run is gone: kill this job's workers and leave at once (nothing half-done is kept)."""
    from autograder import sandbox

    for pid, (_, home) in list(live.items()):
        try:
            sandbox.kill_tree(pid)
        except Exception:
            pass
        shutil.rmtree(home, ignore_errors=True)
    os._exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--job":
        sys.exit(_job_main(int(sys.argv[2])))
    sys.exit("usage: python -m autograder.batch --job FD (started by grade_many)")

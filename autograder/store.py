"""The results folder of a class run: a folder per student, the run's manifest, the lock, the event log.

Each student's results.json is written atomically and last, and records the hash of the code graded and
of the grader: its presence with both means "graded". `.class.json` (the manifest) records what the run
was asked to grade: its shard K/N, every student of that shard with their folder, and what was not graded
and why; `autograder merge` reads it to know what each shard should hold.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from autograder import files
from autograder.discover import BatchError

EVENTS = ".events.log"
MANIFEST = ".class.json"


def read_results(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_graded(data: dict | None, digest: str, grader: str) -> bool:
    extra = (data or {}).get("extra_data") or {}
    return extra.get("digest") == digest and extra.get("grader") == grader and isinstance(extra.get("result"), dict)


def status_of(result, late: dict) -> str:
    """grades.csv's status of a graded submission."""
    if result.load_failed:
        return "unreadable"
    return "late" if (late or {}).get("seconds") else "graded"


def graded_of(data: dict):
    """A results.json as the class writers read it."""
    from autograder.class_report import Graded
    from autograder.result import Result

    extra = data["extra_data"]
    result = Result.from_dict(extra["result"])
    late = dict(extra.get("late") or {})
    return Graded(extra["student"], result, dict(extra.get("nbgrader") or {}), status=status_of(result, late),
                  late=late)


@contextmanager
def locked(out_dir: Path, wait: float = 30.0):
    """An exclusive lock on DIR for this run and every process it starts (they inherit the descriptor)."""
    fd = os.open(out_dir / ".lock", os.O_RDWR | os.O_CREAT, files.MODE)  # inherited: not O_CLOEXEC
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


def remove_stale_temporaries(out_dir: Path) -> None:
    """What a killed run left half-done (files' temporaries, unpacked downloads); safe under the lock."""
    for tmp in list(out_dir.glob(".*.tmp")) + list(out_dir.glob("*/.*.tmp")):
        try:
            tmp.unlink()
        except OSError:
            pass
    for scratch in out_dir.glob(".scratch-*"):
        shutil.rmtree(scratch, ignore_errors=True)


def write_submission(out_dir: Path, entry, result, *, grader: str, run: str, max_points: float | None,
                     late: dict | None = None) -> dict:
    """feedback.md, then results.json (last: its presence with this digest and grader means "graded")."""
    from autograder import report

    folder = out_dir / entry.folder
    folder.mkdir(parents=True, exist_ok=True)
    data = report.WRITERS["gradescope"](result)
    extra = data.setdefault("extra_data", {})
    extra.update({"student": entry.student, "source": entry.label, "digest": entry.digest, "grader": grader,
                  "run": run, "graded_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                  "result": result.to_dict()})
    if late is not None:
        extra["late"] = late
    if entry.nbgrader:
        extra["nbgrader"] = {**entry.nbgrader, "max_score": max_points or result.max_score}
    files.write_text(report.WRITERS["feedback.md"](result, entry.student), folder / "feedback.md")
    files.write_json(data, folder / "results.json")
    return data


def record_late(out_dir: Path, entry, data: dict, late: dict) -> dict:
    """Put this run's lateness into a results.json graded before (the due date or policy may have changed)."""
    if data["extra_data"].get("late") != late:
        data["extra_data"]["late"] = late
        files.write_json(data, out_dir / entry.folder / "results.json")
    return data


def write_manifest(out_dir: Path, *, shard: tuple[int, int] | None, entries, not_graded, warnings) -> None:
    files.write_json({"shard": list(shard) if shard else None,
                       "students": {e.student: e.folder for e in entries},
                       "not_graded": [vars(g) for g in not_graded], "warnings": list(warnings)},
                      out_dir / MANIFEST)


def read_manifest(out_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def log_event(out_dir: Path, **fields) -> None:
    files.append_line(json.dumps({"time": round(time.time(), 3), **fields}) + "\n", out_dir / EVENTS)


def read_events(out_dir: Path) -> list[dict]:
    path = Path(out_dir) / EVENTS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

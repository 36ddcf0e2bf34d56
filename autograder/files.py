"""Every file the grader writes for people to read (results, feedback, class reports, the Gradescope zip):
written atomically, with one mode.

Atomically: the data goes to a temporary file beside the target (same folder, so the same file system),
is flushed to disk, then renamed over the target. A reader sees the old file or the new one, never half of
one, and a run killed mid-write leaves the old file and a `.NAME.*.tmp` that store.remove_stale_temporaries
clears.

One mode, MODE = 0o600 (owner only), whatever the umask. What the grader writes holds what students
must not read: results.json keeps each hidden test's inputs for the instructor, every file holds a
student's grade, and the Gradescope zip holds the grading suite. A class run writes them while later
students' code runs in workers, as another user (nobody) wherever namespaces cannot hide the folder; a
file readable by others would be readable by that code. Students see their feedback through what the
instructor publishes (Gradescope, nbgrader's feedback, a copy), never by reading the results folder, so
nothing is lost by keeping it private; an instructor sharing the folder with TAs widens it on purpose
(chmod -R g+r).
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

MODE = 0o600


@contextmanager
def replacing(path: str | Path):
    """Yield a temporary path beside `path` to write; on success it replaces `path`, on error it goes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, MODE)  # mkstemp's mode is 0600 too, but a writer may have replaced the file
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(data: bytes, path: str | Path) -> None:
    with replacing(path) as tmp, open(tmp, "wb") as f:
        f.write(data)


def write_text(text: str, path: str | Path) -> None:
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_json(data, path: str | Path) -> None:
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)  # streamed: a value that cannot be written stops it halfway


def append_line(line: str, path: str | Path) -> None:
    """One line at the end of a log (created with MODE): one write with O_APPEND, so lines never interleave."""
    fd = open_append(path)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def open_append(path: str | Path) -> int:
    """A descriptor appending to a log (created with MODE), for a child's output or our own lines."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, MODE)

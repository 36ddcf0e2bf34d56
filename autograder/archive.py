"""Unpack a zip we did not make (a student's zipped notebook, an LMS bulk download), safely.

Refused: a name that lands outside the folder (zip slip), more entries than a limit, more bytes than a limit,
an entry that expands more than MAX_RATIO times (a zip bomb). The sizes a zip declares are the sender's word,
so the bytes are counted as they are written too. Symbolic links are not extracted (zipfile would write them
as small files holding the target's name; nobody needs them). Each file keeps the time the zip records for
it (discover tells two uploads of one student apart by it).
"""
from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

MAX_RATIO = 200  # deflate reaches ~1000x on zeros; notebooks and code compress 3-10x, data files rarely 50x
RATIO_FROM = 1 << 20  # entries smaller than this may expand as they like (a small file of spaces)
CHUNK = 1 << 16


class ArchiveError(Exception):
    """The zip is refused; the message says why, for whoever sent it."""


def unzip(path: Path, into: Path, *, max_bytes: int, max_files: int) -> Path:
    """Extract `path` into `into` (made if missing) within the limits; returns `into`."""
    into.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check(path.name, infos, into.resolve(), max_bytes=max_bytes, max_files=max_files)
            budget = max_bytes
            for info in infos:
                if not _is_link(info):
                    budget -= _extract(zf, info, into, path.name, budget)
    except zipfile.BadZipFile:
        raise ArchiveError(f"{path.name} is not a valid zip file.") from None
    except OSError as exc:  # a name the file system refuses, a full disk
        raise ArchiveError(f"{path.name} cannot be unpacked: {exc.strerror or exc}.") from None
    return into


def _check(name: str, infos: list[zipfile.ZipInfo], root: Path, *, max_bytes: int, max_files: int) -> None:
    """Every refusal the zip's directory alone can justify, before anything is written."""
    if len(infos) > max_files:
        raise ArchiveError(f"{name} holds {len(infos)} entries; the limit is {max_files}.")
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise ArchiveError(f"{name} unpacks to {_size(total)}; the limit is {_size(max_bytes)}.")
    for info in infos:
        if not (root / info.filename).resolve().is_relative_to(root):
            raise ArchiveError(f"{name} holds a path outside the archive: {info.filename}.")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveError(f"{name} looks like a zip bomb: {info.filename} expands "
                               f"{info.file_size // max(info.compress_size, 1)} times.")


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, into: Path, name: str, budget: int) -> int:
    """Write one entry, counting what it really expands to; returns the bytes written."""
    target = into / info.filename
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            if written > info.file_size or written > budget:  # it lied about its size
                raise ArchiveError(f"{name} unpacks to more than it declares ({info.filename}).")
            dst.write(chunk)
    stamp = time.mktime(info.date_time + (0, 0, -1))
    os.utime(target, (stamp, stamp))
    return written


def _is_link(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n >> 20} MiB"

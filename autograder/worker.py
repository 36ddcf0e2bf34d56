"""Run a submission in a separate process and call its functions from the grader.

The parent side is ``Worker`` (start, request, stop) and ``Submission`` (a proxy whose attributes call
the student's functions). The child side is ``serve``: it executes the submission's cells once, then
answers call requests over two pipes. Only plain data crosses (see codec); the student's own stdout and
stderr go to a capture file, never into the protocol.
"""
from __future__ import annotations

import linecache
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import codec

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CALL_TIMEOUT = 20.0  # seconds of wall clock for one call
LOAD_TIMEOUT = 120.0  # a notebook may train a small model at top level
OUTPUT_LIMIT = 4096  # characters of the student's own output shown back


class StudentError(Exception):
    """The student's code could not produce a value: it raised, hung, crashed or is missing."""

    def __init__(self, fn: str, kind: str, message: str):
        super().__init__(message)
        self.fn, self.kind, self.message = fn, kind, message


class WorkerLost(Exception):
    """The worker process died or stopped answering; it has been killed."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind, self.detail = kind, detail


@dataclass
class Reply:
    value: Any
    warnings: list[str] = field(default_factory=list)
    args: list | None = None  # the arguments as they were after the call, when asked for


@dataclass
class LoadReport:
    defined: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"cell", "type", "message", "where"}
    failed: str = ""  # set when the submission could not be loaded at all


# ---------------------------------------------------------------- parent side


def worker_env(home: str) -> dict:
    """A minimal environment: nothing of the grader's own variables leaks to student code."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(PACKAGE_ROOT),
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "AUTOGRADER_WORKER": "1",  # a graded cell that reaches a worker must not grade again
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def spawn_process(home: str, output_path: str) -> tuple[subprocess.Popen, int, int]:
    """Start `python -m autograder.worker` in its own session; returns (process, send fd, receive fd).

    The child's stdout and stderr go to `output_path`; requests and replies use two private pipes.
    """
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    with open(output_path, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.worker", str(to_child_r), str(from_child_w)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd=home,
            env=worker_env(home), pass_fds=(to_child_r, from_child_w),
            start_new_session=True,  # its own process group, so stop() kills everything it started
        )
    os.close(to_child_r)
    os.close(from_child_w)
    return proc, to_child_w, from_child_r


class Worker:
    """One child process that has executed a submission and answers requests.

    `spawn` starts the process (a fresh interpreter by default); anything with the Popen methods
    pid, poll() and wait() will do as the process handle.
    """

    def __init__(self, cells: list[tuple[str, str]], *, load_timeout: float = LOAD_TIMEOUT, spawn=spawn_process):
        self.cells = cells
        self.load_timeout = load_timeout
        self.spawn = spawn
        self.proc = None
        self.home = tempfile.mkdtemp(prefix="ag-worker-")
        self.output_path = os.path.join(self.home, ".output")

    def start(self) -> LoadReport:
        self.proc, self.send_fd, self.recv_fd = self.spawn(self.home, self.output_path)
        try:
            reply = self.request({"op": "load", "cells": self.cells}, self.load_timeout)
        except WorkerLost as lost:
            what = {"timeout": f"did not finish loading within {self.load_timeout:g} s"}.get(lost.kind, lost.detail)
            return LoadReport(failed=f"Your submission {what}.")
        return LoadReport(defined=reply["defined"], errors=reply["errors"])

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and wait for its reply; on any failure the worker is killed."""
        try:
            os.write(self.send_fd, codec.pack(message))
        except (BrokenPipeError, OSError):
            raise self._lost("crashed") from None
        deadline = time.monotonic() + timeout
        header = self._read(4, deadline)
        size = int.from_bytes(header, "big")
        if size > codec.MAX_FRAME:
            raise self._lost("garbled")
        try:
            return codec.unpack(self._read(size, deadline))
        except ValueError:
            raise self._lost("garbled") from None

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.recv_fd], [], [], left)[0]:
                raise self._lost("timeout")
            chunk = os.read(self.recv_fd, min(n - got, 1 << 20))
            if not chunk:
                raise self._lost("crashed")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _lost(self, kind: str) -> WorkerLost:
        code = self.stop()
        detail = {
            "timeout": "stopped answering",
            "garbled": "sent back something that is not plain data",
            "crashed": f"ended unexpectedly{describe_exit(code)}",
        }[kind]
        return WorkerLost(kind, detail)

    def output(self) -> str:
        """The first few kilobytes of what the student's code printed."""
        try:
            with open(self.output_path, "rb") as f:
                text = f.read(OUTPUT_LIMIT + 1).decode("utf-8", "replace")
        except OSError:
            return ""
        return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + "\n[... output truncated]"

    def stop(self) -> int | None:
        """Kill the whole process group and close the pipes; returns the exit code."""
        if self.proc is None:
            return None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        code = self.proc.wait()
        for fd in (self.send_fd, self.recv_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc = None
        return code

    def cleanup(self) -> None:
        self.stop()
        _remove_tree(self.home)


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def describe_exit(code: int | None) -> str:
    if code is None or code == 0:
        return ""
    if code < 0:
        try:
            return f" (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f" (killed by signal {-code})"
    return f" (exit code {code})"


class Submission:
    """The student's functions, called in a worker process: ``student.softmax(x)``.

    A failed call raises StudentError with a sentence for the student. After a crash or a timeout the
    worker is replaced before the next call, so one bad call costs only the tests that made it.
    """

    def __init__(self, cells: list[tuple[str, str]], *, label: str = "your submission",
                 call_timeout: float = CALL_TIMEOUT, load_timeout: float = LOAD_TIMEOUT, failed: str = "",
                 spawn=spawn_process):
        self.label = label
        self.call_timeout = call_timeout
        self.worker = Worker(cells, load_timeout=load_timeout, spawn=spawn)
        # a submission that could not even be read starts no process; every call reports why
        self.report = LoadReport(failed=failed) if failed else self.worker.start()

    def __getattr__(self, fn: str):
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *args, **kwargs: self.call(fn, *args, **kwargs).value

    def call(self, fn: str, *args, writable: bool = False, keep_args: bool = False,
             timeout: float | None = None, **kwargs) -> Reply:
        """Call the student's ``fn``; arrays are read-only unless ``writable``."""
        message = {"op": "call", "fn": fn, "args": codec.encode(list(args)),
                   "kwargs": codec.encode(kwargs), "writable": writable, "keep_args": keep_args}
        reply = self._request(fn, message, timeout)
        args_after = codec.decode(reply["args"]) if keep_args else None
        return Reply(codec.decode(reply["value"]), list(reply.get("warnings", [])), args_after)

    def run(self, op: str, *, timeout: float | None = None, label: str | None = None, **kwargs) -> Any:
        """Run a harness operation (see harness.OPS) against the submission; returns its plain data."""
        message = {"op": "run", "name": op, "kwargs": codec.encode(kwargs)}
        return codec.decode(self._request(label or op, message, timeout)["value"])

    def _request(self, fn: str, message: dict, timeout: float | None) -> dict:
        if self.report.failed:
            raise StudentError(fn, "load", self.report.failed)
        if not self.worker.alive:
            self.report = self.worker.start()
            if self.report.failed:
                raise StudentError(fn, "load", self.report.failed)
        limit = timeout or self.call_timeout
        try:
            reply = self.worker.request(message, limit)
        except WorkerLost as lost:
            if lost.kind == "timeout":
                raise StudentError(fn, "timeout", f"{fn} did not return within {limit:g} s "
                                   "(an endless loop, or far too slow).") from None
            raise StudentError(fn, "crashed", f"{fn} {lost.detail}: the process running "
                               f"{self.label} was lost.") from None
        if not reply.get("ok"):
            raise StudentError(fn, reply.get("kind", "raised"), self._explain(fn, reply))
        return reply

    def _explain(self, fn: str, reply: dict) -> str:
        if reply.get("kind") == "missing":
            hint = ""
            if self.report.errors:
                first = self.report.errors[0]
                hint = f" ({first['where']} raised {first['type']}: {first['message']})"
            return f"{fn} is not defined in {self.label}{hint}."
        where = f" at {reply['where']}" if reply.get("where") else ""
        message = reply.get("message", "")
        return f"{fn} raised {reply.get('type', 'an error')}{where}" + (f": {message}" if message else "")

    def output(self) -> str:
        return self.worker.output()

    def close(self) -> None:
        self.worker.cleanup()


# ----------------------------------------------------------------- child side


def _student_frames(tb) -> str:
    """Where in the student's code an exception came from: the last frame in a submission cell."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<")]
    if not frames:
        return ""
    last = frames[-1]
    return f"line {last.lineno} of {last.filename.strip('<>')}"


def _error(exc: BaseException, kind: str = "raised") -> dict:
    message = str(exc)
    if len(message) > 500:
        message = message[:500] + " ..."
    return {"ok": False, "kind": kind, "type": type(exc).__name__, "message": message,
            "where": _student_frames(exc.__traceback__)}


def _execute_cells(cells: list, namespace: dict) -> dict:
    errors = []
    for label, source in cells:
        filename = f"<{label}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), namespace)
        except BaseException as exc:  # a broken cell costs only what it defines
            err = _error(exc)
            errors.append({"cell": label, "type": err["type"], "message": err["message"],
                           "where": err["where"] or label})
    defined = sorted(k for k, v in namespace.items() if callable(v) and not k.startswith("_"))
    return {"ok": True, "defined": defined, "errors": errors}


def _prepare(value: Any, writable: bool) -> Any:
    from autograder import harness

    if type(value) is np.ndarray:
        value.setflags(write=writable)
        return value
    if isinstance(value, codec.Fn):
        return harness.build_function(value)
    if type(value) in (list, tuple):
        return type(value)(_prepare(v, writable) for v in value)
    return value


def _call(namespace: dict, message: dict) -> dict:
    fn = namespace.get(message["fn"])
    if not callable(fn):
        return {"ok": False, "kind": "missing"}
    args = _prepare(codec.decode(message["args"]), message["writable"])
    kwargs = _prepare(codec.decode(message["kwargs"]), message["writable"])
    # numpy's default error state, whatever the submission set globally: a warning inside the call counts
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        value = fn(*args, **kwargs)
    reply = {"ok": True, "value": codec.encode(value),
             "warnings": [f"{w.category.__name__}: {w.message}" for w in caught][:20]}
    if message["keep_args"]:
        reply["args"] = codec.encode(args)
    return reply


def _run(namespace: dict, message: dict) -> dict:
    from autograder import harness

    op = harness.OPS[message["name"]]
    return {"ok": True, "value": codec.encode(op(namespace, **codec.decode(message["kwargs"])))}


def serve(recv_fd: int, send_fd: int) -> None:
    """The child's loop: one request in, one reply out, until the parent closes the pipe."""
    recv = os.fdopen(recv_fd, "rb", buffering=0)
    namespace: dict = {"__name__": "submission", "__builtins__": __builtins__}
    handlers = {"load": lambda m: _execute_cells(m["cells"], namespace),
                "call": lambda m: _call(namespace, m), "run": lambda m: _run(namespace, m)}
    while True:
        header = _read_exact(recv, 4)
        if not header:
            return
        message = codec.unpack(_read_exact(recv, int.from_bytes(header, "big")))
        try:
            reply = handlers[message["op"]](message)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from student code too
            reply = _error(exc)
        sys.stdout.flush()
        sys.stderr.flush()
        frame = codec.pack(reply)
        view = memoryview(frame)
        while view:
            view = view[os.write(send_fd, view):]


def _read_exact(stream, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))

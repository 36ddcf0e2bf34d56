"""Run a submission in a separate process and call its functions from the grader.

The parent side is ``Worker`` (start, request, stop) and ``Submission`` (a proxy whose attributes call
the student's functions). The child side is ``serve``: it executes the submission's cells once, then
answers call requests over two pipes. Only plain data crosses (see codec); the student's own stdout and
stderr go to a capture file, never into the protocol.
"""
from __future__ import annotations

import base64
import hashlib
import linecache
import os
import select
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import carry, codec, sandbox
from autograder.config import DEFAULTS

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# the defaults of the settings call_timeout, load_timeout and submission_budget (autograder.config)
CALL_TIMEOUT = DEFAULTS.call_timeout  # seconds of wall clock for one call
LOAD_TIMEOUT = DEFAULTS.load_timeout  # a notebook may train a small model at top level
SUBMISSION_BUDGET = DEFAULTS.submission_budget  # seconds of wall clock for all of one submission's calls (loads included)
OUTPUT_LIMIT = 4096  # characters of the student's own output shown back (the file is capped by sandbox)
MEMO_BYTES = 256 << 20  # replies a memoizing submission keeps (see Memo)


class StudentError(Exception):
    """The student's code could not produce a value: it raised, hung, crashed or is missing."""

    def __init__(self, fn: str, kind: str, message: str, type: str = ""):
        super().__init__(message)
        self.fn, self.kind, self.message = fn, kind, message
        self.type = type  # the exception's type name when the code raised one


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
class Setup:
    """What an assignment gives each of its workers before the submission's code runs: its harness.py (the
    text: the worker cannot read the assignment's folder) and the released data files the notebook reads
    ({name: base64 text}, as the protocol is JSON; written into the worker's working folder)."""
    harness: str = ""
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadReport:
    defined: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"cell", "type", "message", "where"}
    failed: str = ""  # set when the submission could not be loaded at all
    sandbox: dict = field(default_factory=dict)  # {measure: "on: ..." or "off: why"}, from the worker


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
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",  # each malloc arena reserves 64 MiB of address space, counted by the memory limit
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

    def __init__(self, cells: list[tuple[str, str]], *, load_timeout: float = LOAD_TIMEOUT, spawn=spawn_process,
                 settings: sandbox.Settings | None = None, setup: Setup | None = None):
        self.cells = cells
        self.setup = setup or Setup()
        self.load_timeout = load_timeout
        self.spawn = spawn
        self.settings = settings or sandbox.SETTINGS
        self.proc = None
        self.home = tempfile.mkdtemp(prefix="ag-worker-")
        self.output_path = os.path.join(self.home, ".output")
        self._output_id: tuple[int, int] | None = None
        self.reply_size = 0  # bytes of the last reply

    def start(self, timeout: float | None = None) -> LoadReport:
        self.stop()  # whatever a previous process of this worker left behind
        self.proc, self.send_fd, self.recv_fd = self.spawn(self.home, self.output_path)
        os.set_blocking(self.send_fd, False)  # a child that stops reading cannot block the grader (see _write)
        try:  # the capture file as the grader made it, before any student code could swap it
            st = os.stat(self.output_path, follow_symlinks=False)
            self._output_id = (st.st_dev, st.st_ino)
        except OSError:
            self._output_id = None
        limit = self.load_timeout if timeout is None else min(timeout, self.load_timeout)
        message = {"op": "load", "cells": self.cells, "sandbox": self.settings.to_message(),
                   "harness": self.setup.harness, "files": self.setup.files}
        try:
            reply = self.request(message, limit)
        except WorkerLost as lost:
            what = {"timeout": f"did not finish loading within {limit:g} s"}.get(lost.kind, lost.detail)
            return LoadReport(failed=f"Your submission {what}.")
        if "defined" not in reply:  # the worker failed before running any student code
            return LoadReport(failed=f"Your submission could not be started ({reply.get('message', 'no reason given')}).")
        report = dict(reply.get("sandbox") or {})
        sandbox.note(report)
        return LoadReport(defined=reply["defined"], errors=reply["errors"], sandbox=report)

    @property
    def alive(self) -> bool:
        return self.proc is not None and not self._exited()

    def _exited(self) -> bool:
        """Whether the process has ended, without reaping it: its pid stays ours until stop()."""
        try:
            return os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:  # not our child (a fork server's), or already reaped
            return self.proc.poll() is not None

    def request(self, message: dict, timeout: float, on_ask=None) -> dict:
        """Send one request and wait for its reply; on any failure the worker is killed.

        Until the reply comes, the child may send asks (carry.Standin); each is answered by
        ``on_ask(ask, size, deadline)`` (refused when there is none, and past carry.MAX_ASKS the
        worker is killed), within the same deadline.
        """
        deadline = time.monotonic() + timeout
        self._write(codec.pack(message), deadline)
        refused = 0
        while True:
            frame, size = self._read_frame(deadline)
            if not (type(frame) is dict and frame.get("op") == "ask"):
                self.reply_size = size
                return frame
            if on_ask is None:
                refused += 1
                if refused > carry.MAX_ASKS:
                    raise self._lost("garbled")
                answer = {"ok": False, "refused": "nothing is being graded"}
            else:
                answer = on_ask(frame, size, deadline)
            self._write(codec.pack(answer), deadline)

    def _read_frame(self, deadline: float) -> tuple[Any, int]:
        size = int.from_bytes(self._read(4, deadline), "big")
        if size > codec.MAX_FRAME:
            raise self._lost("garbled")
        try:
            return codec.unpack(self._read(size, deadline)), size
        except ValueError:
            raise self._lost("garbled") from None

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            try:
                if left <= 0 or not select.select([], [self.send_fd], [], left)[1]:
                    raise self._lost("timeout")
                view = view[os.write(self.send_fd, view[:1 << 20]):]
            except BlockingIOError:
                continue
            except OSError:  # BrokenPipeError included: the child is gone
                raise self._lost("crashed") from None

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
        if kind == "crashed":  # it is ending by itself: let it say how (a reaper may pass the status on)
            deadline = time.monotonic() + 1.0
            while self.proc is not None and not self._exited() and time.monotonic() < deadline:
                time.sleep(0.005)
        code = self.stop()
        detail = {
            "timeout": "stopped answering",
            "garbled": "sent back something that is not plain data",
            "crashed": f"ended unexpectedly{describe_exit(code)}",
        }[kind]
        return WorkerLost(kind, detail)

    def output(self) -> str:
        """The first few kilobytes of what the student's code printed.

        Only from the file the grader created: a symlink or another file put in its place by the
        student's code (which may own the folder) is not read.
        """
        try:
            fd = os.open(self.output_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return ""
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or (self._output_id and self._output_id != (st.st_dev, st.st_ino)):
                return ""
            text = f.read(OUTPUT_LIMIT + 1).decode("utf-8", "replace")
        return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + "\n[... output truncated]"

    def _reaped(self) -> bool:
        """Whether the process was already waited for (its pid may then be another process's)."""
        try:
            os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            return False  # our child, running or a zombie: the pid is still ours
        except ChildProcessError:  # not our child (a fork server's), or already reaped
            return self.proc.poll() is not None

    def stop(self) -> int | None:
        """Kill the worker and everything it started (its group, its descendants, its PID namespace)
        and close the pipes; returns the exit code."""
        if self.proc is None:
            return None
        # a pid already reaped may belong to someone else by now: then only its group and session are ours
        sandbox.kill_tree(self.proc.pid, reaped=self._reaped())
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


class Memo:
    """A submission's successful replies, keyed by the request's bytes: the same request is answered once.

    For the reference solution, which serves a whole class: its functions are deterministic in their
    arguments, and a class's submissions send it many identical requests (the fixed inputs of visible tests,
    the stand-ins' asks on them), so each is computed once per grading process. Only replies that came back
    "ok" are kept (a timeout, a crash or a raise is asked again), up to MEMO_BYTES of them.
    """

    def __init__(self, limit: int = MEMO_BYTES):
        self.limit, self.used = limit, 0
        self.replies: dict[bytes, dict] = {}
        self.hits = self.misses = 0
        self._lock = threading.Lock()  # the reference is asked from the grading thread and from asks

    @staticmethod
    def key(message: dict) -> bytes:
        return hashlib.sha256(codec.pack(message)).digest()

    def get(self, key: bytes) -> dict | None:
        with self._lock:
            reply = self.replies.get(key)
            if reply is None:
                self.misses += 1
            else:
                self.hits += 1
            return reply

    def put(self, key: bytes, reply: dict, size: int) -> None:
        with self._lock:
            if key not in self.replies and self.used + size <= self.limit:
                self.replies[key] = reply
                self.used += size


class Submission:
    """The student's functions, called in a worker process: ``student.softmax(x)``.

    A failed call raises StudentError with a sentence for the student. After a crash or a timeout the
    worker is replaced before the next call, so one bad call costs only the tests that made it.
    All calls and (re)loads of one submission share a wall-clock `budget` (SUBMISSION_BUDGET seconds
    unless given; math.inf for none): once it is spent the worker is killed and every further call
    fails at once, so a submission that hangs in every test still finishes in bounded time. The
    reference solution serves a whole class, so by default it has no budget.
    """

    def __init__(self, cells: list[tuple[str, str]], *, label: str = "your submission",
                 call_timeout: float = CALL_TIMEOUT, load_timeout: float = LOAD_TIMEOUT, failed: str = "",
                 spawn=spawn_process, budget: float | None = None, settings: sandbox.Settings | None = None,
                 setup: Setup | None = None, memo: bool = False):
        self.label = label
        self.memo = Memo() if memo else None  # for a deterministic submission that is asked many times
        self.call_timeout = call_timeout
        self.carry: carry.CarryForward | None = None  # set by the grader to carry errors forward
        self._lock = threading.Lock()  # one request at a time: the reference also answers asks from another thread
        self.budget = SUBMISSION_BUDGET if budget is None else budget
        self.spent = 0.0  # seconds of wall clock used by this submission's requests so far
        self.worker = Worker(cells, load_timeout=load_timeout, spawn=spawn, settings=settings, setup=setup)
        # a submission that could not even be read starts no process; every call reports why
        if failed:
            self.report = LoadReport(failed=failed)
        else:
            started = time.monotonic()
            try:
                self.report = self.worker.start(timeout=self.budget)
            finally:
                self._charge(started)

    def __getattr__(self, fn: str):
        if fn.startswith("_"):
            raise AttributeError(fn)
        return lambda *args, **kwargs: self.call(fn, *args, **kwargs).value

    def call(self, fn: str, *args, keep_args: bool = False, timeout: float | None = None, **kwargs) -> Reply:
        """Call the student's ``fn`` on writable copies of ``args``; ``keep_args``: send them back as they
        were after the call (to see what it changed)."""
        return self.call_with(fn, list(args), kwargs, keep_args=keep_args, timeout=timeout)

    def call_with(self, fn: str, args: list, kwargs: dict, *, keep_args: bool = False,
                  timeout: float | None = None) -> Reply:
        """``call`` with the arguments as a list and a dict (whatever their names)."""
        message = {"op": "call", "fn": fn, "args": codec.encode(list(args)),
                   "kwargs": codec.encode(dict(kwargs)), "keep_args": keep_args}
        reply = self._request(fn, message, timeout)
        args_after = codec.decode(reply["args"]) if keep_args else None
        return Reply(codec.decode(reply["value"]), list(reply.get("warnings", [])), args_after)

    def run(self, op: str, *, timeout: float | None = None, label: str | None = None, **kwargs) -> Any:
        """Run a harness operation (see harness.OPS) against the submission; returns its plain data.
        ``label`` names the function whose code the operation runs."""
        message = {"op": "run", "name": op, "fn": label or op, "kwargs": codec.encode(kwargs)}
        return codec.decode(self._request(label or op, message, timeout)["value"])

    @property
    def budget_left(self) -> float:
        return self.budget - self.spent

    def _charge(self, started: float) -> None:
        self.spent += time.monotonic() - started
        if self.budget_left <= 0:
            self.worker.stop()  # nothing of this submission keeps running once its time is spent

    def _request(self, fn: str, message: dict, timeout: float | None) -> dict:
        if self.report.failed:
            raise StudentError(fn, "load", self.report.failed)
        if self.budget_left <= 0:
            raise StudentError(fn, "budget", f"{fn} was not run: {self.label} used up its {self.budget:g} s "
                               "of grading time (earlier calls were too slow or never returned).")
        on_ask = None
        if self.carry is not None and self.carry.standins(fn):
            message = {**message, "standins": self.carry.standins(fn)}
            on_ask = self.carry.session(fn).answer
        key = Memo.key(message) if self.memo is not None and on_ask is None else None
        remembered = self.memo.get(key) if key is not None else None
        if remembered is not None:
            return remembered
        with self._lock:
            started = time.monotonic()
            try:
                reply = self._attempt(fn, message, timeout, started, on_ask)
            finally:
                self._charge(started)
            if key is not None:
                self.memo.put(key, reply, self.worker.reply_size)
            return reply

    def _attempt(self, fn: str, message: dict, timeout: float | None, started: float, on_ask=None) -> dict:
        if not self.worker.alive:
            report = self.worker.start(timeout=self.budget_left)
            if report.failed and self.budget_left - (time.monotonic() - started) <= 0.01:
                raise StudentError(fn, "budget", f"{fn} was not run: {self.label} used up its {self.budget:g} s "
                                   "of grading time while being loaded again.")
            self.report = report
            if self.report.failed:
                raise StudentError(fn, "load", self.report.failed)
        limit = timeout or self.call_timeout
        left = self.budget_left - (time.monotonic() - started)
        try:
            reply = self.worker.request(message, min(limit, max(left, 0.0)), on_ask)
        except WorkerLost as lost:
            if lost.kind == "timeout" and left < limit:
                raise StudentError(fn, "budget", f"{fn} did not return before {self.label} used up its "
                                   f"{self.budget:g} s of grading time.") from None
            if lost.kind == "timeout":
                raise StudentError(fn, "timeout", f"{fn} did not return within {limit:g} s "
                                   "(an endless loop, or far too slow).") from None
            raise StudentError(fn, "crashed", f"{fn} {lost.detail}: the process running "
                               f"{self.label} was lost.") from None
        if not reply.get("ok"):
            raise StudentError(fn, reply.get("kind", "raised"), self._explain(fn, reply), str(reply.get("type", "")))
        return reply

    def _explain(self, fn: str, reply: dict) -> str:
        if reply.get("kind") == "missing":
            hint = ""
            if self.report.errors:
                first = self.report.errors[0]
                hint = f" (the code {first['where']} raised {first['type']}: {first['message']})"
            return f"{fn} is not defined in {self.label}{hint}."
        where = f" {reply['where']}" if reply.get("where") else ""
        message = reply.get("message", "")
        return f"{fn} raised {reply.get('type', 'an error')}{where}" + (f": {message}" if message else "")

    def output(self) -> str:
        return self.worker.output()

    def close(self) -> None:
        self.worker.cleanup()


# ----------------------------------------------------------------- child side


def _student_frames(tb) -> tuple[str, str]:
    """Where in the student's code an exception came from, the last frame in a submission cell:
    ("in the cell that defines softmax, line 5", that line's source), or ("", "")."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<")]
    if not frames:
        return "", ""
    last = frames[-1]
    return f"in {last.filename.strip('<>')}, line {last.lineno}", (last.line or "").strip()


def _error(exc: BaseException, kind: str = "raised") -> dict:
    message = str(exc)
    if isinstance(exc, SyntaxError) and (exc.filename or "").startswith("<"):
        # compile() raised: no frame of the student's, but the error knows its cell and line
        where, line = f"in {exc.filename.strip('<>')}, line {exc.lineno}", (exc.text or "").strip()
        message = exc.msg
    else:
        where, line = _student_frames(exc.__traceback__)
    if isinstance(exc, AssertionError) and not message.strip() and line:  # a bare `assert`: its line says what
        message = f"the failing line is `{line[:200]}`"
    if len(message) > 500:
        message = message[:500] + " ..."
    return {"ok": False, "kind": kind, "type": type(exc).__name__, "message": message, "where": where}


def _remember_source(filename: str, source: str) -> None:
    """Put a cell's lines where tracebacks look for them. The cells of one .py file share its name, each
    padded with blank lines to the file's line numbers (load.python_cells): their lines are merged."""
    lines = source.splitlines(True)
    known = linecache.cache.get(filename)
    if known and known[1] is None:  # one of ours, from an earlier cell of the same file
        old = known[2]
        lines = [new if new.strip() or i >= len(old) else old[i] for i, new in enumerate(lines)] + old[len(lines):]
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)


def _execute_cells(cells: list, namespace: dict) -> dict:
    errors = []
    for label, source in cells:
        filename = f"<{label}>"
        _remember_source(filename, source)
        try:
            exec(compile(source, filename, "exec"), namespace)
        except BaseException as exc:  # a broken cell costs only what it defines
            err = _error(exc)
            errors.append({"cell": label, "type": err["type"], "message": err["message"],
                           "where": err["where"] or f"in {label}"})
    defined = sorted(k for k, v in namespace.items() if callable(v) and not k.startswith("_"))
    return {"ok": True, "defined": defined, "errors": errors}


def _prepare(value: Any) -> Any:
    """Arguments as the student's code gets them: decoded arrays are fresh, writable copies (changing one
    is checked by a test of its own, not a crash); a descriptor becomes the grader's test function."""
    from autograder import harness

    if isinstance(value, codec.Fn):
        return harness.build_function(value)
    if type(value) in (list, tuple):
        return type(value)(_prepare(v) for v in value)
    return value


def _call(namespace: dict, message: dict, ask) -> dict:
    fn = namespace.get(message["fn"])
    if not callable(fn):
        return {"ok": False, "kind": "missing"}
    args = _prepare(codec.decode(message["args"]))
    kwargs = _prepare(codec.decode(message["kwargs"]))
    # numpy's default error state, whatever the submission set globally: a warning inside the call counts
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"), \
            carry.standins(namespace, message.get("standins", []), ask, message["fn"]):
        warnings.simplefilter("always")
        value = fn(*args, **kwargs)
    reply = {"ok": True, "value": codec.encode(value),
             "warnings": [f"{w.category.__name__}: {w.message}" for w in caught][:20]}
    if message["keep_args"]:
        reply["args"] = codec.encode(args)
    return reply


def _run(namespace: dict, message: dict, ask) -> dict:
    from autograder import harness

    op = harness.OPS[message["name"]]
    with carry.standins(namespace, message.get("standins", []), ask, message.get("fn", "")):
        value = op(namespace, **codec.decode(message["kwargs"]))
    return {"ok": True, "value": codec.encode(value)}


def _load(message: dict, namespace: dict, fds: tuple[int, int]) -> dict:
    from autograder import harness

    # confinement first, inside this process, before any of the submission's code runs (see sandbox)
    confined = sandbox.confine(message.get("sandbox"), keep_fds=fds)
    for name, data in (message.get("files") or {}).items():
        with open(os.path.basename(name), "wb") as f:  # into the working folder, never a path of the sender's
            f.write(base64.b64decode(data))
    harness.install(message.get("harness", ""))
    return {**_execute_cells(message["cells"], namespace), "sandbox": confined}


def serve(recv_fd: int, send_fd: int) -> None:
    """The child's loop: one request in, one reply out, until the parent closes the pipe."""
    recv = os.fdopen(recv_fd, "rb", buffering=0)
    namespace: dict = {"__name__": "submission", "__builtins__": __builtins__}

    def ask(message: dict) -> dict:
        """A stand-in's question to the grader (see carry), answered before the call's reply."""
        _send(send_fd, message)
        header = _read_exact(recv, 4)
        if not header:
            os._exit(0)  # the grader is gone
        return codec.unpack(_read_exact(recv, int.from_bytes(header, "big")))

    handlers = {"load": lambda m: _load(m, namespace, (recv_fd, send_fd)),
                "call": lambda m: _call(namespace, m, ask), "run": lambda m: _run(namespace, m, ask)}
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
        _send(send_fd, reply)


def _send(send_fd: int, message: dict) -> None:
    view = memoryview(codec.pack(message))
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

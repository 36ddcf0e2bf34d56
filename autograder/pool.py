"""A warm worker pool: a fork server that imports NumPy and PyTorch once and forks a fresh worker per request.

Starting a worker with `spawn_process` costs a new interpreter plus NumPy and, for most submissions, PyTorch
(together 1.5 to 2 s here). The fork server (a "zygote") pays that once per run: it is started by the grader,
imports NumPy, PyTorch (without initialising CUDA) and the worker-side modules, then waits on a Unix socket.
Each request carries the worker's two pipe ends and its capture file as file descriptors (`socket.send_fds`);
the zygote forks, and the child becomes exactly what `spawn_process` would have started: its own session and
process group, its own home folder as working directory, the minimal environment of `worker_env`, stdin on
/dev/null, stdout and stderr on the capture file, no other file descriptor, then `python -m autograder.worker`
run the usual way (so `serve()` applies the sandbox, as it does for a spawned worker).

The connection that asked for a worker stays open as its process handle (`ForkedProcess`: pid, poll(), wait()):
the zygote reaps its children and sends each one's exit status back on it. A client that goes away (a grading
process killed mid-run) makes the zygote kill that worker's process group, and the zygote itself exits,
killing every worker it started, when the process that started it dies (its stdin reaches end of file).

Only the grader may ask for workers: the socket lives in a private (0700) folder, and the zygote refuses a
connection whose peer (SO_PEERCRED) has another user id or descends from the zygote itself (a student's code,
or anything it forked: the zygote is a child subreaper, so orphans stay its descendants).

`ForkServer.spawn` and `Client.spawn` have the signature of `worker.spawn_process` and can be passed to
`Worker(spawn=...)` / `Submission(spawn=...)`. When the fork server cannot start or stops answering, they fall
back to `spawn_process` and say so once in the log.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from autograder import worker as worker_module
from autograder.worker import worker_env

log = logging.getLogger("autograder.pool")

PRELOAD = ("numpy", "autograder.codec", "autograder.sandbox", "autograder.worker", "autograder.harness")
# What a fork server imports besides, unless told (ForkServer(preload=...): an assignment's imports): PyTorch,
# and what its first optimizer step imports (torch._dynamo, with sympy: 2 to 3 s in every new worker);
# matplotlib's pyplot, which notebooks import to plot: 0.7 s in every new worker, most of it finding the
# system's fonts (its font list is built once here, and the workers inherit it, on the Agg backend that
# worker_env sets). PyTorch, when imported, is warmed up by one optimizer step (_warm_up_torch).
OPTIONAL_PRELOAD = ("torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data", "torch._dynamo",
                    "matplotlib.pyplot")
START_TIMEOUT = 120.0  # seconds for the zygote to import its modules
SOCKET_NAME = "zygote.sock"


# ------------------------------------------------------------------ the parent side: handles and clients


class ForkedProcess:
    """A worker forked by the zygote, with the Popen methods that `Worker` uses: pid, poll(), wait().

    The exit status comes from the zygote over the connection that asked for the worker.
    """

    def __init__(self, conn: socket.socket, pid: int):
        self.conn = conn
        self.pid = pid
        self.returncode: int | None = None
        self._buffer = b""

    def _take_status(self, block: bool, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            if b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                message = json.loads(line)
                if "status" in message:
                    self.returncode = int(message["status"])  # the connection stays open until wait()
                continue
            if block:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
                ready = select.select([self.conn], [], [], left)[0]
            else:
                ready = select.select([self.conn], [], [], 0)[0]
            if not ready:
                if block:
                    continue
                return
            try:
                chunk = self.conn.recv(4096)
            except OSError:
                chunk = b""
            if not chunk:
                self._zygote_lost()
                return
            self._buffer += chunk

    def _zygote_lost(self) -> None:
        # The zygote died without reporting: make sure the worker's group is gone, as Worker.stop would.
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.returncode = -signal.SIGKILL
        self.conn.close()

    def poll(self) -> int | None:
        """The exit code once the worker has ended; its pid stays reserved (a zombie) until wait()."""
        if self.returncode is None:
            self._take_status(block=False)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit code; then the zygote may reap the worker and its pid is free."""
        if self.returncode is None:
            self._take_status(block=True, timeout=timeout)
        self.conn.close()
        return self.returncode

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Client:
    """Asks a running zygote for workers; `spawn` falls back to `spawn_process` when the zygote is gone."""

    def __init__(self, address: str | None, *, wait_ready=None):
        self.address = address
        self._wait_ready = wait_ready  # set by ForkServer: blocks until the zygote has finished importing
        self._fell_back = address is None
        self.forked = 0
        self.spawned = 0

    def spawn(self, home: str, output_path: str):
        """Start a worker for `home`; returns (process handle, send fd, receive fd) like spawn_process."""
        if not self._fell_back:
            try:
                if self._wait_ready is not None and not self._wait_ready():
                    raise OSError("the fork server did not start")
                started = self._fork(home, output_path)
                self.forked += 1
                return started
            except OSError as exc:
                self._fell_back = True
                log.warning("autograder: the fork server is not available (%s); starting each worker as a new "
                            "interpreter instead (slower, same isolation).", exc)
        self.spawned += 1
        return worker_module.spawn_process(home, output_path)

    def _fork(self, home: str, output_path: str):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        conn = None
        try:
            out = os.open(output_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                conn.settimeout(30)
                conn.connect(self.address)
                request = {"cwd": home, "env": worker_env(home)}
                socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [to_child_r, from_child_w, out])
            finally:
                os.close(out)
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    raise OSError("the fork server closed the connection")
                reply += chunk
            message = json.loads(reply)
            if "pid" not in message:
                raise OSError(message.get("error", "the fork server refused"))
            conn.settimeout(None)
        except BaseException:
            if conn is not None:
                conn.close()
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        return ForkedProcess(conn, int(message["pid"])), to_child_w, from_child_r


class ForkServer:
    """Start a zygote for this run (``with ForkServer() as pool: Submission(cells, spawn=pool.spawn)``).

    `start()` returns at once; the first `spawn` waits until the zygote has imported its modules. Processes
    that should share it (the batch grader's job processes) connect with `Client(pool.address)`.
    """

    def __init__(self, *, python: str = sys.executable, start_timeout: float = START_TIMEOUT,
                 keep_fds: tuple[int, ...] = (), preload: tuple[str, ...] | None = None):
        self.python = python
        self.preload = OPTIONAL_PRELOAD if preload is None else tuple(preload)  # besides PRELOAD
        self.keep_fds = keep_fds  # inherited by the zygote only (never by workers): e.g. a run's lock
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.folder: str | None = None
        self.address: str | None = None
        self._ready: bool | None = None
        self._ready_lock = threading.Lock()
        self.client = Client(None)
        self.startup_seconds: float | None = None

    def start(self) -> "ForkServer":
        self.folder = tempfile.mkdtemp(prefix="ag-pool-")  # 0700: only this user can reach the socket
        self.address = os.path.join(self.folder, SOCKET_NAME)
        home = os.path.join(self.folder, "home")
        os.mkdir(home)
        self._started_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                [self.python, "-m", "autograder.pool", self.address, *self.preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, cwd=home, pass_fds=self.keep_fds,
                env={**worker_env(home), "AUTOGRADER_ZYGOTE": "1"},
                start_new_session=True,  # a Ctrl-C at the terminal reaches the grader, which then stops it
            )
        except OSError as exc:
            log.warning("autograder: could not start the fork server (%s); workers start as new interpreters.", exc)
            self._ready = False
        self.client = Client(self.address, wait_ready=self.wait_ready)
        atexit.register(self.close)
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the zygote has imported everything and listens; False if it failed to start."""
        with self._ready_lock:  # a grade() starts the reference and the student's worker from two threads
            return self._wait_ready(timeout)

    def _wait_ready(self, timeout: float | None) -> bool:
        if self._ready is not None:
            return self._ready
        assert self.proc is not None
        timeout = self.start_timeout if timeout is None else timeout
        line = b""
        if select.select([self.proc.stdout], [], [], timeout)[0]:
            line = self.proc.stdout.readline()
        self._ready = line.strip() == b"ready"
        if self._ready:
            self.startup_seconds = round(time.monotonic() - self._started_at, 3)
        else:
            detail = line.decode(errors="replace").strip() or f"no answer within {timeout:g} s"
            log.warning("autograder: the fork server did not start (%s); workers start as new interpreters.", detail)
            self._kill()
        return self._ready

    def spawn(self, home: str, output_path: str):
        return self.client.spawn(home, output_path)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def _kill(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # the zygote kills its workers and exits on end of file
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def close(self) -> None:
        self._kill()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "ForkServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------ the zygote


def _set_child_subreaper() -> None:
    """Orphans of a worker are re-parented to the zygote (which reaps them) instead of to init."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    try:
        for _ in range(1000):
            if pid == ancestor:
                return True
            if pid <= 1:
                return False
            pid = _parent_of(pid)
    except (OSError, ValueError, IndexError):
        return True  # cannot tell: refuse
    return True


def _peer_allowed(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid() and not _descends_from(pid, os.getpid())


def _children_states() -> dict[int, str]:
    """{pid: state letter} of this process's children, from /proc."""
    me, found = os.getpid(), {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == me:
                    found[int(entry)] = fields[0]
            except (OSError, ValueError, IndexError):
                pass
    return found


def _direct_children() -> set[int]:
    return set(_children_states())


def _zombie_children() -> set[int]:
    return {pid for pid, state in _children_states().items() if state == "Z"}


def _keep_only_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _become_worker(request: dict, fds: list[int]) -> None:
    """In the forked child: the same process a `spawn_process` would have started, then the worker's main."""
    recv_fd, send_fd, out_fd = fds
    os.setsid()
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    # the pipes keep their numbers, which the worker reads from argv as spawn_process passes them
    _keep_only_fds({0, 1, 2, recv_fd, send_fd})
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # a fresh interpreter's `python -m` puts its working directory first on sys.path
    sys.path[0] = request["cwd"]
    # state a new interpreter would have: NumPy's global generator seeded from entropy (the `random` module
    # is reseeded by CPython's own at-fork hook), and the temporary folder found again from TMPDIR
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    import tempfile as child_tempfile

    child_tempfile.tempdir = None
    sys.argv = ["-m", str(recv_fd), str(send_fd)]
    # as after `python -m autograder.worker`: the worker runs as __main__, and no `autograder.worker` exists
    # yet (its imports, NumPy and the codec, are loaded and stay loaded)
    sys.modules.pop("autograder.worker", None)
    package = sys.modules.get("autograder")
    if package is not None and "worker" in vars(package):
        delattr(package, "worker")
    import runpy

    runpy.run_module("autograder.worker", run_name="__main__", alter_sys=True)


def _run_child(request: dict, fds: list[int]) -> None:
    """Run the worker and leave as the interpreter would: exit code, at-exit handlers, flushed output."""
    import atexit as child_atexit
    import traceback

    code = 0
    try:
        _become_worker(request, fds)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        child_atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code)


def _warm_up_torch() -> None:
    """One optimizer step on a constant tensor: the lazy imports and first-call set-up happen here, once.

    It draws no random numbers (the generator state is checked), starts no thread and touches no GPU,
    so a forked worker starts from the state a new interpreter that imported torch would have.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return
    state = torch.random.get_rng_state()
    w = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    loss = torch.nn.functional.binary_cross_entropy(torch.sigmoid(w), torch.ones(3))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if not torch.equal(state, torch.random.get_rng_state()):
        torch.random.set_rng_state(state)


def _preload(modules: list[str]) -> None:
    """What every worker needs, and `modules`, imported (and PyTorch warmed up) once, before the first fork."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a worker whose code needs it says so itself
    try:
        _warm_up_torch()
    except Exception as exc:  # never fatal: the workers then pay for it themselves
        print(f"autograder zygote: PyTorch warm-up failed ({type(exc).__name__}: {exc})", file=sys.stderr)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Zygote:
    """The fork server's loop: `serve` waits on its sockets and pipes and hands each event to its method
    (a client's request, a child's exit, a client gone, the grader gone, SIGTERM).

    A worker's exit status goes to the connection that asked for it as soon as it exits, but the
    worker is reaped only once that client has waited for it (closed the connection): until then its
    pid stays a zombie, reserved, as a Popen child's stays until wait(). Orphans are reaped at once.
    """

    def __init__(self, address: str):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(address)
        self.listener.listen(64)
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(self.wake_r, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.terminate = False
        signal.signal(signal.SIGTERM, self.on_sigterm)  # then wakes the loop
        self.children: dict[int, socket.socket | None] = {}  # worker pid -> its client's connection (None: gone)
        self.by_conn: dict[socket.socket, int] = {}
        self.reported: set[int] = set()  # exited, status sent, waiting for the client to close
        self.stdin = sys.stdin.buffer

    def announce_ready(self) -> None:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)

    def serve(self) -> None:
        try:
            while not self.terminate:
                try:
                    readable = select.select([self.listener, self.stdin, self.wake_r, *self.by_conn], [], [])[0]
                except InterruptedError:
                    continue
                if self.wake_r in readable:
                    self.on_signal()
                if self.stdin in readable and not os.read(self.stdin.fileno(), 512):
                    break  # the grader is gone
                for conn in [c for c in readable if c in self.by_conn]:
                    self.on_client_readable(conn)
                if self.listener in readable:
                    self.on_connect()
        finally:
            self.shutdown()

    # ---------------------------------------------------------------- one method per event

    def on_sigterm(self, *_) -> None:
        self.terminate = True

    def on_signal(self) -> None:
        """A signal arrived (SIGCHLD, say): drain the wake-up pipe, then look at the children."""
        try:
            while os.read(self.wake_r, 512):
                pass
        except BlockingIOError:
            pass
        self.on_exits()

    def on_exits(self) -> None:
        for pid in [p for p in self.children if p not in self.reported]:
            try:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                info = None
                self.children.pop(pid, None)
            if info is not None:
                self.on_child_exit(pid, info)
        for pid in _zombie_children() - set(self.children):  # orphans left by workers, and strays
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass

    def on_child_exit(self, pid: int, info) -> None:
        """A worker exited: its status to its client, or reaped at once if the client has gone."""
        conn = self.children.get(pid)
        if conn is None:
            self.reap(pid)
            return
        self.reported.add(pid)
        code = -info.si_status if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED) else info.si_status
        try:
            conn.sendall(json.dumps({"status": code}).encode() + b"\n")
        except OSError:
            pass

    def on_client_readable(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(512)
        except OSError:
            data = b""
        if not data:
            self.on_client_gone(conn)

    def on_client_gone(self, conn: socket.socket) -> None:
        """The client closed its connection: it has waited for its worker, or it is gone."""
        pid = self.by_conn.pop(conn)
        conn.close()
        if pid in self.reported:
            self.reap(pid)
        else:  # the grading process went away while its worker ran: the worker goes too
            _kill_group(pid)
            self.children[pid] = None

    def on_connect(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        self.on_request(conn)

    def on_request(self, conn: socket.socket) -> None:
        """A client asks for a worker: its request and three descriptors in, the new worker's pid out."""
        request, fds = self.read_request(conn)
        if request is None:
            return
        pid = os.fork()
        if pid == 0:
            _run_child(request, fds)  # never returns
        for fd in fds:
            os.close(fd)
        conn.settimeout(None)
        self.children[pid] = conn
        self.by_conn[conn] = pid
        try:
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        except OSError:
            pass

    def read_request(self, conn: socket.socket) -> tuple[dict | None, list[int]]:
        """(request, its three descriptors), or (None, []) with the connection closed if refused or bad."""
        conn.settimeout(10)
        try:
            if not _peer_allowed(conn):
                conn.sendall(b'{"error": "refused"}\n')
                conn.close()
                return None, []
            msg, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, 3)
            if len(fds) != 3:
                for fd in fds:
                    os.close(fd)
                conn.close()
                return None, []
            while not msg.endswith(b"\n"):
                more = conn.recv(1 << 20)
                if not more:
                    raise OSError("short request")
                msg += more
            return json.loads(msg), fds
        except (OSError, ValueError):
            conn.close()
            return None, []

    # ---------------------------------------------------------------- helpers and the end

    def reap(self, pid: int) -> None:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        self.children.pop(pid, None)
        self.reported.discard(pid)

    def shutdown(self) -> None:
        """Every worker, and every orphan a worker left (as a subreaper, the zygote is their parent now)."""
        for pid in set(self.children) | _direct_children():
            _kill_group(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + 5
        while _direct_children() and time.monotonic() < deadline:
            try:
                os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            time.sleep(0.005)
        self.listener.close()


def _zygote(address: str, modules: list[str]) -> None:
    _preload(modules)
    _set_child_subreaper()
    zygote = Zygote(address)
    zygote.announce_ready()
    zygote.serve()


def _zygote_main(argv: list[str]) -> int:
    try:
        _zygote(argv[0], argv[1:])
    except BaseException as exc:  # report a failed start on the ready line
        try:
            sys.stdout.write(f"failed: {type(exc).__name__}: {exc}\n")
            sys.stdout.flush()
        except OSError:
            pass
        raise
    return 0


if __name__ == "__main__":
    code = _zygote_main(sys.argv[1:])
    # its workers are gone and it writes nothing more: leave without tearing down PyTorch and matplotlib
    # (about a second at the end of every class run)
    os._exit(code)

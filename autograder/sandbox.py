"""Confine a worker process before it runs a submission's code; kill everything it started afterwards.

``confine`` runs INSIDE the child, first thing in ``worker.serve`` (however the child was started), and
returns which measures are in force; the parent logs each measure that is missing, once per grader
process, and records them. ``kill_tree`` runs in the parent when a worker is stopped.

Measures, strongest first (SECURITY.md says what each defends and what it does not):

- resource limits: CPU seconds, address space, file size (SIGXFSZ ignored, so a write past it fails
  with an error), open files, no core files; the process count once it can be counted per worker;
- namespaces: a new mount, network, PID and IPC namespace (as root directly; as another user through
  an unprivileged user namespace, where the kernel allows it). In them the worker has no network; the
  reference, the grading suite, the git history, the project's tests and any configured folder are
  covered by an empty read-only tmpfs; every other mount is read-only; the working directory and
  /dev/shm are small private tmpfs; /proc shows only the worker's own processes; and every process
  the worker starts dies with it (the worker is the PID namespace's init);
- a dedicated user (as root): uid/gid 65534 (nobody) by default, no supplementary groups, no
  capabilities, no_new_privs.

Nothing here raises in the child: a measure that cannot be had is reported as "off: why".
"""
from __future__ import annotations

import ctypes
import errno
import logging
import os
import signal
import stat
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.config import DEFAULTS

log = logging.getLogger("autograder.sandbox")

PACKAGE = Path(__file__).resolve().parent  # .../autograder
ROOT = PACKAGE.parent  # the checkout (or site-packages, when installed)

MiB, GiB = 1 << 20, 1 << 30

# the measures a worker reports, in the order they are logged
MEASURES = ("limits", "processes", "user", "network", "filesystem", "pid_namespace", "privileges")


def default_hidden() -> list[str]:
    """Folders a worker must not read: the solution, the hidden tests, the history that holds both."""
    paths = [ROOT / "reference", PACKAGE / "suites", ROOT / ".git", ROOT / "tests"]
    return [str(p) for p in paths]


@dataclass
class Settings:
    """How a worker is confined; sent to the child in the "load" message.

    The switch, the user and the folders to hide on top of these are settings (autograder.config:
    sandbox, sandbox_uid, sandbox_gid, hide; Config.sandbox_settings builds these from them); the
    limits are fixed here.
    """

    enabled: bool = DEFAULTS.sandbox
    cpu_seconds: int = 600  # per worker process (the wall-clock budgets in worker.py come first)
    memory_bytes: int = 2 * GiB  # address space: grading the reference peaks at ~0.8 GiB, torch included
    file_bytes: int = 16 * MiB  # largest file the worker may write, its captured output included
    disk_bytes: int = 64 * MiB  # size of its private working directory (a tmpfs), and of its /dev/shm
    open_files: int = 256
    processes: int = 64  # processes and threads, counted per worker in a user namespace
    uid: int = DEFAULTS.sandbox_uid  # the user a root grader drops the worker to
    gid: int = DEFAULTS.sandbox_gid
    namespaces: bool = True  # False skips every namespace (to see the fallback; never needed otherwise)
    hide: list[str] = field(default_factory=default_hidden)

    def to_message(self) -> dict:
        return asdict(self)

    @classmethod
    def from_message(cls, data: dict | None) -> "Settings":
        if data is None:  # a parent that sent no settings gets the defaults: confinement is never skipped silently
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


SETTINGS = Settings()  # the defaults: what a worker gets when its caller passes no settings


# ------------------------------------------------------------------ the parent: logging what is missing

_logged: set[tuple[str, str]] = set()


def note(report: dict) -> None:
    """Log, once per grader process, every measure a worker reported as off (never to the student).

    Measures off for one reason (the namespaces the kernel refused) make one line.
    """
    by_state: dict[str, list[str]] = {}
    for name, state in report.items():
        if not state.startswith("on"):
            by_state.setdefault(state, []).append(name.replace("_", " "))
    for state, names in by_state.items():
        key = (", ".join(names), state)
        if key not in _logged:
            _logged.add(key)
            log.warning("sandbox: %s %s", *key)


def in_force(report: dict) -> list[str]:
    return [name for name, state in report.items() if state.startswith("on")]


# ------------------------------------------------------------------ the parent: killing what a worker left


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, process group, session) for every process we can see."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def family(root: int, table: dict | None = None, reaped: bool = False) -> set[int]:
    """The processes a worker started: its descendants, its process group and its session.

    `reaped`: the worker was already waited for, so its pid may be another process's now; only the
    group and the session are used then (their id stays reserved while a member lives).
    """
    table = _proc_table() if table is None else table
    found = {pid for pid, (_, pgid, sid) in table.items() if pgid == root or sid == root}
    if reaped:
        found.discard(root)
    elif root in table:
        found.add(root)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    stack = list(found)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_tree(root: int, reaped: bool = False) -> None:
    """SIGKILL a worker, its process group and every descendant, including ones that called setsid.

    Processes are stopped first, pass after pass until no new one appears, so none can fork while
    the tree is read; then all are killed. With a PID namespace the kernel also kills every process
    of the namespace when its init (the worker) dies; without one, a worker that is a child
    subreaper keeps double-forked orphans in its tree, so they are found here.
    """
    stopped: set[int] = set()
    for _ in range(50):
        new = family(root, reaped=reaped) - stopped
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        stopped |= new
    for pid in stopped:
        _signal(pid, signal.SIGKILL)
    try:
        os.killpg(root, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in family(root, reaped=reaped) - stopped:  # forked while being stopped: still in the group or session
        _signal(pid, signal.SIGKILL)


# ------------------------------------------------------------------ the child: system calls

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 36, 38, 47
# statvfs flags that a bind remount must keep (in a user namespace the kernel locks them)
_KEEP = 0x1 | 0x2 | 0x4 | 0x8 | 0x400 | 0x800 | 0x1000  # rdonly nosuid nodev noexec noatime nodiratime relatime


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _mount(source, target, fstype, flags: int, data=None) -> None:
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _prctl(option: int, arg: int = 0, arg3: int = 0) -> None:
    _check(_libc.prctl(option, arg, arg3, 0, 0), f"prctl {option}")


def _drop_capabilities() -> None:
    """No capabilities left, in any set, so nothing the worker later runs can get one back."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(Header(0x20080522, 0)), data), "capset")


def _map_user(uid: int, gid: int) -> None:
    """In a fresh user namespace, be the same uid/gid as outside (and nobody else)."""
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


def _has_gpu() -> bool:
    return any(name.startswith("nvidia") for name in os.listdir("/dev")) if os.path.isdir("/dev") else False


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _tasks_of(uid: int) -> int:
    """How many processes and threads `uid` runs now (RLIMIT_NPROC counts these per user)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                st = os.stat(f"/proc/{entry}")
                if st.st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return count


def _readable_by_others(path: str) -> str:
    """'' when every folder above `path` lets others through and `path` lets them read; else the culprit."""
    p = Path(path).resolve()
    for parent in [*reversed(p.parents), p]:
        try:
            mode = os.stat(parent).st_mode
        except OSError:
            return str(parent)
        need = stat.S_IXOTH | (stat.S_IROTH if parent == p else 0)
        if mode & need != need:
            return str(parent)
    return ""


def _needed_paths(workdir: str = "") -> list[str]:
    """What the worker reads after confinement: Python and its standard library, the virtual
    environment (NumPy, torch and what they import), the package, every folder on sys.path."""
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, str(PACKAGE))}
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            paths.add(os.path.realpath(entry))
    if workdir:
        paths.discard(os.path.realpath(workdir))  # python -m puts the working folder on sys.path
    # keep only the outermost of nested paths
    ordered = sorted(paths)
    return [p for i, p in enumerate(ordered) if not any(p.startswith(q.rstrip("/") + "/") for q in ordered[:i])]


def _mounts() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4]
            # mountinfo escapes space, tab, newline and backslash as \ooo
            points.append(point.encode().decode("unicode_escape").encode("latin-1").decode())
    return points


# ------------------------------------------------------------------ the child: the measures


class _Confinement:
    def __init__(self, settings: Settings, workdir: str):
        self.s = settings
        self.workdir = workdir
        self.report: dict[str, str] = {}
        self.is_root = os.geteuid() == 0
        self.exposed: list[str] = []

    def on(self, name: str, detail: str) -> None:
        self.report[name] = f"on: {detail}"

    def off(self, name: str, why: str) -> None:
        self.report[name] = f"off: {why}"

    # -- limits that hold for the worker and everything it starts
    def limits(self) -> None:
        import resource

        s = self.s
        # CUDA reserves tens of GiB of address space it never uses: with a GPU, limit the data instead
        memory = resource.RLIMIT_DATA if _has_gpu() else resource.RLIMIT_AS
        wanted = [(resource.RLIMIT_CPU, s.cpu_seconds, s.cpu_seconds + 1),  # soft: SIGXCPU, hard: SIGKILL
                  (memory, s.memory_bytes, s.memory_bytes),
                  (resource.RLIMIT_FSIZE, s.file_bytes, s.file_bytes),
                  (resource.RLIMIT_NOFILE, s.open_files, s.open_files),
                  (resource.RLIMIT_CORE, 0, 0)]
        failed = []
        for which, soft, hard in wanted:
            _, old_hard = resource.getrlimit(which)
            if old_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, old_hard), min(hard, old_hard)
            try:
                resource.setrlimit(which, (soft, hard))
            except (ValueError, OSError) as exc:
                failed.append(f"{which}: {exc}")
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the file-size limit fails with EFBIG
        what = "data (a GPU is present)" if memory == resource.RLIMIT_DATA else "address space"
        detail = (f"cpu {s.cpu_seconds} s, {what} {s.memory_bytes / GiB:g} GiB, "
                  f"files {s.file_bytes / MiB:g} MiB, {s.open_files} open files, no core files")
        if failed:
            self.off("limits", f"some limits could not be set ({'; '.join(failed)}); the others hold: {detail}")
        else:
            self.on("limits", detail)

    def process_limit(self, per_worker: bool, uid: int) -> None:
        import resource

        n = self.s.processes
        if uid == 0:
            self.off("processes", "not limited: the worker runs as root, which RLIMIT_NPROC does not limit")
            return
        if per_worker:
            limit, detail = n, f"{n} processes and threads (counted in the worker's own user namespace)"
        else:
            # RLIMIT_NPROC counts every process of the user: allow this many more than it has now
            limit = _tasks_of(uid) + n
            detail = (f"RLIMIT_NPROC counts all {limit - n} processes and threads of uid {uid} too; "
                      f"the worker may start about {n} more")
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
        except (ValueError, OSError) as exc:
            self.off("processes", f"RLIMIT_NPROC could not be set ({exc})")
            return
        if per_worker:
            self.on("processes", detail)
        else:
            self.off("processes", f"shared limit only: {detail}")

    # -- namespaces
    def namespaces(self) -> bool:
        """Enter new namespaces; True when a mount, network and PID namespace were all made."""
        if not self.s.namespaces:
            for name in ("network", "filesystem", "pid_namespace"):
                self.off(name, "namespaces turned off in the settings")
            return False
        if _threads() > 1:
            why = (f"the worker already runs {_threads()} threads, and the kernel refuses new namespaces to a "
                   "threaded process (start workers before any thread)")
            for name in ("network", "filesystem", "pid_namespace"):
                self.off(name, why)
            return False
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC
        uid, gid = os.getuid(), os.getgid()
        try:
            if self.is_root:
                _unshare(flags)
            else:
                _unshare(flags | CLONE_NEWUSER)
                _map_user(uid, gid)
        except OSError as exc:
            what = "new namespaces" if self.is_root else "an unprivileged user namespace"
            why = (f"the kernel refused {what} ({os.strerror(exc.errno)}), so the worker can reach the network, "
                   f"can read whatever uid {os.getuid()} can, and the processes it starts are killed by group and "
                   "by tree only; run the grader as root, or in a container without network, for these")
            for name in ("network", "filesystem", "pid_namespace"):
                self.off(name, why)
            return False
        self.on("network", "no network (a new network namespace with only a loopback that is down)")
        return True

    def filesystem(self) -> None:
        """Read-only everything, hidden secrets, a private writable tmpfs for work (in the new mount ns)."""
        try:
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
        except OSError as exc:
            self.off("filesystem", f"mounts could not be made private ({exc.strerror})")
            return
        problems = []
        for point in _mounts():
            if point == "/proc" or point.startswith("/proc/"):
                continue  # replaced by the PID namespace's own /proc
            try:
                flags = os.statvfs(point).f_flag & _KEEP
                _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
            except OSError as exc:
                if not point.startswith(("/sys", "/dev")):  # kernel interfaces, not places to write files
                    problems.append(f"{point} stays writable ({exc.strerror})")
        needed = [Path(p) for p in _needed_paths(self.workdir) + [self.workdir]]
        hidden = []
        for name in self.s.hide:
            path = Path(name).resolve()
            if not path.exists():
                continue
            if any(n == path or n.is_relative_to(path) for n in needed):
                problems.append(f"{path} not hidden (the worker needs what is inside)")
                continue
            try:
                if path.is_dir():
                    _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                           "size=4k,nr_inodes=1,mode=000")
                else:
                    _mount("/dev/null", path, None, MS_BIND)
                    _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
                hidden.append(str(path))
            except OSError as exc:
                problems.append(f"{path} not hidden ({exc.strerror})")
        if self.is_root:
            problems += self.expose(_needed_paths(self.workdir))
        uid, gid = self.target_ids()
        for target, size, mode in ((self.workdir, self.s.disk_bytes, "0700"), ("/dev/shm", self.s.disk_bytes, "1777")):
            try:
                _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
                       f"size={size},nr_inodes=4096,mode={mode},uid={uid},gid={gid}")
            except OSError as exc:
                problems.append(f"{target} is not a private tmpfs ({exc.strerror})")
        detail = (f"read-only except a private {self.s.disk_bytes / MiB:g} MiB working folder and /dev/shm; "
                  f"hidden: {', '.join(hidden) or 'nothing'}")
        if self.exposed:
            detail += f"; shown alone: {'; '.join(self.exposed)}"
        if problems:
            self.off("filesystem", f"partly: {'; '.join(problems)}; otherwise {detail}")
        else:
            self.on("filesystem", detail)

    def expose(self, needed: list[str]) -> list[str]:
        """Let the dedicated user reach what the worker needs behind a closed folder, and nothing else.

        Python is often installed under /root (pyenv, uv): a folder only root may enter. Such a
        folder is covered by an empty tmpfs that others may enter, and each needed path under it is
        bind-mounted back, read-only. The rest of the folder (root's home, say) stays out of sight.
        """
        problems = []
        closed: dict[str, list[str]] = {}
        for path in needed:
            culprit = _readable_by_others(path)
            if culprit and culprit != path:
                closed.setdefault(culprit, []).append(path)
        for folder, paths in closed.items():
            try:
                fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in paths}
            except OSError as exc:
                problems.append(f"{folder} stays closed ({exc.strerror})")
                continue
            try:
                _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
                for p, fd in fds.items():
                    os.makedirs(p, mode=0o755, exist_ok=True)
                    _mount(f"/proc/self/fd/{fd}", p, None, MS_BIND | MS_REC)
                    flags = os.statvfs(p).f_flag & _KEEP
                    _mount(None, p, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
                _mount(None, folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
                self.exposed.append(f"{', '.join(paths)} (out of {folder})")
            except OSError as exc:
                problems.append(f"{folder} stays closed ({exc.strerror})")
            finally:
                for fd in fds.values():
                    os.close(fd)
        self.__dict__.pop("_cannot", None)  # what the user can read has changed
        return problems

    def target_ids(self) -> tuple[int, int]:
        """The uid/gid the worker ends up with."""
        if self.is_root and self.can_drop():
            return self.s.uid, self.s.gid
        return os.getuid(), os.getgid()

    def can_drop(self) -> str:
        """'' when the dedicated user can read what the worker needs; else what it cannot read."""
        if not hasattr(self, "_cannot"):
            self._cannot = next((bad for bad in map(_readable_by_others, _needed_paths(self.workdir)) if bad), "")
        return "" if self._cannot else "yes"

    # -- the PID namespace: the worker becomes its init; a reaper outside mirrors its exit
    def fork_into_pid_namespace(self, keep_fds: tuple[int, ...]) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
                self.on("pid_namespace", "every process the worker starts dies with it; /proc shows only them")
            except OSError as exc:
                self.off("pid_namespace", f"partly: processes die with the worker, but /proc shows the host's ({exc.strerror})")
            return
        _reap(pid, keep_fds)  # never returns

    # -- the user
    def drop_user(self) -> bool:
        """As root, become the dedicated uid/gid; True when done."""
        if not self.is_root:
            self.off("user", f"the grader is not root, so the worker runs as uid {os.getuid()}, the grader's own user")
            return False
        if not self.can_drop():
            self.off("user", f"stays root: uid {self.s.uid} cannot read {self._cannot}")
            return False
        try:
            os.setgroups([])
            os.setresgid(self.s.gid, self.s.gid, self.s.gid)
            os.setresuid(self.s.uid, self.s.uid, self.s.uid)
        except OSError as exc:
            self.off("user", f"could not become uid {self.s.uid} ({exc.strerror})")
            return False
        self.on("user", f"uid {self.s.uid}, gid {self.s.gid}, no other groups")
        return True

    def own_user_namespace(self) -> bool:
        """After the drop: a user namespace of its own, so the process limit counts this worker only."""
        if not self.s.namespaces:
            return False
        try:
            _prctl(PR_SET_DUMPABLE, 1)  # after setuid the kernel hides /proc/self/*_map from us
            _unshare(CLONE_NEWUSER)
            _map_user(os.getuid(), os.getgid())
            return True
        except OSError:
            return False

    def privileges(self) -> None:
        try:
            _drop_capabilities()
            _prctl(PR_SET_NO_NEW_PRIVS, 1)
            _prctl(PR_SET_DUMPABLE, 0)  # other processes of the same user cannot ptrace or read its memory
            self.on("privileges", "no capabilities, no_new_privs (setuid programs do not help), not dumpable")
        except OSError as exc:
            self.off("privileges", str(exc))


def _reap(child: int, keep_fds: tuple[int, ...]) -> None:
    """Outside the PID namespace: wait for its init (the worker) and end the same way. Never returns."""
    try:
        for fd in keep_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        try:
            _drop_capabilities()
        except OSError:
            pass
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
            time.sleep(1)
            os._exit(128 + sig)
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)
    finally:
        os._exit(70)


def _quiet_fds(keep_fds: tuple[int, ...]) -> None:
    """stdin is /dev/null and nothing but stdout, stderr and the two pipes stays open."""
    null = os.open(os.devnull, os.O_RDONLY)
    if null != 0:
        os.dup2(null, 0)
        os.close(null)
    keep = {0, 1, 2, *keep_fds}
    try:
        open_fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        import resource

        open_fds = range(3, min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 1 << 20))
    for fd in open_fds:
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def confine(settings: dict | None, keep_fds: tuple[int, ...] = ()) -> dict:
    """Confine this process (a worker that has not yet run student code); returns {measure: "on: ..."/"off: ..."}.

    May fork: with a PID namespace only the confined child returns; the original process waits for
    it outside the namespace and exits the same way.
    """
    global _confined
    if _confined is not None:
        return _confined
    _confined = _confine(Settings.from_message(settings), keep_fds)
    return _confined


_confined: dict | None = None


def _confine(s: Settings, keep_fds: tuple[int, ...]) -> dict:
    if not s.enabled:
        return {name: "off: the sandbox is turned off (Settings.enabled is False, e.g. AUTOGRADER_SANDBOX=0)" for name in MEASURES}
    workdir = os.getcwd()
    c = _Confinement(s, workdir)
    _quiet_fds(keep_fds)
    c.limits()
    in_namespaces = c.namespaces()
    if in_namespaces:
        c.filesystem()
        c.fork_into_pid_namespace(keep_fds)
        os.chdir(workdir)  # the tmpfs now mounted on it
    else:
        c.off("filesystem", c.report.get("filesystem", "off: no mount namespace")[5:])
        _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans stay in the worker's tree, where kill_tree finds them
        if c.is_root and c.can_drop():
            os.chown(workdir, s.uid, s.gid)  # its working folder belongs to the worker's user
    dropped = c.drop_user()
    if not c.is_root and in_namespaces:
        per_worker = True  # the user namespace made in namespaces() counts processes per worker
    else:
        per_worker = c.own_user_namespace() if (dropped or not c.is_root) else False
    c.process_limit(per_worker, os.getuid())
    c.privileges()
    if in_namespaces:
        # last: changing credentials clears it. The reaper outside dying kills the namespace.
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.environ["HOME"] = os.environ["TMPDIR"] = workdir
    return {name: c.report.get(name, "off: not attempted") for name in MEASURES}

"""The worker's confinement, measure by measure (SECURITY.md cites these tests by name).

Most tests look from inside a worker (a probe function the submission defines) at what it can do.
Tests of a root grader skip where the tests do not run as root; the non-root tests run the grader as
uid 65534 through tests/as_user.py, which needs root to set that up (CI runs as root).
"""
from __future__ import annotations

import inspect
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import attack_corpus
from autograder import assignment, sandbox, worker
from autograder.codec import Unsupported
from autograder.grade import start_reference
from autograder.worker import StudentError, Submission

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
IS_ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not IS_ROOT, reason="the grader does this as root only; these tests run as another user")

PROBES = r'''
import errno, os, resource, signal, socket, sys, time

def ids():
    return [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()]

def pid():
    return os.getpid()

def processes():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())

def can_read(path):
    try:
        with open(path, "rb") as f:
            f.read(1)
        return "yes"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def can_list(path):
    try:
        return len(os.listdir(path))
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def can_write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        os.unlink(path)
        return "yes"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return "connected"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc)) if exc.errno else str(exc)

def limits():
    return {name: list(resource.getrlimit(getattr(resource, name)))
            for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_CORE")}

def write_bytes(n):
    try:
        with open("big", "wb") as f:
            f.write(b"x" * n)
        return "wrote"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def allocate(gib):
    try:
        block = bytearray(int(gib * (1 << 30)))
        return "allocated"
    except MemoryError:
        return "MemoryError"

def open_many(n):
    files = []
    try:
        for _ in range(n):
            files.append(open("/dev/null"))
        return "opened"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    finally:
        for f in files:
            f.close()

def fork_many(n):
    pids = []
    try:
        for _ in range(n):
            p = os.fork()
            if p == 0:
                time.sleep(5)
                os._exit(0)
            pids.append(p)
        return "forked"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    finally:
        for p in pids:
            os.kill(p, signal.SIGKILL)
            os.waitpid(p, 0)

def spin():
    while True:
        pass

def stdin():
    return sys.stdin.read()

def fds():
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))

def environment():
    return sorted(os.environ)

def torch_trains():
    import torch
    model = torch.nn.Linear(3, 1)
    loss = model(torch.ones(4, 3)).sum()
    loss.backward()
    return float(model.weight.grad.sum())

def escape(marker, seconds=30):
    """Double fork, setsid, no parent-death signal, exec a sleeper: the grandchild outlives the call."""
    import ctypes
    p = os.fork()
    if p:
        os.waitpid(p, 0)
        return "escaped"
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)
        os.execve(sys.executable, [sys.executable, "-c", f"import time; time.sleep({seconds})", marker], {})
    finally:
        os._exit(0)

def leave_group():
    try:
        os.setsid()  # refused to a session leader: a worker started in its own session
        return os.getsid(0)
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def dumpable():
    import ctypes
    return ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE

def no_new_privs():
    import ctypes
    return ctypes.CDLL(None).prctl(39, 0, 0, 0, 0)  # PR_GET_NO_NEW_PRIVS

def capabilities():
    return [line.split()[1] for line in open("/proc/self/status") if line.startswith(("CapEff", "CapPrm"))]

def setuid_root():
    try:
        os.setuid(0)
        return "root"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def unmount(path):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.umount2(path.encode(), 2) == 0:  # MNT_DETACH
        return "unmounted"
    return errno.errorcode.get(ctypes.get_errno(), "?")

def nested_unmount(path):
    """In a user namespace of its own (all capabilities there), try to uncover a hidden folder."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(0x10000000 | 0x00020000) != 0:
        return "unshare " + errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        open("/proc/self/setgroups", "w").write("deny")
        open("/proc/self/uid_map", "w").write(f"0 {uid} 1")
        open("/proc/self/gid_map", "w").write(f"0 {gid} 1")
    except OSError as exc:
        return "map " + errno.errorcode.get(exc.errno, "?")
    if libc.umount2(path.encode(), 2) == 0:
        return "unmounted: " + str(os.listdir(path))
    return errno.errorcode.get(ctypes.get_errno(), "?")
'''


def probe(*, settings: sandbox.Settings | None = None, **kwargs) -> Submission:
    return Submission([("probes.py", PROBES)], settings=settings, **kwargs)


@pytest.fixture(scope="module")
def sub():
    s = probe(call_timeout=20)
    yield s
    s.close()


def on(report: dict, name: str) -> bool:
    return report.get(name, "").startswith("on")


# ------------------------------------------------------------------ what is in force, and what the grader learns


@root_only
def test_as_root_every_measure_is_in_force_and_reported(sub):
    assert set(sub.report.sandbox) == set(sandbox.MEASURES)
    off = {k: v for k, v in sub.report.sandbox.items() if not v.startswith("on")}
    assert off == {}


def test_the_report_reaches_the_grader_and_missing_measures_are_logged_once(caplog):
    sandbox._logged.clear()
    settings = sandbox.Settings(namespaces=False)
    with caplog.at_level(logging.WARNING, logger="autograder.sandbox"):
        for _ in range(2):
            s = probe(settings=settings)
            report = s.report.sandbox
            s.close()
    assert report["network"].startswith("off") and report["pid_namespace"].startswith("off")
    lines = [r.getMessage() for r in caplog.records if "network" in r.getMessage()]
    assert lines == ["sandbox: network, filesystem, pid namespace off: namespaces turned off in the settings"]


def test_the_sandbox_can_be_turned_off_and_says_so():
    s = probe(settings=sandbox.Settings(enabled=False))
    try:
        assert all(v.startswith("off: the sandbox is turned off") for v in s.report.sandbox.values())
        assert s.limits()["RLIMIT_FSIZE"][0] == resource.RLIM_INFINITY
    finally:
        s.close()


# ------------------------------------------------------------------ limits


def test_resource_limits_are_set_in_the_worker(sub):
    s = sandbox.Settings()
    got = sub.limits()
    assert got["RLIMIT_CPU"] == [s.cpu_seconds, s.cpu_seconds + 1]
    assert got["RLIMIT_AS"] == [s.memory_bytes] * 2
    assert got["RLIMIT_FSIZE"] == [s.file_bytes] * 2
    assert got["RLIMIT_NOFILE"] == [s.open_files] * 2
    assert got["RLIMIT_CORE"] == [0, 0]
    if on(sub.report.sandbox, "processes"):
        assert got["RLIMIT_NPROC"] == [s.processes] * 2


def test_a_file_past_the_size_limit_fails_with_an_error_not_a_kill(sub):
    assert sub.write_bytes(1 << 20) == "wrote"
    assert sub.write_bytes(sandbox.Settings().file_bytes + 1) == "EFBIG"


def test_memory_past_the_limit_is_a_memory_error_and_torch_still_works(sub):
    assert sub.allocate(3) == "MemoryError"
    assert sub.allocate(0.25) == "allocated"
    assert sub.torch_trains() == pytest.approx(12.0)


def test_open_files_are_limited(sub):
    assert sub.open_many(100) == "opened"
    assert sub.open_many(sandbox.Settings().open_files + 10) == "EMFILE"


def test_cpu_time_is_limited_even_without_a_wall_clock():
    s = probe(settings=sandbox.Settings(cpu_seconds=1), call_timeout=30)
    try:
        started = time.monotonic()
        with pytest.raises(StudentError, match=r"spin ended unexpectedly \(killed by SIG(KILL|XCPU)\)"):
            s.spin()
        assert time.monotonic() - started < 10
    finally:
        s.close()


@root_only
def test_processes_are_counted_per_worker(sub):
    assert on(sub.report.sandbox, "processes")
    assert sub.fork_many(10) == "forked"
    assert sub.fork_many(sandbox.Settings().processes + 5) == "EAGAIN"


# ------------------------------------------------------------------ wall clock: per call and per submission


def test_the_submission_budget_ends_a_submission_that_hangs_everywhere():
    s = probe(budget=4, call_timeout=1.5)
    try:
        started = time.monotonic()
        errors = []
        for _ in range(10):
            try:
                s.spin()
            except StudentError as exc:
                errors.append(exc)
        elapsed = time.monotonic() - started
        assert elapsed < 4 + 3, elapsed
        assert errors[0].kind == "timeout" and errors[-1].kind == "budget"
        assert errors[-1].message == ("spin was not run: your submission used up its 4 s of grading time "
                                      "(earlier calls were too slow or never returned).")
        assert not s.worker.alive  # killed the moment the budget ran out
        with pytest.raises(StudentError, match="used up its 4 s"):
            s.ids()  # a healthy function too: the time is spent
    finally:
        s.close()


def test_the_reference_has_no_budget_and_a_submission_has_one():
    reference = start_reference("ps1")
    student = Submission([("r.py", "def f():\n    return 1\n")])
    try:
        assert reference.budget == float("inf")
        assert student.budget == worker.SUBMISSION_BUDGET
    finally:
        reference.close()
        student.close()


# ------------------------------------------------------------------ user, files, network, processes


@root_only
def test_as_root_the_worker_runs_as_nobody_without_privileges(sub):
    uid, euid, gid, groups = sub.ids()
    assert (uid, euid, gid, groups) == (65534, 65534, 65534, [])
    assert sub.setuid_root() in ("EPERM", "EINVAL")  # EINVAL: uid 0 does not even exist in its user namespace


def test_the_worker_has_no_capabilities_no_new_privs_and_is_not_dumpable(sub):
    assert sub.capabilities() == ["0000000000000000"] * 2
    assert sub.no_new_privs() == 1
    assert sub.dumpable() == 0


@root_only
def test_the_worker_cannot_read_the_reference_the_suite_the_history_or_the_tests(sub):
    for folder in ("reference", ".git", "tests"):
        if (ROOT / folder).exists():
            assert sub.can_list(str(ROOT / folder)) in ("EACCES", 0), folder
    assert sub.can_read(str(ROOT / "reference" / "ps1" / "ps1.ipynb")) in ("EACCES", "ENOENT")
    assert sub.can_read(str(ROOT / "reference" / "ps1" / "grading" / "oracle.py")) in ("EACCES", "ENOENT")
    assert sub.can_read(str(ROOT / "autograder" / "harness.py")) == "yes"  # what it needs, it reads


@root_only
def test_hidden_folders_stay_hidden_even_from_a_user_namespace_of_its_own(sub):
    target = str(ROOT / "reference")
    assert sub.unmount(target) == "EPERM"
    assert not sub.nested_unmount(target).startswith("unmounted")


@root_only
def test_the_filesystem_is_read_only_except_the_working_folder(sub):
    assert sub.can_write("here.txt") == "yes"
    for path in ("/tmp/ag-probe.txt", str(ROOT / "ag-probe.txt"), str(ROOT / "autograder" / "ag-probe.py"),
                 "/var/tmp/ag-probe.txt", os.path.join(sys.prefix, "ag-probe.pth")):
        assert sub.can_write(path) in ("EROFS", "EACCES"), path
    assert not Path("/tmp/ag-probe.txt").exists()


@root_only
def test_the_worker_has_no_network(sub):
    assert sub.connect("1.1.1.1", 53) == "ENETUNREACH"
    assert sub.connect("127.0.0.1", 22) in ("ENETUNREACH", "ECONNREFUSED", "EADDRNOTAVAIL")


@root_only
def test_the_worker_sees_only_its_own_processes(sub):
    assert sub.pid() == 1
    assert sub.processes() == [1]


def test_stdin_is_empty_and_no_other_descriptor_is_inherited(sub):
    assert sub.stdin() == ""
    assert len(sub.fds()) <= 6  # 0, 1, 2, the two pipes (and the listing's own)


def test_the_environment_is_minimal(sub):
    assert set(sub.environment()) <= set(worker.worker_env("/x")) | {"PWD"}


# ------------------------------------------------------------------ nothing outlives the worker


def _marked(marker: str) -> list[int]:
    return list(attack_corpus.leftovers({marker}))


@pytest.mark.parametrize("namespaces", [True, False], ids=["pid-namespace", "process-tree"])
def test_grandchildren_that_call_setsid_die_with_the_worker(namespaces):
    """Double-forked, setsid, exec'd, no parent-death signal, and the worker left its group too."""
    marker = f"{attack_corpus.MARKER}-sandbox-test-{os.getpid()}-{namespaces}"
    s = probe(settings=sandbox.Settings(namespaces=namespaces))
    try:
        assert s.escape(marker) == "escaped"
        s.leave_group()
        assert s.escape(marker) == "escaped"
        time.sleep(0.3)
        assert len(_marked(marker)) == 2
    finally:
        s.close()
    time.sleep(0.3)
    left = _marked(marker)
    attack_corpus.kill(left)
    assert left == []


# ------------------------------------------------------------------ the data boundary and the capture file


def test_a_subclass_is_refused_with_a_sentence_naming_its_type():
    from autograder.suitelib import checks

    s = Submission([("s.py", "import numpy as np\nclass MyArray(np.ndarray):\n    pass\n"
                             "def softmax(x):\n    return np.asarray(x).view(MyArray)\n")])
    try:
        value = s.softmax(np.zeros(3))
    finally:
        s.close()
    assert isinstance(value, Unsupported)
    with pytest.raises(AssertionError) as info:
        checks.check_array(value, fn="softmax", where="softmax(x)", shape=(3,), dtype=np.float64)
    assert str(info.value) == "softmax(x) returned MyArray; expected a numpy.ndarray of numbers."


def test_the_capture_file_is_never_followed_through_a_symlink(tmp_path):
    """Without namespaces the worker owns its folder: swapping .output for a symlink shows nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the solution")
    os.chmod(tmp_path, 0o755)
    code = (f"import os\nprint('mine')\ndef swap():\n    os.unlink('.output')\n"
            f"    os.symlink({str(secret)!r}, '.output')\n    return 1\n")
    s = Submission([("s.py", code)], settings=sandbox.Settings(namespaces=False))
    try:
        assert "mine" in s.output()
        s.swap()
        assert "the solution" not in s.output()
    finally:
        s.close()


def test_output_is_truncated_for_the_student_and_capped_on_disk():
    code = "import sys\nfor _ in range(40):\n    try:\n        sys.stdout.write('y' * (1 << 20))\n    except OSError:\n        pass\n"
    s = Submission([("s.py", code)])
    try:
        text = s.output()
        size = os.path.getsize(s.worker.output_path)
    finally:
        s.close()
    assert len(text) <= worker.OUTPUT_LIMIT + 40 and text.endswith("[... output truncated]")
    assert size <= sandbox.Settings().file_bytes


# ------------------------------------------------------------------ a grader that is not root


def as_user(code: str, *, refuse_userns: bool = False) -> dict:
    args = [sys.executable, str(HERE / "as_user.py")] + (["--refuse-userns"] if refuse_userns else []) + [code]
    done = subprocess.run(args, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


NON_ROOT_PROBE = """
import json, logging, io
from autograder.worker import Submission
log = io.StringIO()
logging.basicConfig(stream=log, level=logging.WARNING)
s = Submission([("p.py", open(PROBES).read())])
try:
    out = {"report": s.report.sandbox, "ids": s.ids(), "pid": s.pid(), "net": s.connect("1.1.1.1", 53),
           "reference": s.can_list(REFERENCE), "tmp": s.can_write("/tmp/ag-probe-nonroot.txt"),
           "log": log.getvalue().splitlines(), "nproc": s.limits()["RLIMIT_NPROC"]}
finally:
    s.close()
print(json.dumps(out))
"""


def _non_root(refuse: bool) -> dict:
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="ag-as-user-")
    os.chmod(folder, 0o755)  # uid 65534 reads the probes from here
    probes = Path(folder) / "probes.py"
    probes.write_text(PROBES)
    try:
        code = NON_ROOT_PROBE.replace("PROBES", repr(str(probes))).replace("REFERENCE", repr(str(ROOT / "reference")))
        return as_user(code, refuse_userns=refuse)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@root_only
@pytest.mark.slow
def test_not_root_a_user_namespace_gives_no_network_hidden_folders_and_its_own_processes():
    out = _non_root(refuse=False)
    report = out["report"]
    assert out["ids"][0] == 65534 and report["user"].startswith("off")
    for measure in ("network", "filesystem", "pid_namespace", "processes", "limits", "privileges"):
        assert report[measure].startswith("on"), (measure, report[measure])
    assert out["pid"] == 1 and out["net"] == "ENETUNREACH" and out["tmp"] == "EROFS"
    assert out["reference"] in ("EACCES", 0)
    assert out["nproc"] == [sandbox.Settings().processes] * 2
    assert [line for line in out["log"] if "sandbox:" in line] == ["WARNING:autograder.sandbox:sandbox: user off: "
                                                                   "the grader is not root, so the worker runs as uid 65534, the grader's own user"]


@root_only
@pytest.mark.slow
def test_not_root_without_user_namespaces_each_missing_measure_is_one_log_line():
    out = _non_root(refuse=True)
    report = out["report"]
    for measure in ("network", "filesystem", "pid_namespace", "user"):
        assert report[measure].startswith("off"), (measure, report[measure])
    assert report["limits"].startswith("on") and report["privileges"].startswith("on")
    assert out["net"] != "ENETUNREACH" or True  # the machine's own network, whatever it is
    assert "the kernel refused an unprivileged user namespace" in report["network"]
    lines = [line.split(":", 2)[-1] for line in out["log"] if "sandbox:" in line]
    assert len(lines) == len(set(lines)) == len({v for v in report.values() if v.startswith("off")})
    assert [line for line in lines if "network" in line] == [
        f"sandbox: network, filesystem, pid namespace {report['network']}"]


# ------------------------------------------------------------------ the corpus's own helpers


@pytest.mark.parametrize("name", ["ps1", "ps2"])
def test_the_corpus_stub_defines_exactly_the_graded_functions(name):
    """The stub built from the assignment's spec defines the reference's graded functions, each raising."""
    functions = attack_corpus.spec_functions(name)
    assert set(functions) == set(assignment.get(name, attack_corpus.ROOT).functions())
    namespace: dict = {}
    exec(attack_corpus.stub_source(assignment=name), namespace)
    assert namespace["ASSIGNMENT"] == name and namespace["SPEC_NAMES"] == sorted(functions)
    for fn in functions:
        required = [p for p in inspect.signature(namespace[fn]).parameters.values() if p.default is p.empty]
        with pytest.raises(NotImplementedError):
            namespace[fn](*[None for p in required if p.kind is p.POSITIONAL_OR_KEYWORD],
                          **{p.name: None for p in required if p.kind is p.KEYWORD_ONLY})


def test_the_corpus_has_at_least_twenty_attacks():
    assert len([n for n in attack_corpus.attack_names() if n != "baseline_stub"]) >= 20

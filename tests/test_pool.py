"""The warm worker pool: a forked worker is the same process a spawned one is, isolated and cleaned up."""
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from autograder.grade import grade
from autograder.pool import ForkServer
from autograder.worker import StudentError, Submission, spawn_process

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"

PROBE = '''
import os, sys, resource

def facts():
    """What a worker looks like from inside, with the values that must differ (ids, fd numbers) normalised."""
    home = os.environ.get("HOME", "")
    fds = sorted(int(f) for f in os.listdir("/proc/self/fd"))
    return {
        "env": sorted(os.environ),
        "home_is_cwd": os.path.realpath(os.getcwd()) == os.path.realpath(home),
        "session_leader": os.getsid(0) == os.getpid(),
        "group_leader": os.getpgid(0) == os.getpid(),
        "stdin": os.readlink("/proc/self/fd/0"),
        "stdout_is_capture_file": os.path.basename(os.readlink("/proc/self/fd/1")) == ".output",
        "open_fds": len(fds),
        "argv0": os.path.basename(sys.argv[0]),
        "path0_is_cwd": os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd()),
        "main": os.path.basename(sys.modules["__main__"].__file__),
        "threads": len(os.listdir("/proc/self/task")),
        "uid": os.getuid(),
        "limits": [resource.getrlimit(r) for r in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_NOFILE,
                                                   resource.RLIMIT_FSIZE)],
        "tempdir_in_home": __import__("tempfile").gettempdir().startswith(os.path.realpath(home)) or
                           __import__("tempfile").gettempdir().startswith(home),
        "cuda_initialized": "torch" in sys.modules and sys.modules["torch"].cuda.is_initialized(),
    }

def preloaded():
    return sorted(m for m in ("numpy", "torch", "torch._dynamo") if m in sys.modules)

def double(x):
    return 2 * x

def leave(code):
    os._exit(code)

def crash():
    import ctypes
    ctypes.string_at(0)  # a segmentation fault

def greet():
    print("hello from the student")
    return 1

def ask_the_zygote(address):
    """A student's attempt to get a worker of its own from the fork server."""
    import json, socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(address)
    except OSError as exc:
        return "cannot connect: " + type(exc).__name__
    r, w = os.pipe()
    try:
        socket.send_fds(s, [json.dumps({"cwd": "/tmp", "env": {}}).encode() + b"\\n"], [r, w, w])
        return s.recv(200).decode() or "closed"
    except OSError as exc:
        return "refused: " + type(exc).__name__
'''


@pytest.fixture(scope="module")
def pool():
    with ForkServer() as server:
        assert server.wait_ready(), "the fork server did not start"
        yield server


def start(spawn, code=PROBE) -> Submission:
    return Submission([("cell 1", code)], spawn=spawn, call_timeout=30)


def test_a_forked_worker_is_the_process_a_spawned_one_is(pool):
    views, sandboxes = {}, {}
    for name, spawn in (("spawned", spawn_process), ("forked", pool.spawn)):
        sub = start(spawn)
        try:
            assert not sub.report.failed and not sub.report.errors
            pid = sub.worker.proc.pid
            assert os.getsid(pid) == pid and os.getpgid(pid) == pid  # its own session and process group
            views[name] = sub.facts()
            sandboxes[name] = sub.report.sandbox  # the same confinement, measure by measure
            assert sub.double(21) == 42
        finally:
            sub.close()
    assert views["forked"] == views["spawned"]
    assert sandboxes["forked"] == sandboxes["spawned"]
    assert views["forked"]["stdin"] == "/dev/null" and views["forked"]["stdout_is_capture_file"]
    assert not views["forked"]["cuda_initialized"]


def test_the_fork_server_has_numpy_and_torch_loaded(pool):
    sub = start(pool.spawn)
    try:
        assert sub.preloaded() == ["numpy", "torch", "torch._dynamo"]
    finally:
        sub.close()
    assert pool.client.forked >= 1 and pool.client.spawned == 0


def test_a_fork_server_imports_the_modules_it_is_given_and_not_torch_unasked():
    with ForkServer(preload=("json", "no_such_module_here")) as server:  # a missing one is skipped
        loaded = ("def loaded():\n    import sys\n"
                  "    return [m for m in ('json', 'torch', 'matplotlib') if m in sys.modules]\n")
        sub = start(server.spawn, PROBE + "\n" + loaded)
        try:
            assert sub.loaded() == ["json"]
        finally:
            sub.close()
        assert server.client.forked == 1


def test_an_assignment_s_imports_are_its_notebook_s_outside_test_cells(tmp_path):
    from autograder.assignment import get, notebook_imports

    def code(source, **nbgrader):
        return {"cell_type": "code", "metadata": {"nbgrader": nbgrader} if nbgrader else {}, "source": source,
                "outputs": [], "execution_count": None}

    cells = [code("%matplotlib inline\nimport numpy as np, scipy.linalg\nfrom torch.utils import data"),
             code("def f(:\n    import broken"),  # a syntax error: the cell is skipped
             code("from . import sibling\nimport json", solution=True, grade_id="a"),
             code("import grader_only", grade=True, grade_id="grade_f", points=1)]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    assert notebook_imports(path) == ("numpy", "scipy.linalg", "torch.utils", "json")
    assert {"numpy", "torch", "matplotlib.pyplot"} <= set(get("ps1").imports())


def test_exit_codes_and_output_come_back_as_from_a_spawned_worker(pool):
    sub = start(pool.spawn)
    try:
        assert sub.greet() == 1
        assert "hello from the student" in sub.output()
        with pytest.raises(StudentError, match=r"ended unexpectedly \(exit code 3\)"):
            sub.leave(3)
        with pytest.raises(StudentError, match=r"killed by SIGSEGV"):
            sub.crash()
        assert sub.double(2) == 4  # replaced by a new fork
    finally:
        sub.close()


def test_a_student_cannot_ask_the_fork_server_for_a_worker(pool):
    sub = start(pool.spawn)
    try:
        answer = sub.ask_the_zygote(pool.address)
    finally:
        sub.close()
    assert "pid" not in answer, answer


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


CLIENT = textwrap.dedent('''
    import sys, time
    from autograder.pool import Client
    from autograder.worker import Submission
    sub = Submission([("cell 1", "import time\\ndef nap():\\n    time.sleep(600)\\n")], spawn=Client(sys.argv[1]).spawn)
    print(sub.worker.proc.pid, flush=True)
    sub.call("nap", timeout=600)
''')


def test_a_worker_dies_with_the_grader_that_asked_for_it(pool, tmp_path):
    client = subprocess.Popen([sys.executable, "-c", CLIENT, pool.address], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(client.stdout.readline())
        assert _alive(worker)
        client.kill()  # SIGKILL: the grading process is gone, its connection to the zygote closes
        client.wait()
        assert _wait_gone(worker), "the zygote did not kill the worker of a client that died"
    finally:
        client.kill()
        client.wait()


def test_stopping_the_fork_server_stops_its_workers():
    server = ForkServer().start()
    sub = Submission([("cell 1", "def pid():\n    import os\n    return os.getpid()\n")], spawn=server.spawn)
    worker = sub.worker.proc.pid
    zygote = server.pid
    server.close()
    assert _wait_gone(worker) and _wait_gone(zygote)
    sub.close()


def test_two_threads_starting_workers_from_a_starting_fork_server_both_get_forks():
    """grade() starts the reference's worker and the student's from two threads, often before the fork server
    has finished its imports: both must wait for it and be forked, neither may fall back or stop it."""
    with ForkServer() as server:
        started = {}

        def start(name):
            started[name] = Submission([("cell 1", "def pid():\n    import os\n    return os.getpid()\n")],
                                       spawn=server.spawn)

        threads = [threading.Thread(target=start, args=(name,)) for name in ("reference", "student")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            assert server.client.forked == 2 and server.client.spawned == 0
            assert started["reference"].worker.proc.pid != started["student"].worker.proc.pid
        finally:
            for sub in started.values():
                sub.close()


def test_without_a_fork_server_workers_are_spawned_with_a_log_line(caplog):
    with caplog.at_level(logging.WARNING, logger="autograder.pool"):
        with ForkServer(python="/nonexistent/python") as server:
            sub = Submission([("cell 1", "def one():\n    return 1\n")], spawn=server.spawn)
            try:
                assert sub.one() == 1
            finally:
                sub.close()
            assert server.client.spawned == 1 and server.client.forked == 0
    assert "fork server" in caplog.text


def test_grading_through_the_pool_gives_the_scores_of_spawned_workers(reference, pool):
    functions = {"sigmoid", "softmax", "train"}  # train: PyTorch in the forked worker
    path = SUBMISSIONS / "correct" / "base.py"
    spawned = grade(path, reference=reference, functions=functions)
    forked = grade(path, reference=reference, functions=functions, spawn=pool.spawn)
    assert [(t.name, t.status, t.score) for t in forked.tests] == [(t.name, t.status, t.score) for t in spawned.tests]
    assert forked.score == spawned.score == forked.max_score > 0


def test_a_worker_s_pid_stays_reserved_until_the_grader_waits_for_it(pool, tmp_path):
    """As with a child of its own: an exited worker is a zombie (its pid not reusable) until wait()."""
    proc, send_fd, recv_fd = pool.spawn(str(tmp_path), str(tmp_path / ".output"))
    os.close(send_fd)  # end of input: the worker's loop returns and the process exits
    deadline = time.monotonic() + 10
    while proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert proc.returncode == 0
    with open(f"/proc/{proc.pid}/stat") as f:
        assert f.read().rsplit(")", 1)[1].split()[0] == "Z"
    assert proc.wait() == 0
    os.close(recv_fd)
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{proc.pid}"):
        assert time.monotonic() < deadline, "the zygote did not reap the worker after wait()"
        time.sleep(0.01)

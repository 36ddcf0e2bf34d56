"""Grandchildren that escape: double fork, setsid, no parent-death signal, a scrubbed environment, exec `sleep 60`."""
import ctypes
import os
import sys


def _escape():
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"fork refused: {exc}")
        return
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)  # the middle process exits: the grandchild is an orphan
        try:
            ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG 0
        except Exception:  # noqa: BLE001
            pass
        os.execve(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", ATTACK_TOKEN],
                  {"PATH": "/usr/bin:/bin"})
    finally:
        os._exit(0)


_escape()
try:
    os.setsid()  # the worker itself leaves the group it was started in
    print("the worker is now a session leader")
except OSError as exc:
    print(f"setsid: {exc}")
try:
    ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # and drops its parent-death signal
except Exception:  # noqa: BLE001
    pass


def _again(*args, **kwargs):
    _escape()
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _again

"""A bounded fork bomb: at import, up to 50 processes (some in their own session) that each sleep 60 s; functions fork too."""
import os
import time

_children = 0


def _fork_some(n):
    global _children
    for i in range(n):
        if _children >= 50:  # bounded, in case nothing else bounds it
            return
        try:
            pid = os.fork()
        except OSError as exc:
            print(f"fork refused after {_children}: {exc}")
            return
        if pid == 0:
            try:
                if i % 3 == 0:
                    os.setsid()  # out of the worker's process group and session
                time.sleep(60)
            finally:
                os._exit(0)
        _children += 1


_fork_some(40)
print(f"forked {_children} processes")


def _fork_more(*args, **kwargs):
    _fork_some(5)
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _fork_more

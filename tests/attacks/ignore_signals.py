"""Ignore SIGTERM, SIGINT, SIGHUP, SIGXCPU, SIGALRM, SIGUSR1 and hang (sleeping, at most 60 s) in every function."""
import signal
import time

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM, signal.SIGUSR1,
             signal.SIGPIPE, signal.SIGQUIT):
    signal.signal(_sig, signal.SIG_IGN)


def _hang(*args, **kwargs):
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            time.sleep(1)
        except BaseException:  # noqa: BLE001  (KeyboardInterrupt too)
            pass
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _hang

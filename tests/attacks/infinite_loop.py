"""Every function spins the CPU (bounded at 120 s, so the corpus stays safe if the sandbox fails)."""
import time


def _spin(*args, **kwargs):
    end = time.monotonic() + 120
    while time.monotonic() < end:
        pass
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _spin

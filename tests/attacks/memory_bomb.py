"""Every function allocates and touches memory until refused (bounded at 3 GiB and 30 s in case nothing refuses)."""
import time

import numpy as np


def _bomb(*args, **kwargs):
    hoard, end = [], time.monotonic() + 30
    try:
        while len(hoard) < 48 and time.monotonic() < end:  # 48 x 64 MiB = 3 GiB
            hoard.append(np.ones(8 << 20))  # 64 MiB, every page written
    finally:
        got = len(hoard) * 64
        del hoard
    raise NotImplementedError(f"hoarded {got} MiB")


for _name in SPEC_NAMES:
    globals()[_name] = _bomb

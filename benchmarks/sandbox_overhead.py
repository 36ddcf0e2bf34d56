"""How much the sandbox costs: grade the same submissions with it on and off, alternating, in one process.

    python benchmarks/sandbox_overhead.py [--rounds 3] [--pool] [PATH ...]

Defaults to the reference notebook and the project's correct .py submission. Each round grades every
path once with the sandbox off (the setting sandbox = false, passed to grade: the worker starts as before
this work) and once on, in alternating order, against one shared reference worker started with the same
setting; prints the median seconds of each and the ratio on / off. --pool forks workers from a warm
fork server (autograder.pool) instead of starting an interpreter per worker.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from autograder import sandbox
from autograder.grade import grade, start_reference

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_PATHS = [ROOT / "reference" / "ps1" / "ps1.ipynb", ROOT / "tests" / "submissions" / "correct" / "base.py"]


def timed_grade(path: Path, enabled: bool, launcher: dict) -> float:
    settings = sandbox.Settings(enabled=enabled)
    reference = start_reference("ps1", settings=settings, **launcher)
    try:
        started = time.monotonic()
        result = grade(path, reference=reference, settings=settings, **launcher)
        elapsed = time.monotonic() - started
    finally:
        reference.close()
    if result.score != result.max_score:
        sys.exit(f"{path} scored {result.score} / {result.max_score} with the sandbox {'on' if enabled else 'off'}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--pool", action="store_true")
    args = p.parse_args(argv)
    launcher, pool = {}, None
    if args.pool:
        from autograder.pool import ForkServer

        pool = ForkServer().start()
        launcher = {"spawn": pool.spawn}
    times = {(path, on): [] for path in args.paths for on in (False, True)}
    try:
        for path in args.paths:  # warm up: imports in this process, files in the page cache
            timed_grade(path, True, launcher)
        for r in range(args.rounds):
            for path in args.paths:
                for on in ((False, True) if r % 2 == 0 else (True, False)):
                    times[(path, on)].append(timed_grade(path, on, launcher))
    finally:
        if pool is not None:
            pool.close()
    print(f"{'submission':40s} {'off (s)':>9s} {'on (s)':>9s} {'on/off':>7s}   ({args.rounds} rounds, medians"
          f"{', fork server' if args.pool else ''})")
    for path in args.paths:
        off, on = statistics.median(times[(path, False)]), statistics.median(times[(path, True)])
        print(f"{path.name:40s} {off:9.2f} {on:9.2f} {on / off:7.3f}")


if __name__ == "__main__":
    main()

"""Start a worker on a submission with each launcher: a new interpreter (spawn_process) or a fork of the warm
fork server (pool.ForkServer), and time it, then time grading one submission (the reference shared) each way.

    python benchmarks/worker_start.py            # 10 workers each, 5 gradings each
    python benchmarks/worker_start.py -n 20 --grades 0

A worker "starts" when it has run the submission's code (tests/submissions/correct/base.py imports NumPy
and PyTorch) and answered a first call. The fork server's own start-up, paid once per run, is shown apart.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "tests" / "submissions" / "correct" / "base.py"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", type=int, default=10, help="workers started with each launcher (default 10)")
    p.add_argument("--grades", type=int, default=5, help="submissions graded with each launcher (default 5)")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    from autograder.grade import grade, start_reference
    from autograder.load import load
    from autograder.pool import ForkServer
    from autograder.worker import Submission, spawn_process

    cells = load(SUBMISSION).cells
    started = time.monotonic()
    pool = ForkServer().start()
    pool.wait_ready()
    print(f"fork server ready in {time.monotonic() - started:.2f} s (once per run)")
    launchers = {"spawn (new interpreter)": spawn_process, "fork (warm fork server)": pool.spawn}
    starts: dict[str, list[float]] = {}
    for name, spawn in launchers.items():
        for _ in range(args.n):
            t = time.monotonic()
            sub = Submission(cells, spawn=spawn)
            assert sub.sigmoid_grad(0.5) == 0.25
            starts.setdefault(name, []).append(time.monotonic() - t)
            sub.close()
    grades: dict[str, list[float]] = {}
    if args.grades:
        reference = start_reference("ps1", spawn=pool.spawn)
        reference.budget = float("inf")
        grade(SUBMISSION, reference=reference, spawn=pool.spawn)  # warm the grader's own imports once
        for name, spawn in launchers.items():
            for _ in range(args.grades):
                t = time.monotonic()
                result = grade(SUBMISSION, reference=reference, spawn=spawn)
                grades.setdefault(name, []).append(time.monotonic() - t)
            assert result.score == result.max_score
        reference.close()
    pool.close()
    print(f"{'':28}{'worker start, median (s)':>26}{'grade one submission, median (s)':>34}")
    for name in launchers:
        g = f"{statistics.median(grades[name]):.2f}" if grades else "-"
        print(f"{name:28}{statistics.median(starts[name]):>26.3f}{g:>34}")
    s, f = (statistics.median(starts[n]) for n in launchers)
    line = f"fork is {s / f:.0f}x faster to start a worker"
    if grades:
        gs, gf = (statistics.median(grades[n]) for n in launchers)
        line += f"; a submission grades {gs / gf:.1f}x faster ({gs - gf:.2f} s saved; the reference worker is shared)"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

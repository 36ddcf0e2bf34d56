"""Where one grading job's time goes: the phases of a class run with -j 1, timed in one process.

    python benchmarks/class_profile.py DIR [--profile FILE.prof] [--top 25]

DIR holds submissions (notebooks or .py files, e.g. a benchmark's course/submitted/*/ps1/ps1.ipynb). What a
grading job does (autograder/batch.py, _job_main) is done here in one process, each phase timed: the fork
server's start-up, the reference's worker, then per submission: loading it, starting its worker, the grading
suite (pytest, the oracle and the calls to both workers), closing. --profile writes cProfile's statistics of
the grading of the submissions (the parent's side: pytest, oracle, waiting on the workers) and prints the top.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder")
    p.add_argument("--profile", metavar="FILE")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    t0 = time.monotonic()
    sys.path.insert(0, str(ROOT))
    from autograder import grade as grade_module
    from autograder.pool import ForkServer

    paths = sorted(q for q in Path(args.folder).rglob("*") if q.suffix in (".ipynb", ".py"))
    phases: dict[str, list[float]] = {}

    def note(name: str, since: float) -> float:
        now = time.monotonic()
        phases.setdefault(name, []).append(now - since)
        return now

    t = note("import the grader (grade, pytest, numpy)", t0)
    pool = ForkServer().start()
    pool.wait_ready()
    t = note("fork server: start and import (numpy, torch)", t)
    reference = grade_module.start_reference(spawn=pool.spawn)
    t = note("reference worker: fork and run the reference notebook", t)
    profiler = cProfile.Profile() if args.profile else None
    per = []
    original = grade_module.run_suite

    def timed_suite(*a, **k):
        s = time.monotonic()
        try:
            return original(*a, **k)
        finally:
            note("per submission: grading suite (pytest, oracle, both workers' calls)", s)

    grade_module.run_suite = timed_suite
    original_submission = grade_module.Submission

    def timed_submission(*a, **k):
        s = time.monotonic()
        sub = original_submission(*a, **k)
        note("per submission: student worker (fork, run the notebook's cells)", s)
        return sub

    grade_module.Submission = timed_submission
    for path in paths:
        s = time.monotonic()
        if profiler:
            profiler.enable()
        result = grade_module.grade(path, reference=reference, spawn=pool.spawn)
        if profiler:
            profiler.disable()
        per.append(time.monotonic() - s)
        print(f"{path}: {result.score:g} in {per[-1]:.2f} s", file=sys.stderr)
    t = time.monotonic()
    reference.close()
    pool.close()
    note("closing", t)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the fork server and its workers, all reaped now
    print(f"CPU: {time.process_time():.1f} s in this process (pytest, oracle, grader), "
          f"{children.ru_utime + children.ru_stime:.1f} s in the fork server and the workers")
    print(f"{len(paths)} submissions, total {time.monotonic() - t0:.1f} s; per submission "
          f"median {statistics.median(per):.2f} s, mean {statistics.mean(per):.2f} s")
    for name, values in phases.items():
        each = f" ({len(values)} x {statistics.mean(values):.3f} s)" if len(values) > 1 else ""
        print(f"  {sum(values):7.2f} s  {name}{each}")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

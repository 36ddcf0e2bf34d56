"""Grade the same notebooks with this package and with `nbgrader autograde`, side by side, in one run.

    python benchmarks/class_grading.py                 # 8 notebooks, then 200 generated .py submissions
    python benchmarks/class_grading.py -n 12 --generated 0

What it does:
1. a temporary nbgrader course from reference/ps1 with the repository's nbgrader_config.py (its workspace in a
   temporary folder via AUTOGRADER_WORKSPACE; the release goes there too, so assignments/ is not touched);
2. N student notebooks in submitted/: the release with the reference's solutions pasted in (correct), and
   buggy variants of it (one function replaced by a bug from tests/submissions/buggy.py);
3. `nbgrader autograde ps1` on all of them, with the repository's nbgrader_config.py: its SandboxedGrading step
   grades each notebook in sandboxed workers and starts no kernel (nbgrader grades one notebook after the other);
4. `autograder grade submitted/ --out DIR` on the same notebooks with -j 1, then with -j 2;
5. the scores compared, student by student and function by function (nbgrader's grade_<fn> cells);
6. optionally, G generated .py submissions (correct, buggy and broken, as tests/test_batch.py makes them)
   graded with -j 2.

nbgrader's own kernel path (its Execute step, before SandboxedGrading replaced it) is measured by running this
script at commit 447952f, where a kernel ran each notebook and its graded cells graded it from inside.

Per-submission times: for nbgrader, the intervals between the moments its autograded notebooks are written;
for this package, the intervals between a job's "graded" events (.events.log); the first interval of each
includes the tool's start-up. Medians of those are compared.
"""
from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "ps1" / "ps1.ipynb"
SUBMISSIONS = ROOT / "tests" / "submissions"
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


CPU: dict[str, float] = {}  # command label -> CPU seconds (user + system) of its whole process tree


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict, log: Path, label: str = "") -> float:
    """Run a command from the repository root; returns its wall-clock seconds (fails loudly).

    The CPU time of everything it started (kernels, workers: all are waited for, so all are counted)
    goes to CPU[label]: unlike wall-clock time it does not grow when other work shares the machine.
    """
    started, cpu = time.monotonic(), _children_cpu()
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        proc = subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    if label:
        CPU[label] = _children_cpu() - cpu
    if proc.returncode not in (0, 3):
        sys.exit(f"{' '.join(args)} exited {proc.returncode}; see {log}")
    return seconds


def load_bugs():
    spec = importlib.util.spec_from_file_location("ps1_buggy_submissions", SUBMISSIONS / "buggy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_notebooks(release: Path, n: int) -> dict[str, tuple[object, str]]:
    """{student: (notebook, what it is)}: one correct notebook, then buggy ones (one function each)."""
    import nbformat

    reference = nbformat.read(str(REFERENCE), as_version=4)
    answers = {}
    for c in reference.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and c.cell_type == "code":
            answers[meta["grade_id"]] = "\n".join(l for l in c.source.splitlines() if not MARKER.match(l))
    correct = nbformat.read(str(release), as_version=4)
    ids = {}
    for c in correct.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers[gid]
        if gid:
            ids[gid] = c
    notebooks = {"s00": (correct, "correct")}
    bugs = [b for b in load_bugs().BUGS if len(b.breaks) == 1 and f"solution_{next(iter(b.breaks))}" in ids]
    step = max(1, len(bugs) // max(1, n - 1))
    for i, bug in enumerate(bugs[::step][: n - 1], start=1):
        nb = copy.deepcopy(correct)
        fn = next(iter(bug.breaks))
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade_id") == f"solution_{fn}":
                c.source = c.source + "\n\n# the student's version\n" + bug.source
        notebooks[f"s{i:02d}"] = (nb, f"bug {bug.name}")
    return notebooks


def nbgrader_scores(course: Path, students) -> dict[str, dict[str, float]]:
    """{student: {cell grade_id: points}} from nbgrader's gradebook (autograded cells only)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook("sqlite:///" + str(course / "gradebook.db"), "ps1-course") as gb:
        for student in students:
            nb = gb.find_submission_notebook("ps1", "ps1", student)
            out[student] = {g.name: float(g.auto_score or 0.0) for g in nb.grades if g.auto_score is not None}
    return out


def our_results(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text())["extra_data"]["result"] for p in out.glob("*/results.json")}


def intervals(times: list[float], start: float) -> list[float]:
    times = sorted(times)
    return [b - a for a, b in zip([start] + times[:-1], times)]


def our_intervals(out: Path, start: float) -> list[float]:
    by_job: dict[int, list[float]] = {}
    for line in (out / ".events.log").read_text().splitlines():
        event = json.loads(line)
        by_job.setdefault(event["pid"], []).append(event["time"])
    return [d for times in by_job.values() for d in intervals(times, start)]


def make_generated(folder: Path, n: int) -> None:
    """n .py submissions: 2 in 10 correct, 5 in 10 buggy, 3 in 10 broken (as tests/test_batch.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_batch import make_class  # noqa: E402

    make_class(folder, n)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", type=int, default=8, help="notebooks graded by both (default 8; 0: skip the comparison)")
    p.add_argument("--generated", type=int, default=200, help="generated .py submissions graded with -j 2 (0: none)")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder, removed)")
    args = p.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="ps1-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    course, log = work / "course", work / "benchmark.log"
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_DB_URL"}
    env["AUTOGRADER_WORKSPACE"] = str(course)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; work in {work}")

    mismatches = compare(args.n, course, work, env, log) if args.n else []
    if args.generated:
        generated(args.generated, work, env, log)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if mismatches else 0


def compare(n_notebooks: int, course: Path, work: Path, env: dict, log: Path) -> list[str]:
    """Steps 1 to 5: the same notebooks through nbgrader autograde and through this package."""
    py = sys.executable
    release = course / "release"
    run([py, "-m", "nbgrader", "generate_assignment", "ps1", "--force",
         f"--CourseDirectory.release_directory={release}"], env, log)
    import nbformat

    notebooks = student_notebooks(release / "ps1" / "ps1.ipynb", n_notebooks)
    for student, (nb, _) in notebooks.items():
        target = course / "submitted" / student / "ps1" / "ps1.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))
    n = len(notebooks)
    print(f"{n} notebooks: " + ", ".join(f"{s} ({what})" for s, (_, what) in notebooks.items()))

    started, logged = time.time(), log.stat().st_size
    nb_wall = run([py, "-m", "nbgrader", "autograde", "ps1", f"--CourseDirectory.release_directory={release}"],
                  env, log, "nbgrader")
    with open(log) as f:
        f.seek(logged)
        kernels = f.read().count("IPKernelApp")
    print(f"nbgrader autograde: {kernels} kernel(s) started" + (" (SandboxedGrading: none)" if not kernels else ""))
    written = [(course / "autograded" / s / "ps1" / "ps1.ipynb").stat().st_mtime for s in notebooks]
    nb_each = intervals(written, started)

    ours = {}
    for jobs in (1, 2):
        out = work / f"out-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        started = time.time()
        wall = run([py, "-m", "autograder", "grade", str(course / "submitted"), "--out", str(out), "-j", str(jobs),
                    "--no-progress"], env, log, f"j{jobs}")
        ours[jobs] = (wall, our_intervals(out, started), our_results(out))

    theirs = nbgrader_scores(course, notebooks)
    mismatches = []
    for student in notebooks:
        result = ours[1][2][student]
        total = sum(t["score"] for t in result["tests"])
        nb_total = sum(theirs[student].values())
        if abs(total - nb_total) > 1e-6:
            mismatches.append(f"{student}: total {total:g} here, {nb_total:g} in nbgrader")
        by_fn: dict[str, float] = {}
        for t in result["tests"]:
            by_fn[t["function"]] = by_fn.get(t["function"], 0.0) + t["score"]
        for fn, points in by_fn.items():
            cell = theirs[student].get(f"grade_{fn}")
            if cell is not None and abs(cell - points) > 1e-6:
                mismatches.append(f"{student}: {fn} {points:g} here, {cell:g} in nbgrader")
        same_j2 = sum(t["score"] for t in ours[2][2][student]["tests"]) == total
        if not same_j2:
            mismatches.append(f"{student}: -j 2 gave another total")

    nb_median, our_median = statistics.median(nb_each), statistics.median(ours[1][1])
    print()
    print(f"{'':34}{'nbgrader autograde':>20}{'autograder -j 1':>18}{'autograder -j 2':>18}")
    print(f"{'wall clock, ' + str(n) + ' notebooks (s)':34}{nb_wall:>20.1f}{ours[1][0]:>18.1f}{ours[2][0]:>18.1f}")
    print(f"{'per submission, median (s)':34}{nb_median:>20.2f}{our_median:>18.2f}{statistics.median(ours[2][1]):>18.2f}")
    print(f"{'throughput (submissions/min)':34}{60 * n / nb_wall:>20.1f}{60 * n / ours[1][0]:>18.1f}"
          f"{60 * n / ours[2][0]:>18.1f}")
    print(f"{'CPU per submission (s)':34}{CPU['nbgrader'] / n:>20.2f}{CPU['j1'] / n:>18.2f}{CPU['j2'] / n:>18.2f}")
    print(f"per-submission speed-up over nbgrader autograde (median, -j 1): {nb_median / our_median:.1f}x; "
          f"wall clock with -j 2: {nb_wall / ours[2][0]:.1f}x; CPU time: {CPU['nbgrader'] / CPU['j1']:.1f}x less")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("scores: " + ("identical to nbgrader's, student by student and function by function"
                        if not mismatches else "DIFFERENT: " + "; ".join(mismatches)))
    return mismatches


def generated(count: int, work: Path, env: dict, log: Path) -> None:
    """Step 6: `count` generated .py submissions, the full grading suite, -j 2."""
    folder, out = work / "generated", work / "generated-out"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    make_generated(folder, count)
    wall = run([sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "-j", "2",
                "--no-progress"], env, log, "generated")
    graded = len(list(out.glob("*/results.json")))
    print(f"{graded} generated submissions (.py; correct, buggy, broken), full grading suite, -j 2: "
          f"{wall:.1f} s wall clock ({60 * graded / wall:.0f} submissions per minute), "
          f"{CPU['generated']:.0f} s of CPU ({CPU['generated'] / graded:.2f} s per submission); load average "
          f"{os.getloadavg()[1]:.1f} over the last 5 minutes")
    if count == 200:
        print(f"issue 5's target, 200 submissions with -j 2 in under 120 s: {'met' if wall < 120 else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())

"""Grade the same notebooks with this package and with plain nbgrader, side by side, in one run.

    python benchmarks/class_grading.py                 # 30 notebooks of each assignment, then 200 generated .py
    python benchmarks/class_grading.py -n 12 --generated 0 --assignment ps2
    python benchmarks/class_grading.py -n 8 --generated 0 --this-config   # also the older comparison below

For each assignment (--assignment ps1, ps2 or all), the baseline is the one an nbgrader user would pick:
`nbgrader autograde` of an ordinary assert-cell notebook in a plain nbgrader course (its own nbgrader_config.py,
nothing of this repository's: nbgrader runs every notebook in a kernel). Its test cells (BASELINES):
- PS1: benchmarks/assert_ps1.py, the reference notebook with each graded cell a test cell of plain asserts
  against hard-coded numbers, visible and hidden;
- PS2: each function's own "Check your work" cell (check_<fn>, already plain asserts against numbers worked
  out by hand) made its graded cell grade_<fn>, as an nbgrader user with those cells would do; no hidden tests.

What it does, per assignment NAME:
1. a temporary plain nbgrader course: source/NAME/NAME.ipynb is the assert-cell notebook (with the data
   files the notebook reads, e.g. PS2's iris.csv), released with `nbgrader generate_assignment`;
2. N student notebooks in its submitted/: the release with the reference's solutions pasted in (correct), and
   buggy variants of it (one function replaced by a bug from the assignment's buggy corpus, BUGGY); every
   notebook's code differs (a comment naming its student), so each gets its own seed here, as real students do;
   each submission folder gets the data files too, as a student's upload would;
3. `nbgrader autograde NAME` on all of them (one kernel per notebook, one notebook after the other);
4. `autograder grade submitted/ --assignment NAME --out DIR -j 1` on the very same files (all of this package's
   checks: its grading suite, hidden tests, sandboxed workers), then with -j 2;
5. both tools' totals side by side: both give the correct notebook every autograded point, and each buggy one
   must lose points in this package (the two sets of tests differ, so the numbers are not compared);
6. optionally (--this-config, PS1 only), the older comparison: nbgrader autograde with this repository's
   nbgrader_config.py, whose SandboxedGrading step grades through this package (so it measures this package
   twice; no user would pick it as a baseline), with its scores compared function by function;
7. optionally, G generated PS1 .py submissions (correct, buggy and broken, as tests/test_batch.py makes them)
   graded with -j 2.

Per-notebook times: the wall clock of the whole command divided by N (start-up included), and the median of
the intervals between the moments results are written (nbgrader's autograded notebooks; this package's
"graded" events in .events.log; the first interval of each includes the tool's start-up).
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

import assert_ps1  # benchmarks/, beside this file

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
BUGGY = {"ps1": SUBMISSIONS / "buggy.py", "ps2": SUBMISSIONS / "ps2" / "buggy.py"}  # one-bug corpora
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


CPU: dict[str, float] = {}  # command label -> CPU seconds (user + system) of its whole process tree


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict, log: Path, label: str = "", cwd: Path = ROOT) -> float:
    """Run a command from the repository root; returns its wall-clock seconds (fails loudly).

    The CPU time of everything it started (kernels, workers: all are waited for, so all are counted)
    goes to CPU[label]: unlike wall-clock time it does not grow when other work shares the machine.
    """
    started, cpu = time.monotonic(), _children_cpu()
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        proc = subprocess.run(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    if label:
        CPU[label] = _children_cpu() - cpu
    if proc.returncode not in (0, 3):
        sys.exit(f"{' '.join(args)} exited {proc.returncode}; see {log}")
    return seconds


def load_bugs(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_buggy_submissions", BUGGY[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_notebooks(name: str, release: Path, n: int) -> dict[str, tuple[object, str]]:
    """{student: (notebook, what it is)}: one correct notebook, then buggy ones (one function each)."""
    import nbformat

    answers = {}
    for c in nbformat.read(str(reference(name)), as_version=4).cells:
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
    bugs = [b for b in load_bugs(name).BUGS if len(b.breaks) == 1 and f"solution_{next(iter(b.breaks))}" in ids]
    step = max(1, len(bugs) // max(1, n - 1))
    for i, bug in enumerate(bugs[::step][: n - 1], start=1):
        nb = copy.deepcopy(correct)
        fn = next(iter(bug.breaks))
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade_id") == f"solution_{fn}":
                c.source = c.source + "\n\n# the student's version\n" + bug.source
        notebooks[f"s{i:02d}"] = (nb, f"bug {bug.name}")
    for student, (nb, _) in notebooks.items():  # every student's own code, so every student's own seed
        first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")
        first.source = f"# {student}\n" + first.source
    return notebooks


def nbgrader_scores(course: Path, name: str, students, course_id: str = "ps1-course") -> dict[str, dict[str, float]]:
    """{student: {cell grade_id: points}} from nbgrader's gradebook (autograded cells only)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook("sqlite:///" + str(course / "gradebook.db"), course_id) as gb:
        for student in students:
            nb = gb.find_submission_notebook(name, name, student)
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


PLAIN_CONFIG = """\
# A plain nbgrader course, as nbgrader's documentation sets one up (nothing of this repository's).
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "plain"
"""


def reference(name: str) -> Path:
    """The assignment's nbgrader source notebook (with its solutions)."""
    from autograder import assignment

    return assignment.get(name, ROOT).reference


def is_check(cell) -> bool:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")


def checks_as_tests(notebook: Path):
    """PS2's baseline: each function's visible check cell (check_<fn>, plain asserts against numbers worked out
    by hand) becomes its graded cell grade_<fn> (keeping that cell's grade_id and points), as an nbgrader user
    with such cells would do; the check cell itself goes, so its asserts run once per notebook."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    checks = {c.metadata["nbgrader"]["grade_id"][len("check_"):]: c.source for c in nb.cells if is_check(c)}
    for cell in nb.cells:
        fn = assert_ps1.graded_function(cell)
        if fn is not None:
            if fn not in checks:
                raise SystemExit(f"{notebook} grades {fn} but has no check_{fn} cell to test it with")
            cell.source = checks[fn]
    nb.cells = [c for c in nb.cells if not is_check(c)]
    assert_ps1.names_no_autograder(nb)
    return nb


# assignment -> (its assert-cell notebook from its reference notebook; what that baseline is, for the output)
BASELINES = {
    "ps1": (assert_ps1.build,
            "an assert-cell PS1 (benchmarks/assert_ps1.py: hand-written visible and hidden asserts per graded cell)"),
    "ps2": (checks_as_tests,
            "PS2 with each function's visible check cell (check_<fn>) as its graded test cell (no hidden tests)"),
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", type=int, default=30, help="notebooks graded by both (default 30; 0: skip the comparison)")
    p.add_argument("--generated", type=int, default=200, help="generated .py submissions graded with -j 2 (0: none)")
    p.add_argument("--this-config", action="store_true",
                   help="also the older comparison: nbgrader autograde with this repository's nbgrader_config.py")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder, removed)")
    p.add_argument("--assignment", choices=[*BASELINES, "all"], default="all",
                   help="the assignment(s) of the notebook comparison (default all)")
    args = p.parse_args()
    names = list(BASELINES) if args.assignment == "all" else [args.assignment]

    work = Path(args.keep or tempfile.mkdtemp(prefix="class-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    course, log = work / "course", work / "benchmark.log"
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_DB_URL"}
    env["AUTOGRADER_WORKSPACE"] = str(course)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; work in {work}")
    print(f"load average (1, 5, 15 min) at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

    failures = [f for name in names for f in plain_compare(name, args.n, work, env, log)] if args.n else []
    if args.n and args.this_config and "ps1" in names:
        failures += compare(args.n, course, work, env, log)
    if args.generated:
        generated(args.generated, work, env, log)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def plain_compare(name: str, n_notebooks: int, work: Path, env: dict, log: Path) -> list[str]:
    """Steps 1 to 5 for one assignment: the same notebooks through plain nbgrader (assert cells, a kernel each)
    and this package."""
    import nbformat

    from autograder import assignment

    py = sys.executable
    found = assignment.get(name, ROOT)
    files = [found.folder / f for f in found.files]  # the data files the notebook reads, e.g. PS2's iris.csv
    plain = work / f"plain-{name}"  # a course of its own, so `grade submitted/` finds this assignment only
    shutil.rmtree(plain, ignore_errors=True)
    (plain / "source" / name).mkdir(parents=True)
    (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(plain)))
    build, baseline = BASELINES[name]
    source = build(reference(name))
    nbformat.write(source, str(plain / "source" / name / f"{name}.ipynb"))
    for f in files:
        shutil.copy(f, plain / "source" / name)
    autograded_points = sum(float(c.metadata["nbgrader"].get("points", 0)) for c in source.cells
                            if c.metadata.get("nbgrader", {}).get("grade")
                            and not c.metadata["nbgrader"].get("solution"))
    run([py, "-m", "nbgrader", "generate_assignment", name, "--force"], env, log, cwd=plain)
    notebooks = student_notebooks(name, plain / "release" / name / f"{name}.ipynb", n_notebooks)
    for student, (nb, _) in notebooks.items():
        target = plain / "submitted" / student / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))
        for f in files:
            shutil.copy(f, target.parent)
    n = len(notebooks)
    print(f"\n{name}: {n} notebooks: " + ", ".join(f"{s} ({what})" for s, (_, what) in notebooks.items()))

    started, logged = time.time(), log.stat().st_size
    nb_wall = run([py, "-m", "nbgrader", "autograde", name], env, log, "nbgrader", cwd=plain)
    with open(log) as f:
        f.seek(logged)
        kernels = f.read().count("IPKernelApp")
    written = [(plain / "autograded" / s / name / f"{name}.ipynb").stat().st_mtime for s in notebooks]
    nb_each = intervals(written, started)
    theirs = nbgrader_scores(plain, name, notebooks, course_id="plain")

    ours = {}
    for jobs in (1, 2):
        out = work / f"plain-{name}-out-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        started = time.time()
        wall = run([py, "-m", "autograder", "grade", str(plain / "submitted"), "--assignment", name,
                    "--out", str(out), "-j", str(jobs),
                    "--no-progress"], env, log, f"j{jobs}")
        ours[jobs] = (wall, our_intervals(out, started), our_results(out))

    failures = []
    print(f"\n{'student':10}{'what':40}{'nbgrader (asserts)':>20}{'autograder':>12}")
    for student, (_, what) in notebooks.items():
        nb_total = sum(theirs[student].values())
        result = ours[1][2][student]
        total, most = sum(t["score"] for t in result["tests"]), sum(t["max_score"] for t in result["tests"])
        print(f"{student:10}{what[:38]:40}{nb_total:>20g}{total:>12g}")
        if sum(t["score"] for t in ours[2][2][student]["tests"]) != total:
            failures.append(f"{student}: -j 2 gave another total")
        if what == "correct" and (total != most or nb_total != autograded_points):
            failures.append(f"{student}: the correct notebook lost points")
        if what != "correct" and total >= most:
            failures.append(f"{student}: {what} lost no points here")
    nb_median, our_median = statistics.median(nb_each), statistics.median(ours[1][1])
    print()
    print(f"{name}: baseline: nbgrader autograde of {baseline}, in a plain nbgrader course, "
          f"{kernels} kernel(s) started")
    print(f"{'':34}{'nbgrader autograde':>20}{'autograder -j 1':>18}{'autograder -j 2':>18}")
    print(f"{'wall clock, ' + str(n) + ' notebooks (s)':34}{nb_wall:>20.1f}{ours[1][0]:>18.1f}{ours[2][0]:>18.1f}")
    print(f"{'per notebook, wall clock / N (s)':34}{nb_wall / n:>20.2f}{ours[1][0] / n:>18.2f}{ours[2][0] / n:>18.2f}")
    print(f"{'per notebook, median interval (s)':34}{nb_median:>20.2f}{our_median:>18.2f}"
          f"{statistics.median(ours[2][1]):>18.2f}")
    print(f"{'CPU per notebook (s)':34}{CPU['nbgrader'] / n:>20.2f}{CPU['j1'] / n:>18.2f}{CPU['j2'] / n:>18.2f}")
    print(f"speed-up per notebook with -j 1 over nbgrader autograde of the assert-cell notebook: "
          f"{nb_wall / ours[1][0]:.1f}x by wall clock / N, {nb_median / our_median:.1f}x by median interval; "
          f"CPU time {CPU['nbgrader'] / CPU['j1']:.1f}x less")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{name} checks: " + ("the correct notebook full marks in both, every bug lost points here, -j 2 = -j 1"
                        if not failures else "FAILED: " + "; ".join(failures)))
    return failures


def compare(n_notebooks: int, course: Path, work: Path, env: dict, log: Path) -> list[str]:
    """Step 6, the older comparison: nbgrader autograde with this repository's nbgrader_config.py (its
    SandboxedGrading step grades through this package, no kernel) against this package, scores compared."""
    py = sys.executable
    release = course / "release"
    run([py, "-m", "nbgrader", "generate_assignment", "ps1", "--force",
         f"--CourseDirectory.release_directory={release}"], env, log)
    import nbformat

    notebooks = student_notebooks("ps1", release / "ps1" / "ps1.ipynb", n_notebooks)
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

    theirs = nbgrader_scores(course, "ps1", notebooks)
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
    print("the older comparison: nbgrader autograde with this repository's nbgrader_config.py (SandboxedGrading: "
          "this package grades inside nbgrader), not a baseline a user would pick")
    print(f"{'':34}{'nbgrader+this config':>20}{'autograder -j 1':>18}{'autograder -j 2':>18}")
    print(f"{'wall clock, ' + str(n) + ' notebooks (s)':34}{nb_wall:>20.1f}{ours[1][0]:>18.1f}{ours[2][0]:>18.1f}")
    print(f"{'per submission, median (s)':34}{nb_median:>20.2f}{our_median:>18.2f}{statistics.median(ours[2][1]):>18.2f}")
    print(f"{'throughput (submissions/min)':34}{60 * n / nb_wall:>20.1f}{60 * n / ours[1][0]:>18.1f}"
          f"{60 * n / ours[2][0]:>18.1f}")
    print(f"{'CPU per submission (s)':34}{CPU['nbgrader'] / n:>20.2f}{CPU['j1'] / n:>18.2f}{CPU['j2'] / n:>18.2f}")
    print(f"per-submission speed-up over nbgrader autograde with this repository's config (median, -j 1): {nb_median / our_median:.1f}x; "
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
    wall = run([sys.executable, "-m", "autograder", "grade", str(folder), "--assignment", "ps1", "--out", str(out), "-j", "2",
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

"""Grade the whole corpus with an earlier commit and with this checkout, and compare every score.

    python benchmarks/same_scores.py BEFORE            # e.g. main, or a commit id
    python benchmarks/same_scores.py BEFORE -j 2 --keep DIR

The corpus: every file of tests/submissions/correct, every bug of tests/submissions/buggy.py and every mistake
of tests/submissions/typical.py as a .py submission, tests/test_batch.py's broken submissions, every attack of
tests/attacks on the stub (tests/attack_corpus.py), and notebooks
(the reference notebook with its solutions, and with one bug each, as benchmarks/class_grading.py makes them).
Both commits grade it with `autograder grade DIR --out OUT` (BEFORE from a temporary `git worktree`); then the
class's grades.csv and, student by student, every test's name, points and status must be the same (exit status
1 otherwise, each difference printed). Messages are compared too and their differences listed apart: unseeded
student code (a random sample, a model built from torch's global generator) prints other numbers on every
run, of the same commit too.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def write_corpus(folder: Path, notebooks: int) -> int:
    import nbformat

    folder.mkdir(parents=True)
    for path in sorted((SUBMISSIONS / "correct").glob("*.py")):
        (folder / f"correct-{path.stem}.py").write_bytes(path.read_bytes())
    buggy = _module(SUBMISSIONS / "buggy.py", "corpus_buggy")
    for bug in buggy.BUGS:
        (folder / f"buggy-{bug.name}.py").write_text(buggy.build_source(bug))
    typical = _module(SUBMISSIONS / "typical.py", "corpus_typical")
    for mistake in typical.MISTAKES:
        (folder / f"typical-{mistake.name}.py").write_text(typical.build_source(mistake))
    sys.path.insert(0, str(ROOT / "tests"))
    from test_batch import BROKEN

    for name, source in BROKEN.items():
        (folder / f"broken-{name}.py").write_bytes(source if isinstance(source, bytes) else source.encode())
    import attack_corpus

    for name in attack_corpus.attack_names():
        attack_corpus.build(name, folder).rename(folder / f"attack-{name}.py")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from class_grading import reference, student_notebooks

    for student, (nb, _) in student_notebooks("ps1", reference("ps1"), notebooks).items():
        nbformat.write(nb, str(folder / f"notebook-{student}.ipynb"))
    return len(list(folder.iterdir()))


def grade(code: Path, corpus: Path, out: Path, jobs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("AUTOGRADER_REFERENCE", None)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(corpus), "--assignment", "ps1",
                           "--out", str(out), "-j",
                           str(jobs), "--no-progress"], cwd=code, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        sys.exit(f"grading with {code} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return time.monotonic() - started


def tests_of(out: Path) -> dict[str, list[tuple]]:
    found = {}
    for path in sorted(out.glob("*/results.json")):
        result = json.loads(path.read_text())["extra_data"]["result"]
        found[path.parent.name] = [(t["name"], t["score"], t["max_score"], t["status"], t["output"])
                                   for t in result["tests"]]
    return found


def compare(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> tuple[list[str], list[str]]:
    """(differences in tests, points or status; differences in messages only), student by student."""
    differences = [f"{s}: graded by one run only" for s in sorted(set(a) ^ set(b))]
    messages = []
    for student in sorted(set(a) & set(b)):
        if len(a[student]) != len(b[student]):
            differences.append(f"{student}: {len(a[student])} tests -> {len(b[student])}")
        for old, new in zip(a[student], b[student]):
            if old[:4] != new[:4]:
                differences.append(f"{student}: {old[:4]} -> {new[:4]}")
            elif old[4] != new[4]:
                messages.append(f"{student}, {old[0]}: {old[4]!r} -> {new[4]!r}")
    return differences, messages


def grades(out: Path) -> list[list[str]]:
    with open(out / "grades.csv", newline="") as f:
        return sorted(csv.reader(f))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before", help="the commit to compare with (a branch name or a commit id)")
    p.add_argument("-j", type=int, default=2, help="grading processes for each run (default 2)")
    p.add_argument("--notebooks", type=int, default=30, help="notebook submissions in the corpus (default 30)")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = p.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="same-scores-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    n = write_corpus(work / "corpus", args.notebooks)
    before = work / "before-code"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
                   check=True, capture_output=True)
    try:
        commit = subprocess.run(["git", "-C", str(before), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        seconds_before = grade(before, work / "corpus", work / "before", args.j)
        seconds_after = grade(ROOT, work / "corpus", work / "after", args.j)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)
    differences, messages = compare(tests_of(work / "before"), tests_of(work / "after"))
    if grades(work / "before") != grades(work / "after"):
        differences.append("grades.csv differs")
    print(f"{n} submissions graded by {commit} ({seconds_before:.1f} s) and by this checkout "
          f"({seconds_after:.1f} s), -j {args.j}")
    for line in differences:
        print("  " + line)
    print("every test's points and status the same, and grades.csv identical" if not differences
          else f"{len(differences)} differences in points or status")
    if messages:
        print(f"{len(messages)} messages differ (points and status the same):")
        for line in messages:
            print("  " + line)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())

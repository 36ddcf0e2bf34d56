"""Grade every PS1 corpus file with two versions of the grader and compare the scores, test by test.

    python scripts/compare_corpus_scores.py OLD_COMMIT [--work DIR] [-j N]

Writes each corpus submission (tests/submissions: the classic bugs, the typical mistakes, the correct
variants; tests/attacks: every attack on the stub; the reference and the released notebooks) into
DIR/in, grades the folder as a class with the CLI of OLD_COMMIT (a git worktree) and of this checkout, and
prints every student whose tests or total differ. Exit 0 when every score is the same.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_corpus(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    buggy, typical = _module(TESTS / "submissions" / "buggy.py"), _module(TESTS / "submissions" / "typical.py")
    sys.path.insert(0, str(TESTS))
    import attack_corpus

    files = {f"bug_{b.name}.py": buggy.build_source(b) for b in buggy.BUGS}
    files.update({f"typ_{m.name}.py": typical.build_source(m) for m in typical.MISTAKES})
    files.update({f"ok_{p.stem}.py": p.read_text() for p in sorted((TESTS / "submissions" / "correct").glob("*.py"))})
    for name, text in files.items():
        (folder / name).write_text(text)
    for name in attack_corpus.attack_names():
        attack_corpus.build(name, folder).rename(folder / f"atk_{name}.py")
    (folder / "nb_reference.ipynb").write_bytes((ROOT / "reference" / "ps1" / "ps1.ipynb").read_bytes())
    (folder / "nb_release.ipynb").write_bytes((ROOT / "assignments" / "ps1" / "ps1.ipynb").read_bytes())
    return len(list(folder.iterdir()))


def grade_class(checkout: Path, submissions: Path, out: Path, jobs: int, extra: list[str]) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout), "HOME": str(out.parent)}
    cmd = [sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out), "-j", str(jobs),
           "--no-progress", *extra]
    subprocess.run(cmd, cwd=checkout, env=env, check=False)


def scores(out: Path) -> dict[str, dict[str, float]]:
    found = {}
    for results in sorted(out.glob("*/results.json")):
        data = json.loads(results.read_text())
        tests = {t["name"]: t["score"] for t in data.get("tests", [])}
        found[results.parent.name] = {"total": data.get("score"), **tests}
    return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old", help="the commit to compare with")
    p.add_argument("--work", default="/tmp/corpus-compare")
    p.add_argument("-j", type=int, default=2)
    args = p.parse_args()
    work = Path(args.work)
    old = work / "old-checkout"
    if not old.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.old], check=True)
    print(f"{write_corpus(work / 'in')} submissions in {work / 'in'}")
    grade_class(old, work / "in", work / "out-old", args.j, [])
    grade_class(ROOT, work / "in", work / "out-new", args.j, ["--assignment", "ps1"])
    before, after = scores(work / "out-old"), scores(work / "out-new")
    differ = sorted(s for s in before.keys() | after.keys() if before.get(s) != after.get(s))
    for student in differ:
        b, a = before.get(student, {}), after.get(student, {})
        changed = {k: (b.get(k), a.get(k)) for k in b.keys() | a.keys() if b.get(k) != a.get(k)}
        print(f"DIFFERS {student}: {changed}")
    print(f"{len(before)} graded before, {len(after)} after; {len(differ)} differ")
    return 1 if differ or not before else 0


if __name__ == "__main__":
    sys.exit(main())

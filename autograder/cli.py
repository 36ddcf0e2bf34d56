"""The command line: `autograder grade`, `autograder merge`, `autograder export gradescope`, `autograder demo`."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from autograder import __version__, demo, report
from autograder.grade import ROOT, GraderError, grade, start_reference

def cmd_grade(args, console: Console) -> int:
    for path in map(Path, args.submission):
        if not path.exists():
            console.print(f"[red]autograder: no such file or folder: {path}[/]")
            return 2
    if args.out:
        return cmd_grade_many(args, console)
    if len(args.submission) > 1:
        console.print("[red]autograder: grading several submissions needs --out DIR for the results.[/]")
        return 2
    for option, given in (("-j", args.jobs), ("--shard", args.shard)):
        if given:
            console.print(f"[red]autograder: {option} grades a class: give --out DIR too.[/]")
            return 2
    if args.classroom:
        console = Console(stderr=True, highlight=False)  # stdout carries only the reporter's payload
    result = grade(Path(args.submission[0]), seed=args.seed, functions=_functions(args),
                   carry_forward=not args.no_carry_forward)
    if args.results:
        report.write_json(report.gradescope(result), args.results)
    report.terminal(result, console)
    if args.classroom:
        write_classroom(result)
    if result.grader_errors:
        console.print(f"[red]autograder: {len(result.grader_errors)} test(s) hit a grader error; "
                      "the score is incomplete.[/]")
        return 3
    return 0


def write_classroom(result) -> None:
    """For GitHub Classroom: the base64 result on stdout, and as the step output `result` when in Actions."""
    encoded = report.classroom_encoded(result)
    print(encoded)
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a") as f:
            f.write(f"result={encoded}\n")


def _functions(args) -> set[str] | None:
    return {f.strip() for f in args.only.split(",") if f.strip()} if getattr(args, "only", None) else None


def cmd_grade_many(args, console: Console) -> int:
    from autograder.batch import BatchError, grade_many

    if args.results or args.classroom:
        console.print("[red]autograder: --results and --classroom grade one submission; with --out each "
                      "student's results.json is written under DIR.[/]")
        return 2
    if args.no_carry_forward:
        console.print("[red]autograder: --no-carry-forward grades one submission; a class is graded with "
                      "errors carried forward.[/]")
        return 2
    try:
        outcome = grade_many(args.submission, args.out, jobs=args.jobs, shard=args.shard, seed=args.seed,
                             functions=_functions(args), progress=not args.no_progress,
                             console=console, use_pool=not args.no_pool, assignment=args.assignment)
    except BatchError as exc:
        console.print(f"[red]autograder: {exc}[/]")
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]autograder: interrupted. Every submission graded so far is kept; the same command "
                      "grades the rest.[/]")
        return 130
    return 0 if outcome.ok else 3


def cmd_merge(args, console: Console) -> int:
    from autograder.batch import BatchError, merge

    try:
        graded = merge(args.dirs, args.out, console=console)
    except BatchError as exc:
        console.print(f"[red]autograder: {exc}[/]")
        return 2
    return 0 if graded else 1


def cmd_export(args, console: Console) -> int:
    from autograder.export import gradescope_zip

    path = gradescope_zip(Path(args.out))
    console.print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment.")
    return 0


def cmd_demo(args, console: Console) -> int:
    reference = start_reference()
    try:
        with tempfile.TemporaryDirectory(prefix="ag-demo-") as workdir:
            for path in demo.samples(Path(workdir)):
                console.rule(path.name if path.parent == Path(workdir) else str(path.relative_to(ROOT)))
                report.terminal(grade(path, reference=reference), console)
    finally:
        reference.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autograder", description="Grade PS1 'Sigmoid & Softmax' submissions.")
    p.add_argument("--version", action="version", version=f"autograder {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission (.ipynb, .py, a folder or a zip holding one), "
                       "or a whole class with --out DIR",
                       description="Grade one submission, or with --out DIR every student's submission in the "
                       "PATHs: folders with one submission per student, nbgrader's submitted/ tree, or zips of "
                       "them (an LMS or Gradescope bulk download). A re-run skips what is already graded.")
    g.add_argument("submission", nargs="+", metavar="PATH")
    g.add_argument("--results", metavar="FILE", help="write Gradescope's results.json here (one submission)")
    g.add_argument("--seed", type=int, help="seed for the hidden tests' inputs (default: from the code graded)")
    g.add_argument("--out", metavar="DIR", help="grade a class into DIR: DIR/<student>/results.json and "
                   "feedback.md, grades.csv, junit.xml, summary.png")
    g.add_argument("-j", "--jobs", type=int, metavar="N", help="grading processes (default: the number of cores)")
    g.add_argument("--shard", metavar="K/N", help="grade only the K-th of N slices of the class (see merge)")
    g.add_argument("--classroom", action="store_true", help="print the result GitHub Classroom's grading "
                   "reporter reads (base64 JSON; also the step output `result` under GitHub Actions)")
    g.add_argument("--only", metavar="FN,...", help="grade only these functions (a quicker, partial grade)")
    g.add_argument("--assignment", default="ps1", help="the assignment's folder in an nbgrader tree (default ps1)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    g.add_argument("--no-carry-forward", action="store_true", help="grade each function with the other "
                   "functions it calls as the student wrote them (by default, with correct ones, so a mistake "
                   "costs points only where it is)")
    g.add_argument("--no-pool", action="store_true", help="start every worker as a new interpreter "
                   "instead of forking it from a warm fork server")
    g.set_defaults(run=cmd_grade)
    m = sub.add_parser("merge", help="combine the output folders of shards into one (grades.csv, junit.xml, summary)")
    m.add_argument("dirs", nargs="+", metavar="DIR")
    m.add_argument("--out", metavar="DIR", required=True)
    m.set_defaults(run=cmd_merge)
    e = sub.add_parser("export", help="write a package for another grading platform")
    e.add_argument("platform", choices=["gradescope"])
    e.add_argument("--out", metavar="FILE", default="autograder.zip", help="default: autograder.zip")
    e.set_defaults(run=cmd_export)
    d = sub.add_parser("demo", help="grade the bundled samples: the reference, the stub and typical bugs")
    d.set_defaults(run=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(highlight=False)
    try:
        return args.run(args, console)
    except GraderError as exc:
        console.print(f"[red]autograder: could not grade: {exc}[/]")
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The command line: `autograder grade`, `autograder demo`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from autograder import __version__, report
from autograder.grade import ROOT, GraderError, grade, start_reference

SAMPLES = Path(__file__).resolve().parent / "samples"


def demo_submissions() -> list[Path]:
    """The reference (100), the released stub (0), and the bundled buggy samples."""
    return [ROOT / "reference" / "ps1" / "ps1.ipynb", ROOT / "assignments" / "ps1" / "ps1.ipynb",
            *sorted(SAMPLES.glob("*.py"))]


def cmd_grade(args, console: Console) -> int:
    path = Path(args.submission)
    if not path.exists():
        console.print(f"[red]autograder: no such file or folder: {path}[/]")
        return 2
    result = grade(path, seed=args.seed)
    if args.results:
        report.write_json(report.gradescope(result), args.results)
    report.terminal(result, console)
    if result.grader_errors:
        console.print(f"[red]autograder: {len(result.grader_errors)} test(s) hit a grader error; "
                      "the score is incomplete.[/]")
        return 3
    return 0


def cmd_demo(args, console: Console) -> int:
    reference = start_reference()
    try:
        for path in demo_submissions():
            console.rule(str(path.relative_to(ROOT)))
            report.terminal(grade(path, reference=reference), console)
    finally:
        reference.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autograder", description="Grade PS1 'Sigmoid & Softmax' submissions.")
    p.add_argument("--version", action="version", version=f"autograder {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission (.ipynb, .py, a folder or a zip holding one)")
    g.add_argument("submission")
    g.add_argument("--results", metavar="FILE", help="write Gradescope's results.json here")
    g.add_argument("--seed", type=int, help="seed for the hidden tests' inputs (default: from the code graded)")
    g.set_defaults(run=cmd_grade)
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

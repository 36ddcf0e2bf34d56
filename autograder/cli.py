"""The command line: `autograder grade`, `autograder merge`, `autograder export gradescope`, `autograder demo`,
`autograder build`, `autograder new`."""
from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from autograder import __version__

# grade, report and demo import nbformat, pytest and NumPy: imported where they are used, so that a
# refused argument is answered at once

class UsageError(Exception):
    """A bad argument: one sentence, exit 2."""


def cmd_grade(args, console: Console) -> int:
    for path in map(Path, args.submission):
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if args.only:
        args.only = check_functions(args.only, args)
    if args.out:
        return cmd_grade_many(args, console)
    if len(args.submission) > 1:
        console.print("[red]autograder: grading several submissions needs --out DIR for the results.[/]")
        return 2
    for option, given in (("-j", args.jobs), ("--shard", args.shard), ("--due", args.due)):
        if given:
            console.print(f"[red]autograder: {option} grades a class: give --out DIR too.[/]")
            return 2
    check_submission(Path(args.submission[0]))
    from autograder import report
    from autograder.grade import grade

    if args.classroom:
        console = Console(stderr=True, highlight=False)  # stdout carries only the reporter's payload
    assignment = choose_assignment(args, Path(args.submission[0]), console)
    result = grade(Path(args.submission[0]), assignment=assignment, seed=args.seed, functions=_functions(args),
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
    from autograder import report

    encoded = report.classroom_encoded(result)
    print(encoded)
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a") as f:
            f.write(f"result={encoded}\n")


def _functions(args) -> set[str] | None:
    return set(args.only) if getattr(args, "only", None) else None


def choose_assignment(args, submission: Path | None, console: Console):
    """--assignment's, else the one the course and the submission make unambiguous (said on the terminal)."""
    from autograder import assignment

    try:
        if args.assignment or submission is None:
            return assignment.get(args.assignment, args.course)
        chosen, how = assignment.for_submission(submission, args.course)
    except assignment.AssignmentError as exc:
        raise UsageError(str(exc)) from None
    if len(assignment.names(chosen.course)) > 1:
        console.print(f"[dim]autograder: grading as {chosen.name} ({how}; --assignment NAME to choose).[/]")
    return chosen


def check_functions(text: str, args) -> list[str]:
    """--only's names, each one the suite grades; an unknown one is named with the closest known name."""
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    from autograder import assignment

    try:
        known = assignment.get(args.assignment, args.course).functions()
    except assignment.AssignmentError:
        known = []  # the assignment is worked out later, from the submission; the suite ignores unknown names
    if not wanted:
        raise UsageError("--only needs at least one function name, e.g. --only sigmoid,softmax.")
    for name in wanted:
        if known and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise UsageError(f"--only: no graded function is called {name!r}; {hint}"
                             f"the functions are {', '.join(known)}.")
    return wanted


def check_submission(path: Path) -> None:
    """One submission: a notebook, a .py file, a zip, or a folder holding one (else: say so, exit 2)."""
    from autograder.discover import SUBMISSION_SUFFIXES

    if path.is_file() and path.suffix not in SUBMISSION_SUFFIXES:
        raise UsageError(f"{path} is not a submission: give a notebook (.ipynb), a .py file, a zip, "
                         "or a folder holding one.")
    if path.is_dir() and not any(p.suffix in SUBMISSION_SUFFIXES for p in path.rglob("*") if p.is_file()):
        raise UsageError(f"{path} holds no notebook (.ipynb), .py file or zip to grade.")


def cmd_grade_many(args, console: Console) -> int:
    from autograder.batch import BatchError, grade_many

    if args.results or args.classroom:
        console.print("[red]autograder: --results and --classroom grade one submission; with --out each "
                      "student's results.json is written under DIR.[/]")
        return 2
    chosen = choose_assignment(args, Path(args.submission[0]), console)
    try:
        outcome = grade_many(args.submission, args.out, jobs=args.jobs, shard=args.shard, seed=args.seed,
                             functions=_functions(args), progress=not args.no_progress,
                             console=console, use_pool=not args.no_pool, assignment=chosen,
                             due=args.due, late_policy=args.late_policy,
                             carry_forward=not args.no_carry_forward)
    except BatchError as exc:
        console.print(f"autograder: {exc}", markup=False, style="red", soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]autograder: interrupted. Every submission graded so far is kept; the same command "
                      "grades the rest.[/]")
        return 130
    return 0 if outcome.ok else 3


def cmd_merge(args, console: Console) -> int:
    from autograder.discover import BatchError
    from autograder.merge import merge

    try:
        merged = merge(args.dirs, args.out, allow_partial=args.allow_partial, console=console)
    except BatchError as exc:
        console.print(f"autograder: {exc}", markup=False, style="red", soft_wrap=True)
        return 2
    return 0 if merged.graded else 1


def cmd_export(args, console: Console) -> int:
    from autograder.export import gradescope_zip

    path = gradescope_zip(Path(args.out), choose_assignment(args, None, console))
    console.print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment.")
    return 0


def demo_assignments(args) -> list:
    """--assignment's, else every assignment of the course, in name order."""
    from autograder import assignment

    try:
        if args.assignment:
            return [assignment.get(args.assignment, args.course)]
        course = Path(args.course).resolve() if args.course else assignment.find_course()
        if course is None:
            assignment.get(None, None)  # raises the sentence that says no course was found
        return [assignment.get(name, course) for name in assignment.names(course)]
    except assignment.AssignmentError as exc:
        raise UsageError(str(exc)) from None


def cmd_demo(args, console: Console) -> int:
    from autograder import demo, report
    from autograder.grade import grade, start_reference

    for assignment in demo_assignments(args):
        with tempfile.TemporaryDirectory(prefix="ag-demo-") as workdir:
            samples = demo.samples(Path(workdir), assignment)
            reference = start_reference(assignment)
            try:
                for title, path in samples:
                    console.rule(f"{assignment.name}: {title}")
                    report.terminal(grade(path, reference=reference), console)
            finally:
                reference.close()
    return 0


def cmd_build(args, console: Console) -> int:
    """Build each named assignment's notebook from its text form (every buildable one when none is named);
    with --check, build nothing and exit 1 when a notebook is stale."""
    from autograder import assignment, authoring

    try:
        if args.name:
            chosen = [assignment.get(args.name, args.course)]
        else:
            course = _course(args.course)
            chosen = [a for a in (assignment.get(n, course) for n in assignment.names(course))
                      if authoring.text_source(a).is_file()]
    except assignment.AssignmentError as exc:
        raise UsageError(str(exc)) from None
    if not chosen:
        raise UsageError(f"no assignment of the course at {course} has a text form reference/<name>/<name>.py.")
    failed = 0
    for a in chosen:  # each one, so that one broken assignment does not hide the state of the others
        try:
            _build_one(a, args.check, console)
        except (authoring.BuildError, _Stale) as exc:
            console.print(f"autograder: {exc}", markup=False, style="red", soft_wrap=True)
            failed += 1
    return 1 if failed else 0


class _Stale(Exception):
    """--check: the notebook is not what the build would write."""


def _course(given: str | None) -> Path:
    from autograder import assignment

    course = Path(given).resolve() if given else assignment.find_course()
    if course is None:
        raise assignment.AssignmentError("no course found: run this in a course folder (one with "
                                         "reference/<name>/assignment.toml) or give --course DIR.")
    return course


def _build_one(a, check: bool, console: Console) -> None:
    from autograder import authoring

    notebook = a.reference.relative_to(a.course)
    source = authoring.text_source(a).relative_to(a.course)
    if check:
        if not authoring.is_current(a):
            raise _Stale(f"{notebook} is stale: it is not what {source} and the suite build; "
                         f"run `autograder build {a.name}` and commit it.")
        console.print(f"{notebook} is current.")
        return
    authoring.build(a)
    points = authoring.suite_points(a.grading)
    console.print(f"built {notebook} from {source}: {len(points)} graded functions, "
                  f"{sum(points.values()):g} autograded points; next: nbgrader generate_assignment {a.name} --force",
                  soft_wrap=True)


def cmd_new(args, console: Console) -> int:
    from autograder import authoring, scaffold

    try:
        made, files = scaffold.new(args.name, args.course, args.title)
    except scaffold.ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    authoring.build(made)  # a BuildError here is a bug of the templates: let it show its traceback
    here = Path.cwd().resolve()
    course = os.path.relpath(made.course, here)
    console.print(f"made the assignment {made.name} in the course {course}:", markup=False)
    for path in [*files, made.reference]:
        console.print(f"  {os.path.relpath(path, here)}", markup=False)
    steps = [] if made.course == here else [f"cd {shlex.quote(course)}"]
    steps += [f"nbgrader generate_assignment {made.name}    # the release, in assignments/{made.name}/",
              f"autograder grade reference/{made.name}/{made.notebook}    # the reference: full marks",
              f"autograder grade assignments/{made.name}/{made.notebook}    # the release: 0",
              f"autograder build {made.name}    # after each edit of reference/{made.name}/{made.name}.py or grading/"]
    console.print("next (docs/authoring.md walks from here to a real assignment):\n" +
                  "\n".join(f"  {step}" for step in steps), markup=False, soft_wrap=True)
    return 0


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one sentence and exit 2 (no usage block)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help).\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_assignment(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assignment", metavar="NAME", help="the assignment (reference/NAME/ in the course; also its "
                   "folder in an nbgrader tree). Default: the course's only one, else worked out from the "
                   "submission's notebook name or the functions it defines")
    p.add_argument("--course", metavar="DIR", help="the course folder (default: the nearest folder at or above "
                   "this one holding reference/<name>/assignment.toml, else the checkout the package runs from)")


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="autograder", description="Grade the assignments of a deep-learning course.")
    p.add_argument("--version", action="version", version=f"autograder {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
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
    g.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                   help="grading processes, at least 1 (default: the number of cores)")
    g.add_argument("--shard", metavar="K/N", help="grade only the K-th of N slices of the class (see merge)")
    g.add_argument("--classroom", action="store_true", help="print the result GitHub Classroom's grading "
                   "reporter reads (base64 JSON; also the step output `result` under GitHub Actions)")
    g.add_argument("--only", metavar="FN,...", help="grade only these functions (a quicker, partial grade)")
    add_assignment(g)
    g.add_argument("--due", metavar="WHEN", default=os.environ.get("AUTOGRADER_DUE") or None,
                   help="the due date, e.g. 2026-12-01T23:59:00+00:00 (no zone: UTC); lateness comes from "
                   "nbgrader's timestamp.txt or the LMS's _LATE_ flag (default: $AUTOGRADER_DUE)")
    g.add_argument("--late-policy", metavar="RULE", default=os.environ.get("AUTOGRADER_LATE_POLICY", "none"),
                   help="none, zero, or e.g. '10%%/day, cap 50%%, grace 15m' (see docs/instructors.md; "
                   "default: $AUTOGRADER_LATE_POLICY, the one nbgrader_config.py gives nbgrader, else none)")
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
    m.add_argument("--allow-partial", action="store_true", help="merge even when a shard or a student's "
                   "results are missing (they are listed); without it a merge with anything missing fails")
    m.set_defaults(run=cmd_merge)
    e = sub.add_parser("export", help="write a package for another grading platform")
    e.add_argument("platform", choices=["gradescope"])
    e.add_argument("--out", metavar="FILE", default="autograder.zip", help="default: autograder.zip")
    add_assignment(e)
    e.set_defaults(run=cmd_export)
    d = sub.add_parser("demo", help="grade each assignment's samples: the reference, the release and typical mistakes")
    add_assignment(d)
    d.set_defaults(run=cmd_demo)
    b = sub.add_parser("build", help="build an assignment's nbgrader source notebook reference/NAME/NAME.ipynb "
                       "from its text form NAME.py, with each graded cell's points from the grading suite",
                       description="Build reference/NAME/NAME.ipynb from reference/NAME/NAME.py (jupytext's "
                       "percent format) and the points of the suite's markers, checking that the graded cells and "
                       "the suite agree. Then `nbgrader generate_assignment NAME --force` makes the release.")
    b.add_argument("name", nargs="?", metavar="NAME", help="the assignment (default: every assignment of the "
                   "course that has a NAME.py)")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is not what the "
                   "build would write")
    b.add_argument("--course", metavar="DIR", help="the course folder (default: the nearest folder at or above "
                   "this one holding reference/<name>/assignment.toml, else the checkout the package runs from)")
    b.set_defaults(run=cmd_build)
    n = sub.add_parser("new", help="start an assignment: reference/NAME/ with a notebook of one function, its "
                       "grading suite and settings, built and ready to release (see docs/authoring.md)")
    n.add_argument("name", metavar="NAME", help="the assignment's name: lowercase letters, digits, _ and -")
    n.add_argument("--course", metavar="DIR", help="the course folder, created (with nbgrader_config.py, "
                   "reference/ and assignments/) if it does not exist (default: the course at or above this folder)")
    n.add_argument("--title", metavar="T", help="the notebook's title (default: NAME)")
    n.set_defaults(run=cmd_new)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(highlight=False)
    try:
        return args.run(args, console)
    except UsageError as exc:
        console.print(f"autograder: {exc}", markup=False, style="red", soft_wrap=True)
        return 2
    except Exception as exc:
        from autograder.grade import GraderError

        if not isinstance(exc, GraderError):
            raise
        console.print(f"[red]autograder: could not grade: {exc}[/]")
        return 2


if __name__ == "__main__":
    sys.exit(main())

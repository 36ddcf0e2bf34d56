"""The command line: `autograder grade`, `merge`, `export gradescope`, `demo`, `build`, `new`, `config --show`.

The CLI builds the one Config (autograder.config: defaults < config file < environment < flags) and passes its
values down; nothing below it reads the environment for a setting."""
from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from autograder import __version__, config

# grade, report and demo import nbformat, pytest and NumPy: imported where they are used, so that a
# refused argument is answered at once

class UsageError(Exception):
    """A bad argument: one sentence, exit 2."""


def cmd_grade(args, console: Console) -> int:
    settings = args.settings
    for path in map(Path, args.submission):
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if args.out:
        return cmd_grade_many(args, console)
    if len(args.submission) > 1:
        console.print("[red]autograder: grading several submissions needs --out DIR for the results.[/]")
        return 2
    typed = config.given(args)  # refused only when typed: from a config file or the environment they serve class runs
    for option, given in (("-j", "jobs" in typed), ("--shard", args.shard), ("--due", "due" in typed)):
        if given:
            console.print(f"[red]autograder: {option} grades a class: give --out DIR too.[/]")
            return 2
    check_submission(Path(args.submission[0]))
    from autograder import files, report

    if args.classroom:
        console = Console(stderr=True, highlight=False)  # stdout carries only the reporter's payload
    assignment = choose_assignment(args, Path(args.submission[0]))
    if args.only:
        args.only = check_functions(args.only, assignment)
    say_choice(args, console)
    result = grade_one(Path(args.submission[0]), assignment, _functions(args), settings)
    if args.results:
        files.write_json(report.WRITERS["gradescope"](result), args.results)
    report.WRITERS["terminal"](result, console)
    if args.classroom:
        write_classroom(result)
    if result.grader_errors:
        console.print(f"[red]autograder: {len(result.grader_errors)} test(s) hit a grader error; "
                      "the score is incomplete.[/]")
        return 3
    return 0


def grade_one(path: Path, assignment, functions: set[str] | None, settings: config.Config):
    """Grade one submission. With the fork server (the `pool` setting, on by default) its worker and the
    reference's are forked from one interpreter that imports PyTorch once, and this process collects the
    grading suite meanwhile: a Gradescope submission's feedback comes seconds sooner."""
    from autograder.grade import grade, warm_up

    if not settings.pool:
        return grade(path, assignment=assignment, functions=functions, **grading(settings))
    from autograder.pool import ForkServer

    with ForkServer(preload=assignment.imports()) as server:
        warm_up(assignment)  # while the fork server imports
        return grade(path, assignment=assignment, functions=functions, spawn=server.spawn, **grading(settings))


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


def grading(settings: config.Config) -> dict:
    """The settings grade() takes, from the Config."""
    return {"seed": settings.seed, "carry_forward": settings.carry_forward, "call_timeout": settings.call_timeout,
            "load_timeout": settings.load_timeout, "budget": settings.submission_budget,
            "settings": settings.sandbox_settings()}


def choose_assignment(args, submission: Path | None):
    """--assignment's, else the one the course and the submission make unambiguous; how it was worked out is
    kept in args.chosen_how for say_choice (after the other arguments are checked: a refusal is one line)."""
    from autograder import assignment

    name, course = args.settings.assignment, args.settings.course
    try:
        if name or submission is None:
            return assignment.get(name, course)
        chosen, how = assignment.for_submission(submission, course)
    except assignment.AssignmentError as exc:
        raise UsageError(str(exc)) from None
    if len(assignment.names(chosen.course)) > 1:
        args.chosen_how = f"autograder: grading as {chosen.name} ({how}; --assignment NAME to choose)."
    return chosen


def say_choice(args, console: Console) -> None:
    if getattr(args, "chosen_how", ""):
        console.print(args.chosen_how, style="dim", markup=False, highlight=False)


def check_functions(text: str, assignment) -> list[str]:
    """--only's names, each one the assignment grades; an unknown one is named with the closest known name."""
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    known = assignment.functions()
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


def class_assignment(args, console: Console):
    """The class's assignment; when it cannot be worked out, an input that holds nothing to grade is the
    sentence to give (discovery's), before "say which assignment"."""
    try:
        return choose_assignment(args, Path(args.submission[0]))
    except UsageError:
        from autograder.discover import BatchError, discover

        with tempfile.TemporaryDirectory(prefix="ag-check-") as scratch:
            try:
                discover(args.submission, Path(scratch), "")
            except BatchError as exc:
                raise UsageError(str(exc)) from None
        raise


def cmd_grade_many(args, console: Console) -> int:
    from autograder.batch import BatchError, check_out_dir, grade_many

    if args.results or args.classroom:
        console.print("[red]autograder: --results and --classroom grade one submission; with --out each "
                      "student's results.json is written under DIR.[/]")
        return 2
    try:
        check_out_dir(Path(args.out))
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    chosen = class_assignment(args, console)
    if args.only:
        args.only = check_functions(args.only, chosen)
    say_choice(args, console)
    settings = args.settings
    try:
        outcome = grade_many(args.submission, args.out, jobs=settings.jobs, shard=args.shard,
                             functions=_functions(args), progress=settings.progress,
                             console=console, use_pool=settings.pool, assignment=chosen,
                             due=settings.due, late_policy=settings.late_policy, **grading(settings))
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

    path = gradescope_zip(Path(args.out), choose_assignment(args, None))
    console.print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment.")
    return 0


def demo_assignments(args) -> list:
    """--assignment's, else every assignment of the course, in name order."""
    from autograder import assignment

    try:
        name, course = args.settings.assignment, args.settings.course
        if name:
            return [assignment.get(name, course)]
        course = Path(course).resolve() if course else assignment.find_course()
        if course is None:
            assignment.get(None, None)  # raises the sentence that says no course was found
        return [assignment.get(name, course) for name in assignment.names(course)]
    except assignment.AssignmentError as exc:
        raise UsageError(str(exc)) from None


def cmd_demo(args, console: Console) -> int:
    from autograder import demo, report
    from autograder.grade import grade, start_reference

    options = grading(args.settings)
    for assignment in demo_assignments(args):
        with tempfile.TemporaryDirectory(prefix="ag-demo-") as workdir:
            samples = demo.samples(Path(workdir), assignment)
            reference = start_reference(assignment, settings=options["settings"], load_timeout=options["load_timeout"])
            try:
                for title, path in samples:
                    console.rule(f"{assignment.name}: {title}")
                    report.terminal(grade(path, reference=reference, **options), console)
            finally:
                reference.close()
    return 0


def cmd_build(args, console: Console) -> int:
    """Build each named assignment's notebook from its text form (every buildable one when none is named);
    with --check, build nothing and exit 1 when a notebook is stale."""
    from autograder import assignment, authoring

    try:
        if args.name:
            chosen = [assignment.get(args.name, args.settings.course)]
        else:
            course = _course(args.settings.course)
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


def cmd_config(args, console: Console) -> int:
    print(config.show(args.settings))
    return 0


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


def add_settings(p: argparse.ArgumentParser, command: str) -> None:
    """--config FILE, and the flags of the settings this command takes (generated from autograder.config)."""
    p.add_argument("--config", metavar="FILE", help=f"the config file (default: $AUTOGRADER_CONFIG, else "
                   f"{config.FILE_NAME} at the course root; see `autograder config --show`)")
    config.add_flags(p, command)


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
    g.add_argument("--out", metavar="DIR", help="grade a class into DIR: DIR/<student>/results.json and "
                   "feedback.md, grades.csv, junit.xml, summary.png")
    g.add_argument("--shard", metavar="K/N", help="grade only the K-th of N slices of the class (see merge)")
    g.add_argument("--classroom", action="store_true", help="print the result GitHub Classroom's grading "
                   "reporter reads (base64 JSON; also the step output `result` under GitHub Actions)")
    g.add_argument("--only", metavar="FN,...", help="grade only these functions (a quicker, partial grade)")
    add_settings(g, "grade")
    g.set_defaults(run=cmd_grade)
    m = sub.add_parser("merge", help="combine the output folders of shards into one (grades.csv, junit.xml, summary)")
    m.add_argument("dirs", nargs="+", metavar="DIR")
    m.add_argument("--out", metavar="DIR", required=True)
    m.add_argument("--allow-partial", action="store_true", help="merge even when a shard or a student's "
                   "results are missing (they are listed); without it a merge with anything missing fails")
    add_settings(m, "merge")
    m.set_defaults(run=cmd_merge)
    e = sub.add_parser("export", help="write a package for another grading platform")
    e.add_argument("platform", choices=["gradescope"])
    e.add_argument("--out", metavar="FILE", default="autograder.zip", help="default: autograder.zip")
    add_settings(e, "export")
    e.set_defaults(run=cmd_export)
    d = sub.add_parser("demo", help="grade each assignment's samples: the reference, the release and typical mistakes")
    add_settings(d, "demo")
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
    add_settings(b, "build")
    b.set_defaults(run=cmd_build)
    n = sub.add_parser("new", help="start an assignment: reference/NAME/ with a notebook of one function, its "
                       "grading suite and settings, built and ready to release (see docs/authoring.md)")
    n.add_argument("name", metavar="NAME", help="the assignment's name: lowercase letters, digits, _ and -")
    n.add_argument("--course", metavar="DIR", help="the course folder, created (with nbgrader_config.py, "
                   "reference/ and assignments/) if it does not exist (default: the course at or above this folder)")
    n.add_argument("--title", metavar="T", help="the notebook's title (default: NAME)")
    n.set_defaults(run=cmd_new)
    c = sub.add_parser("config", help="show every setting: its value, where it came from, and what it does",
                       description="Print every setting's effective value, where it came from (default, the config "
                       "file, an environment variable or a flag) and its help. Takes every setting's flag, to show "
                       "what a command given them would use.")
    c.add_argument("--show", action="store_true", help="print the settings (also what `autograder config` alone does)")
    add_settings(c, "config")
    c.set_defaults(run=cmd_config)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(highlight=False)
    try:
        args.settings = config.load(config.given(args), config_file=getattr(args, "config", None))
    except config.ConfigError as exc:
        console.print(f"autograder: {exc}", markup=False, style="red", soft_wrap=True)
        return 2
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

"""Grade a whole class: many submissions in parallel, resumable, with the class's outputs.

`grade_many(paths, out_dir, jobs, shard)` finds every student's submission in the paths (discover.py),
skips the ones already graded with the same code and the same grader, grades the rest in `jobs`
processes (scheduler.py, job.py) that share one fork server (pool.py), and writes, per student, `DIR/<folder>/results.json`
(Gradescope's format) and `feedback.md` (store.py); then the class's `grades.csv`, `junit.xml`,
`summary.png` (and `nbgrader_grades.csv` for an nbgrader tree), and a summary on the terminal that
names every student not graded, unreadable or late.

Resumable and safe: each student's results.json is written atomically and last, and records the hash of
the code graded (load(...).digest) and of the grader (its version, grading suite and reference). A run
killed at any moment (even with SIGKILL) has lost at most the submissions being graded at that moment;
a re-run grades exactly the ones without a matching results.json. A lock on DIR, held until every
process of a run has exited, keeps two runs (or a killed run's last processes) from grading into the
same folder at once. `.events.log` in DIR records one line per submission graded.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograder import __version__, late
from autograder.discover import BatchError, Entry, NotGraded, discover, parse_shard, select_shard
from autograder.scheduler import run_jobs
from autograder.store import (graded_of, is_graded, locked, read_events, read_results, record_late,
                              remove_stale_temporaries, write_manifest)

__all__ = ["BatchError", "BatchResult", "grade_many", "read_events"]


@dataclass
class BatchResult:
    out_dir: Path
    entries: list[Entry]  # the submissions of this run (after sharding)
    graded: list[str] = field(default_factory=list)  # graded by this run
    skipped: list[str] = field(default_factory=list)  # already graded, unchanged
    failed: dict[str, str] = field(default_factory=dict)  # student -> why the grader could not grade it
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    pool: str = ""  # "fork server" or "new interpreters"
    class_results: list = field(default_factory=list)  # class_report.Graded for every graded entry
    run: str = ""  # this run's id, as recorded in results.json and .events.log
    not_graded: list[NotGraded] = field(default_factory=list)  # found in the inputs, not graded, and why

    @property
    def ok(self) -> bool:
        return not self.failed


# ------------------------------------------------------------------ what identifies a grading


def code_digest(entry: Entry, scratch: Path, reference: Path | None = None) -> str:
    """The hash of the code that would be graded (load(...).digest, read as grade() reads it, against the
    reference), or of the raw bytes if it cannot be loaded."""
    from autograder.load import LoadError, load

    reference = reference if reference is not None and reference.exists() else None
    with tempfile.TemporaryDirectory(dir=scratch, prefix="digest-") as unpacked:
        try:
            return load(entry.path, workdir=Path(unpacked), reference=reference).digest
        except (LoadError, OSError, ValueError):
            pass
    h = hashlib.sha256(b"unreadable\0")
    files = [entry.path] if entry.path.is_file() else sorted(p for p in entry.path.rglob("*") if p.is_file())
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def grader_fingerprint(assignment, functions: set[str] | None, seed: int | None,
                       carry_forward: bool = True) -> str:
    """What makes two gradings of the same code comparable: the version, the suite, the reference, the options."""
    from autograder.load import load

    reference = assignment.reference
    h = hashlib.sha256()
    h.update(__version__.encode())
    package = Path(__file__).resolve().parent
    files = sorted(assignment.grading.rglob("*.py")) + [package / n for n in ("plugin.py", "harness.py", "carry.py")]
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(load(reference).digest.encode() if reference.exists() else b"no reference")
    h.update(json.dumps([sorted(functions) if functions else None, seed, carry_forward]).encode())
    return f"{__version__}+{h.hexdigest()[:16]}"


def open_ahead(jobs: int) -> int:
    """Submissions a job holds at once. A job waits on its workers most of the time, so with a core to spare
    for each job (-j at most half the cores) it opens its next submission (running the notebook in a worker
    of its own) while it grades one: 2. Else 1, so that a student's timed calls never share a core with
    another student's notebook."""
    return 2 if 2 * jobs <= (os.cpu_count() or 1) else 1


def reference_points(reference: Path) -> float | None:
    """The assignment's points in nbgrader, hand-graded cells included (what `nbgrader export` calls max_score)."""
    from autograder.load import LoadError, read_notebook

    try:
        nb = read_notebook(reference)
    except LoadError:
        return None
    total = 0.0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            total += float(meta.get("points", 0) or 0)
    return total or None


def check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchError(f"--out {out_dir} is a file; give a folder for the results (new or from an earlier run).")


def grade_many(paths: list[str | Path], out_dir: str | Path, jobs: int | None = None,
               shard: tuple[int, int] | str | None = None, *, functions: set[str] | None = None,
               seed: int | None = None, call_timeout: float | None = None,
               assignment=None, due: str | None = None, late_policy: str | None = None,
               carry_forward: bool = True, progress: bool = True, console=None, use_pool: bool = True,
               summary: bool = True, load_timeout: float | None = None, budget: float | None = None,
               settings=None) -> BatchResult:
    """Grade every submission in `paths` into `out_dir` (see the module's docstring); returns what happened.

    `jobs` grading processes (default: the number of cores) share one fork server (`use_pool`); `shard`
    "K/N" grades the K-th of N slices; `functions`, `seed`, `call_timeout`, `load_timeout`, `budget`, `settings`
    (the sandbox's) and `carry_forward` are passed to grade();
    `assignment`: an Assignment, its name, or None (the course's only one, else worked out from the first PATH);
    `due` (a date and time) and `late_policy` (a rule, see late.py) give each submission's lateness and penalty.
    """
    from rich.console import Console

    from autograder import grade as grade_module

    started = time.monotonic()
    console = console or Console(stderr=True, highlight=False)
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    if isinstance(shard, str):
        shard = parse_shard(shard)
    if jobs is not None and jobs < 1:
        raise BatchError(f"-j must be at least 1, not {jobs}.")
    try:
        policy = late.LatePolicy.parse(late_policy)
        deadline = late.parse_time(due) if due else None
    except late.PolicyError as exc:
        raise BatchError(str(exc)) from None
    jobs = jobs or os.cpu_count() or 1
    assignment = grade_module.assignment_of(assignment, Path(paths[0]) if paths else None)
    if not assignment.reference.exists():
        raise grade_module.GraderError(f"the reference solution {assignment.reference} is missing; "
                                       f"build it with `autograder build {assignment.name}`.")
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    with locked(out_dir) as lock_fd:
        remove_stale_temporaries(out_dir)
        scratch = out_dir / f".scratch-{run_id}"  # unpacked downloads, removed at the end (or by the next run)
        scratch.mkdir()
        try:
            found = discover(paths, scratch, assignment.name)
            entries = select_shard(found.entries, shard)
            write_manifest(out_dir, shard=shard, entries=entries, not_graded=found.not_graded,
                           warnings=found.warnings)
            outcome = BatchResult(out_dir, entries, run=run_id, not_graded=found.not_graded,
                                  warnings=list(found.warnings))
            options = {"functions": functions, "seed": seed, "call_timeout": call_timeout,
                       "carry_forward": carry_forward, "load_timeout": load_timeout, "budget": budget,
                       "sandbox": settings.to_message() if settings is not None else None}
            _grade_locked(outcome, scratch, lock_fd, assignment, options, jobs, progress, use_pool,
                          (deadline, policy))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        outcome.seconds = round(time.monotonic() - started, 3)
        if summary:
            print_summary(outcome, outcome.class_results, console)
    return outcome


def _grade_locked(outcome: BatchResult, scratch, lock_fd, assignment, options: dict, jobs, progress,
                  use_pool, lateness) -> None:
    from autograder import class_report

    out_dir, entries = outcome.out_dir, outcome.entries
    functions = options["functions"]
    reference = assignment.reference
    grader = grader_fingerprint(assignment, functions, options["seed"], options["carry_forward"])
    for e in entries:
        e.digest = code_digest(e, scratch, reference)
    todo = []
    for e in entries:
        if is_graded(read_results(out_dir / e.folder), e.digest, grader):
            outcome.skipped.append(e.student)
        else:
            todo.append(e)
    if todo:
        config = {"pool": None, "zygote": None, "course": str(assignment.course), "assignment": assignment.name,
                  "out": str(out_dir),
                  "functions": sorted(functions) if functions else None, "seed": options["seed"],
                  "call_timeout": options["call_timeout"], "carry_forward": options["carry_forward"],
                  "load_timeout": options["load_timeout"], "budget": options["budget"], "sandbox": options["sandbox"],
                  "grader": grader, "run": outcome.run,
                  "max_points": reference_points(reference),
                  "due": str(lateness[0]) if lateness[0] else None, "policy": str(lateness[1])}
        jobs = min(jobs, len(todo))
        config.update(ahead=open_ahead(jobs), preload=list(assignment.imports()))
        run_jobs(todo, jobs, config, lock_fd, outcome, progress, use_pool)
    due, policy = lateness
    graded = []
    for e in entries:
        data = read_results(out_dir / e.folder)
        if is_graded(data, e.digest, grader):
            score = float(data["extra_data"]["result"].get("score", data.get("score", 0.0)))
            record_late(out_dir, e, data, late.assess(e.timestamp, e.flagged_late, due, policy, score))
            graded.append(graded_of(data))
    missing = [g for g in outcome.not_graded if g.student]
    if graded or missing:
        class_report.write_class_outputs(graded, out_dir, missing=missing)
    outcome.class_results = graded


def print_summary(outcome: BatchResult, graded, console) -> None:
    """The class's tables, then one line for every student not graded, unreadable or late, by name."""
    from autograder import class_report

    console.print()
    class_report.terminal_summary(graded, console, title=f"Grades in {outcome.out_dir}")
    n = len(outcome.entries)
    how = f" ({outcome.pool})" if outcome.pool else ""
    console.print(f"{n} submissions: {len(outcome.graded)} graded now{how}, {len(outcome.skipped)} already graded, "
                  f"{len(outcome.failed)} could not be graded; {outcome.seconds:.1f} s.")
    for student, why in sorted(outcome.failed.items()):
        console.print(f"  {student}: the grader could not grade it: {why}", highlight=False, markup=False,
                      style="red", soft_wrap=True)
    for line in class_report.status_lines(graded, outcome.not_graded):
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    for line in outcome.warnings:
        console.print(f"  {line}", highlight=False, markup=False, style="yellow", soft_wrap=True)

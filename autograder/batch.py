"""Grade a whole class: many submissions in parallel, resumable, with the class's outputs.

`grade_many(paths, out_dir, jobs, shard)` finds every student's submission in the paths (discover.py),
skips the ones already graded with the same code and the same grader, grades the rest in `jobs`
processes that share one fork server (pool.py), and writes, per student, `DIR/<folder>/results.json`
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
import math
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograder import __version__, late
from autograder.discover import BatchError, Entry, NotGraded, discover, parse_shard, select_shard
from autograder.store import (graded_of, is_graded, locked, log_event, read_events, read_results, record_late,
                              remove_stale_temporaries, write_manifest, write_submission)

__all__ = ["BatchError", "BatchResult", "grade_many", "read_events"]
BATCH_LOG = ".batch.log"


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


def reference_points(reference: Path) -> float | None:
    """The assignment's points in nbgrader, hand-graded cells included (what `nbgrader export` calls max_score)."""
    try:
        import nbformat

        nb = nbformat.read(str(reference), as_version=4)
    except Exception:
        return None
    total = 0.0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            total += float(meta.get("points", 0) or 0)
    return total or None


# ------------------------------------------------------------------ the job processes


class _Job:
    """One grading process: `python -m autograder.batch --job`, tasks on stdin, replies on a pipe."""

    def __init__(self, index: int, config: dict, lock_fd: int, log_fd: int):
        self.index = index
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.batch", "--job", str(w)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log_fd, pass_fds=(w, lock_fd),
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        os.close(w)
        self.replies = r  # JSON lines from the job
        self._buffer = b""
        self.task: Entry | None = None
        self.ready = False
        self._send(config)

    def read_lines(self) -> list[bytes] | None:
        """The complete lines that have arrived (after select said so); None once the job has gone."""
        chunk = os.read(self.replies, 1 << 16)
        if not chunk:
            return None
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return lines

    def _send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def give(self, entry: Entry) -> None:
        self.task = entry
        self._send({"student": entry.student, "path": str(entry.path), "label": entry.label,
                    "digest": entry.digest, "nbgrader": entry.nbgrader, "folder": entry.folder,
                    "timestamp": entry.timestamp, "flagged_late": entry.flagged_late})

    def quit(self) -> None:
        try:
            self._send({"quit": True})
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def abort(self) -> None:
        try:
            self.proc.stdin.close()  # without "quit": the job kills its workers and exits at once
        except (BrokenPipeError, OSError):
            pass


def grade_many(paths: list[str | Path], out_dir: str | Path, jobs: int | None = None,
               shard: tuple[int, int] | str | None = None, *, functions: set[str] | None = None,
               seed: int | None = None, call_timeout: float | None = None,
               assignment=None, due: str | None = None, late_policy: str | None = None,
               carry_forward: bool = True, progress: bool = True, console=None, use_pool: bool = True,
               summary: bool = True) -> BatchResult:
    """Grade every submission in `paths` into `out_dir` (see the module's docstring); returns what happened.

    `jobs` grading processes (default: the number of cores) share one fork server (`use_pool`); `shard`
    "K/N" grades the K-th of N slices; `functions`, `seed`, `call_timeout` and `carry_forward` are passed to grade();
    `assignment`: an Assignment, its name, or None (the course's only one, else worked out from the first PATH);
    `due` (a date and time) and `late_policy` (a rule, see late.py) give each submission's lateness and penalty.
    """
    from rich.console import Console

    from autograder import grade as grade_module

    started = time.monotonic()
    console = console or Console(stderr=True, highlight=False)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchError(f"--out {out_dir} is a file; give a folder for the results (new or from an earlier run).")
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
                       "carry_forward": carry_forward}
            _grade_locked(outcome, scratch, lock_fd, assignment, options, jobs, progress, console, use_pool,
                          (deadline, policy))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        outcome.seconds = round(time.monotonic() - started, 3)
        if summary:
            print_summary(outcome, outcome.class_results, console)
    return outcome


def _grade_locked(outcome: BatchResult, scratch, lock_fd, assignment, options: dict, jobs, progress,
                  console, use_pool, lateness) -> None:
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
                  "grader": grader, "run": outcome.run,
                  "max_points": reference_points(reference),
                  "due": str(lateness[0]) if lateness[0] else None, "policy": str(lateness[1])}
        _run_jobs(todo, min(jobs, len(todo)), config, lock_fd, outcome, progress, console, use_pool)
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


def _run_jobs(todo: list[Entry], n_jobs: int, config: dict, lock_fd: int, outcome: BatchResult,
              progress: bool, console, use_pool: bool) -> None:
    from tqdm import tqdm

    from autograder.pool import ForkServer

    # the zygote holds the run's lock too: a killed run's folder is free again only once it has gone
    pool = ForkServer(keep_fds=(lock_fd,)).start() if use_pool else None
    if pool is not None:
        config.update(pool=pool.address, zygote=pool.pid)
    outcome.pool = "fork server" if pool is not None else "new interpreters"
    log_path = outcome.out_dir / BATCH_LOG
    log_start = log_path.stat().st_size if log_path.exists() else 0
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    queue = deque(todo)
    workers: list[_Job] = []
    selector = selectors.DefaultSelector()
    bar = tqdm(total=len(todo), desc="grading", unit="submission", file=sys.stderr, disable=not progress,
               dynamic_ncols=True, smoothing=0.1, mininterval=0.2 if sys.stderr.isatty() else 15)
    restarts = 0
    try:
        for i in range(n_jobs):
            job = _Job(i, config, lock_fd, log_fd)
            workers.append(job)
            selector.register(job.replies, selectors.EVENT_READ, job)
        busy = 0
        while queue or busy:
            for key, _ in selector.select(timeout=1.0):
                job: _Job = key.data
                lines = job.read_lines()
                if lines is None:  # the job process died: its task is tried again, up to 3 deaths in a run
                    selector.unregister(job.replies)
                    job.proc.wait()
                    os.close(job.replies)
                    workers.remove(job)
                    if job.task is not None:
                        busy -= 1
                        entry, job.task = job.task, None
                        if restarts < 3:
                            queue.appendleft(entry)
                        else:
                            outcome.failed[entry.student] = "the grading process died while grading it"
                            bar.update(1)
                    if restarts < 3:
                        restarts += 1
                        replacement = _Job(job.index, config, lock_fd, log_fd)
                        workers.append(replacement)
                        selector.register(replacement.replies, selectors.EVENT_READ, replacement)
                    elif not workers:
                        raise BatchError(f"the grading processes keep dying; see {log_path}")
                    continue
                for reply in map(json.loads, lines):
                    if "fatal" in reply:
                        from autograder.grade import GraderError

                        raise GraderError(reply["fatal"])
                    if "ready" in reply:
                        job.ready = True
                    elif "done" in reply or "failed" in reply:
                        if "done" in reply:
                            outcome.graded.append(reply["done"])
                        else:
                            outcome.failed[reply["failed"]] = reply["error"]
                        busy -= 1
                        job.task = None
                        bar.update(1)
                if job.ready and job.task is None and queue:
                    job.give(queue.popleft())
                    busy += 1
    finally:
        bar.close()
        for job in workers:
            job.quit()
        for job in workers:
            try:
                job.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                job.proc.kill()
                job.proc.wait()
            os.close(job.replies)
        selector.close()
        if pool is not None:
            pool.close()
        os.close(log_fd)
        outcome.warnings += _new_warnings(log_path, log_start)


def _new_warnings(log_path: Path, start: int) -> list[str]:
    try:
        with open(log_path, "rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    seen: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and line not in seen and ("sandbox:" in line or "autograder" in line or "Error" in line):
            seen.append(line)
    return seen[:20]


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


# ------------------------------------------------------------------ inside a job process


def _job_main(reply_fd: int) -> int:
    """Grade tasks from stdin until told to quit; stdin closing without "quit" means the run is gone."""
    import logging

    from autograder.assignment import get
    from autograder.grade import GraderError, grade, start_reference, warm_up
    from autograder.pool import Client

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the run, which then stops its jobs
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    replies = os.fdopen(reply_fd, "w", buffering=1)
    config = json.loads(sys.stdin.readline())
    out_dir = Path(config["out"])
    live: dict[int, tuple] = {}  # worker pid -> (handle, home), for a quick clean-up if the run is killed
    client = Client(config["pool"], wait_ready=_zygote_waiter(config))

    def spawn(home: str, output_path: str):
        for pid, (handle, _) in list(live.items()):
            if handle.poll() is not None:
                live.pop(pid, None)
        proc, send_fd, recv_fd = client.spawn(home, output_path)
        live[proc.pid] = (proc, home)
        return proc, send_fd, recv_fd

    tasks: deque = deque()
    arrived = threading.Condition()
    writing = threading.Lock()  # results.json and its event line are written together, or neither

    def read_tasks() -> None:
        for line in sys.stdin:
            message = json.loads(line)
            with arrived:
                tasks.append(message)
                arrived.notify()
            if message.get("quit"):
                return
        with writing:  # end of file without "quit": the run was killed
            _abandon(live)

    threading.Thread(target=read_tasks, daemon=True).start()
    try:
        assignment = get(config["assignment"], config["course"])
        warm_up(assignment)  # while the fork server imports: the two start-ups overlap
        reference = start_reference(assignment, spawn=spawn)
    except GraderError as exc:
        replies.write(json.dumps({"fatal": str(exc)}) + "\n")
        return 1
    reference.budget = math.inf  # one reference serves every submission of this job
    replies.write(json.dumps({"ready": True}) + "\n")
    functions = set(config["functions"]) if config["functions"] else None
    due = late.parse_time(config["due"]) if config.get("due") else None
    policy = late.LatePolicy.parse(config.get("policy"))
    options = {"seed": config["seed"], "functions": functions, "carry_forward": config["carry_forward"]}
    if config.get("call_timeout"):
        options["call_timeout"] = config["call_timeout"]
    try:
        while True:
            with arrived:
                while not tasks:
                    arrived.wait()
                task = tasks.popleft()
            if task.get("quit"):
                return 0
            entry = Entry(task["student"], Path(task["path"]), task["label"], task.get("nbgrader") or {},
                          task["digest"], task["folder"], task["timestamp"], task["flagged_late"])
            try:
                result = grade(entry.path, reference=reference, spawn=spawn, **options)
            except GraderError as exc:
                replies.write(json.dumps({"failed": entry.student, "error": str(exc)}) + "\n")
                continue
            result.submission = entry.label
            with writing:
                lateness = late.assess(entry.timestamp, entry.flagged_late, due, policy, result.score)
                write_submission(out_dir, entry, result, late=lateness, grader=config["grader"], run=config["run"],
                                 max_points=config.get("max_points"))
                log_event(out_dir, event="graded", student=entry.student, digest=entry.digest[:16],
                           run=config["run"], pid=os.getpid(), score=result.score)
            replies.write(json.dumps({"done": entry.student, "score": result.score,
                                      "seconds": result.execution_time}) + "\n")
    finally:
        reference.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _zygote_waiter(config: dict):
    """Until the run's fork server listens (it may still be importing): True when it does, False if it died."""
    address, zygote = config.get("pool"), config.get("zygote")
    state: dict = {}

    def wait() -> bool:
        if "ok" not in state:
            deadline = time.monotonic() + 180
            while not os.path.exists(address or ""):
                if not zygote or not _alive(zygote) or time.monotonic() > deadline:
                    state["ok"] = False
                    return False
                time.sleep(0.05)
            state["ok"] = True
        return state["ok"]

    return wait


def _abandon(live: dict[int, tuple]) -> None:
    """The run is gone: kill this job's workers and leave at once (nothing half-done is kept)."""
    from autograder import sandbox

    for pid, (_, home) in list(live.items()):
        try:
            sandbox.kill_tree(pid)
        except Exception:
            pass
        shutil.rmtree(home, ignore_errors=True)
    os._exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--job":
        sys.exit(_job_main(int(sys.argv[2])))
    sys.exit("usage: python -m autograder.batch --job FD (started by grade_many)")

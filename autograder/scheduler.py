"""The run's side of a class run's job processes: start them, hand out submissions, act on their replies.

Each job (job.py, `python -m autograder.job --job FD`) reads tasks as JSON lines on its stdin and answers
on a pipe: {"ready"} once it has loaded the assignment and its grading suite, {"done": student, ...} or
{"failed": student, "error"} per task, {"fatal": why} if it cannot grade at all (its reference solution
does not run, say). A job is given `ahead` tasks at a time (batch.open_ahead). A job that dies has its
tasks tried again by a new job, up to three deaths in a run. As in pytest-xdist's scheduler, each kind of
event has its own small method (`reply_<kind>`, `job_gone`) and `run` only dispatches.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from collections import deque
from pathlib import Path

from autograder import class_report, files
from autograder.discover import BatchError, Entry

BATCH_LOG = ".batch.log"
MAX_RESTARTS = 3


class Job:
    """One grading process: tasks on stdin, replies on a pipe."""

    def __init__(self, index: int, config: dict, lock_fd: int, log_fd: int):
        self.index = index
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.job", "--job", str(w)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log_fd, pass_fds=(w, lock_fd),
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        os.close(w)
        self.replies = r  # JSON lines from the job
        self._buffer = b""
        self.tasks: list[Entry] = []  # given and not yet answered for, in order
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
        self.tasks.append(entry)
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


class Scheduler:
    """Grades `todo` in `n_jobs` jobs; what happened goes into `outcome` (batch.BatchResult)."""

    def __init__(self, todo: list[Entry], n_jobs: int, config: dict, lock_fd: int, outcome, bar):
        self.queue = deque(todo)
        self.n_jobs, self.config, self.lock_fd = n_jobs, config, lock_fd
        self.outcome, self.bar = outcome, bar
        self.log_path = outcome.out_dir / BATCH_LOG
        self.log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log_fd = files.open_append(self.log_path)
        self.jobs: list[Job] = []
        self.selector = selectors.DefaultSelector()
        self.busy = 0  # tasks given to jobs and not yet answered for
        self.ahead = config.get("ahead", 1)  # tasks a job holds at once (2: it opens the next while grading one)
        self.restarts = 0

    def run(self) -> None:
        try:
            for i in range(self.n_jobs):
                self.start_job(i)
            while self.queue or self.busy:
                for key, _ in self.selector.select(timeout=1.0):
                    self.on_readable(key.data)
        finally:
            self.close()

    def start_job(self, index: int) -> None:
        job = Job(index, self.config, self.lock_fd, self.log_fd)
        self.jobs.append(job)
        self.selector.register(job.replies, selectors.EVENT_READ, job)

    def on_readable(self, job: Job) -> None:
        lines = job.read_lines()
        if lines is None:
            self.job_gone(job)
            return
        for reply in map(json.loads, lines):
            kind = next((k for k in ("fatal", "ready", "done", "failed") if k in reply), None)
            if kind is not None:
                getattr(self, f"reply_{kind}")(job, reply)
        while job.ready and len(job.tasks) < self.ahead and self.queue:
            job.give(self.queue.popleft())
            self.busy += 1

    # ---------------------------------------------------------------- one method per event

    def reply_fatal(self, job: Job, reply: dict) -> None:
        from autograder.grade import GraderError

        raise GraderError(reply["fatal"])

    def reply_ready(self, job: Job, reply: dict) -> None:
        job.ready = True

    def reply_done(self, job: Job, reply: dict) -> None:
        if not self.outcome.graded:  # the start-up is over: the class outputs' imports can load beside the jobs
            class_report.import_plotting_early()
        self.outcome.graded.append(reply["done"])
        self._finished(job, reply["done"])

    def reply_failed(self, job: Job, reply: dict) -> None:
        self.outcome.failed[reply["failed"]] = reply["error"]
        self._finished(job, reply["failed"])

    def job_gone(self, job: Job) -> None:
        """The job process died: its tasks are tried again, up to MAX_RESTARTS deaths in a run."""
        self.selector.unregister(job.replies)
        job.proc.wait()
        os.close(job.replies)
        self.jobs.remove(job)
        self.busy -= len(job.tasks)
        for entry in reversed(job.tasks):
            if self.restarts < MAX_RESTARTS:
                self.queue.appendleft(entry)
            else:
                self.outcome.failed[entry.student] = "the grading process died while grading it"
                self.bar.update(1)
        job.tasks = []
        if self.restarts < MAX_RESTARTS:
            self.restarts += 1
            self.start_job(job.index)
        elif not self.jobs:
            raise BatchError(f"the grading processes keep dying; see {self.log_path}")

    def _finished(self, job: Job, student: str) -> None:
        self.busy -= 1
        job.tasks = [e for e in job.tasks if e.student != student]
        self.bar.update(1)

    # ---------------------------------------------------------------- the end

    def close(self) -> None:
        """Every job told to quit and waited for (killed after 30 s); their warnings kept."""
        for job in self.jobs:
            job.quit()
        for job in self.jobs:
            try:
                job.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                job.proc.kill()
                job.proc.wait()
            os.close(job.replies)
        self.selector.close()
        os.close(self.log_fd)
        self.outcome.warnings += new_warnings(self.log_path, self.log_start)


def run_jobs(todo: list[Entry], n_jobs: int, config: dict, lock_fd: int, outcome, progress: bool,
             use_pool: bool) -> None:
    """Grade `todo` in `n_jobs` job processes sharing one fork server (`use_pool`), with a progress bar."""
    from tqdm import tqdm

    from autograder.pool import ForkServer

    # the zygote holds the run's lock too: a killed run's folder is free again only once it has gone
    pool = ForkServer(keep_fds=(lock_fd,), preload=config["preload"]).start() if use_pool else None
    if pool is not None:
        config.update(pool=pool.address, zygote=pool.pid)
    outcome.pool = "fork server" if pool is not None else "new interpreters"
    bar = tqdm(total=len(todo), desc="grading", unit="submission", file=sys.stderr, disable=not progress,
               dynamic_ncols=True, smoothing=0.1, mininterval=0.2 if sys.stderr.isatty() else 15)
    try:
        Scheduler(todo, n_jobs, config, lock_fd, outcome, bar).run()
    finally:
        bar.close()
        if pool is not None:
            pool.close()


def new_warnings(log_path: Path, start: int) -> list[str]:
    """What the jobs wrote to the run's log since `start` that a person should see, each line once."""
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

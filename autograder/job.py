"""A job process of a class run (started by scheduler.Job): grades the tasks it reads on stdin.

It starts the assignment's reference once, opens each task as it arrives (grade.open_submission, on a
thread: the notebook runs in its worker while the job grades the task before), grades the tasks in order
with grade(), in workers from the run's fork server (pool.Client; new interpreters if there is none),
writes the student's feedback.md and results.json (store.py), and answers on its reply pipe (see
scheduler.py for the messages). Its stdin closing without {"quit": true} means the run was killed: it
kills its workers and leaves at once.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import late
from autograder.discover import Entry
from autograder.store import log_event, write_submission


def main(reply_fd: int) -> int:
    """Grade tasks from stdin until told to quit; stdin closing without "quit" means the run is gone."""
    import logging

    from autograder.assignment import get
    from autograder.grade import GraderError, close_when_done, open_submission, start_reference, warm_up
    from autograder.pool import Client
    from autograder.sandbox import Settings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the run, which then stops its jobs
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    replies = os.fdopen(reply_fd, "w", buffering=1)
    config = json.loads(sys.stdin.readline())
    out_dir = Path(config["out"])
    live: dict[int, tuple] = {}  # worker pid -> (handle, home), for a quick clean-up if the run is killed
    client = Client(config["pool"], wait_ready=_zygote_waiter(config))

    def spawn(home: str, output_path: str):
        # two threads spawn (see the opener below); a worker's handle is polled only by its own Submission,
        # whose stop() sets the returncode read here
        for pid, (handle, _) in list(live.items()):
            if handle.returncode is not None:
                live.pop(pid, None)
        proc, send_fd, recv_fd = client.spawn(home, output_path)
        live[proc.pid] = (proc, home)
        return proc, send_fd, recv_fd

    try:
        assignment = get(config["assignment"], config["course"])
        warm_up(assignment)  # while the fork server imports: the two start-ups overlap
    except GraderError as exc:
        replies.write(json.dumps({"fatal": str(exc)}) + "\n")
        return 1
    # the settings the CLI read (autograder.config), as the run sent them: this process reads no environment
    settings = Settings.from_message(config["sandbox"]) if config.get("sandbox") else None
    limits = {name: config[name] for name in ("load_timeout", "call_timeout") if config.get(name)}
    opens = {"spawn": spawn, "settings": settings, "budget": config.get("budget"), **limits}
    options = {"seed": config["seed"], "functions": set(config["functions"]) if config["functions"] else None,
               "carry_forward": config["carry_forward"], **opens}
    # A job mostly waits on its workers. So each task is opened (read, its notebook run in its own worker) by a
    # thread as soon as it arrives, and the reference starts beside the first: the scheduler sends a job its
    # next task while it grades one only when a core is free for that (batch.open_ahead).
    opener = ThreadPoolExecutor(max_workers=2, thread_name_prefix="open")
    starting = opener.submit(start_reference, assignment, spawn=spawn, settings=settings,
                             **{k: v for k, v in limits.items() if k == "load_timeout"})
    tasks: deque = deque()  # (task, future of its grade.Opened); (quit message, None) at the end
    arrived = threading.Condition()
    writing = threading.Lock()  # results.json and its event line are written together, or neither

    def read_tasks() -> None:
        for line in sys.stdin:
            message = json.loads(line)
            quitting = bool(message.get("quit"))
            with arrived:
                tasks.append((message, None if quitting else
                              opener.submit(open_submission, message["path"], assignment, **opens)))
                arrived.notify()
            if quitting:
                return
        with writing:  # end of file without "quit": the run was killed
            _abandon(live)

    threading.Thread(target=read_tasks, daemon=True).start()
    replies.write(json.dumps({"ready": True}) + "\n")
    lateness = (late.parse_time(config["due"]) if config.get("due") else None,  # (due, policy), read once
                late.LatePolicy.parse(config.get("policy")))
    reference = None
    try:
        while True:
            with arrived:
                while not tasks:
                    arrived.wait()
                task, opened = tasks.popleft()
            if opened is None:
                return 0
            if reference is None:
                reference = _reference(starting, replies)
                if reference is None:
                    return 1
            _grade_task(task, opened, reference, config, options, lateness, out_dir, writing, replies)
    finally:
        for _, opened in tasks:
            if opened is not None:
                close_when_done(opened)
        close_when_done(starting)
        opener.shutdown(wait=False)


def _reference(starting, replies):
    """The reference, once started beside the first submission; None (and a fatal reply) if it failed."""
    from autograder.grade import GraderError

    try:
        reference = starting.result()
    except GraderError as exc:
        replies.write(json.dumps({"fatal": str(exc)}) + "\n")
        return None
    reference.budget = math.inf  # one reference serves every submission of this job
    return reference


def _grade_task(task: dict, opened, reference, config: dict, options: dict, lateness: tuple, out_dir: Path,
                writing, replies) -> None:
    """Grade one task (`opened`: the future of its grade.Opened), write its results and feedback, and say
    so on the reply pipe."""
    from autograder.grade import GraderError, grade

    entry = Entry(task["student"], Path(task["path"]), task["label"], task.get("nbgrader") or {},
                  task["digest"], task["folder"], task["timestamp"], task["flagged_late"])
    try:
        result = grade(entry.path, reference=reference, label=entry.label, opened=opened.result(), **options)
    except GraderError as exc:
        replies.write(json.dumps({"failed": entry.student, "error": str(exc)}) + "\n")
        return
    due, policy = lateness
    with writing:
        assessed = late.assess(entry.timestamp, entry.flagged_late, due, policy, result.score)
        write_submission(out_dir, entry, result, late=assessed, grader=config["grader"], run=config["run"],
                         max_points=config.get("max_points"))
        log_event(out_dir, event="graded", student=entry.student, digest=entry.digest[:16],
                  run=config["run"], pid=os.getpid(), score=result.score)
    replies.write(json.dumps({"done": entry.student, "score": result.score,
                              "seconds": result.execution_time}) + "\n")


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
        code = main(int(sys.argv[2]))
        # everything is written and the workers are closed: leave without tearing down PyTorch (a second or so
        # at the end of every class run)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit("usage: python -m autograder.job --job FD (started by the scheduler of a class run)")

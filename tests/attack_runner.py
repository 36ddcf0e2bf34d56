"""Grade attacks from the corpus through the real grading path and report what happened, as JSON.

    python tests/attack_runner.py OUT.json NAME [NAME ...]

Run by tests/test_attacks.py, several at once. Each attack is built (the stub of ATTACK_ASSIGNMENT, "ps1"
by default, + attack), graded with `autograder.grade.grade` against one shared reference worker of that
assignment, with a small per-call timeout and per-submission budget (ATTACK_CALL_TIMEOUT, ATTACK_BUDGET
seconds) and a subset of the suite (ATTACK_FUNCTIONS, comma-separated, or "all"); then the processes it
left behind are listed (and killed, so a failing check leaves the machine clean).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attack_corpus  # noqa: E402

from autograder import worker  # noqa: E402
from autograder.grade import grade, start_reference  # noqa: E402

CALL_TIMEOUT = float(os.environ.get("ATTACK_CALL_TIMEOUT", "2"))
BUDGET = float(os.environ.get("ATTACK_BUDGET", "15"))
FUNCTIONS = os.environ.get("ATTACK_FUNCTIONS", "all")
ASSIGNMENT = os.environ.get("ATTACK_ASSIGNMENT", "ps1")
POOL = os.environ.get("ATTACK_POOL", "1") == "1"  # fork workers from a warm fork server (autograder.pool)


class Spy:
    """What the grader knew but Result does not carry: the worker's sandbox report, the capture size."""

    def __init__(self):
        self.reports: list[dict] = []
        self.spent = 0.0
        self.capture_bytes = 0
        original_init, original_cleanup = worker.Submission.__init__, worker.Worker.cleanup
        spy = self

        def init(sub, *args, **kwargs):
            original_init(sub, *args, **kwargs)
            if sub.label != "the reference solution":
                spy.reports.append(dict(sub.report.sandbox))
                spy.student = sub

        def cleanup(w):
            try:
                spy.capture_bytes = max(spy.capture_bytes, os.path.getsize(w.output_path))
            except OSError:
                pass
            original_cleanup(w)

        worker.Submission.__init__, worker.Worker.cleanup = init, cleanup


def left_behind(tokens: set[str]) -> dict[int, str]:
    first = attack_corpus.leftovers(tokens)
    if not first:
        return {}
    time.sleep(1.0)  # a process being killed right now is not left behind
    second = attack_corpus.leftovers(tokens)
    return {pid: cmd for pid, cmd in second.items() if pid in first}


def main(out: str, names: list[str]) -> None:
    worker.SUBMISSION_BUDGET = BUDGET
    functions = None if FUNCTIONS == "all" else set(FUNCTIONS.split(","))
    spy = Spy()
    launcher, pool = {}, None
    if POOL:
        from autograder.pool import ForkServer

        pool = ForkServer().start()
        launcher = {"spawn": pool.spawn}
    reference = start_reference(ASSIGNMENT, **launcher)
    results = {}
    tokens: set[str] = set()
    folder = Path(tempfile.mkdtemp(prefix="ag-attacks-"))
    try:
        # warm up: the suite's modules, the oracle and torch are imported by the first grade in a process
        grade(attack_corpus.build("baseline_stub", folder / "warm-up", ASSIGNMENT), reference=reference,
              call_timeout=CALL_TIMEOUT, functions=functions, **launcher)
        for name in names:
            path = attack_corpus.build(name, folder, ASSIGNMENT)
            tokens.add(attack_corpus.token_for(name))
            spy.reports, spy.capture_bytes, spy.student = [], 0, None
            started = time.monotonic()
            error = ""
            try:
                result = grade(path, reference=reference, call_timeout=CALL_TIMEOUT, functions=functions, **launcher)
            except BaseException as exc:  # noqa: BLE001  (the grader itself failing is what we look for)
                result, error = None, f"{type(exc).__name__}: {exc}"
            elapsed = time.monotonic() - started
            left = left_behind(tokens)
            attack_corpus.kill(left)
            spent = spy.student.spent if spy.student is not None else 0.0
            entry = {"elapsed": elapsed, "spent": spent, "grader_error": error, "left_behind": left,
                     "sandbox": spy.reports[0] if spy.reports else {}, "capture_bytes": spy.capture_bytes}
            if result is not None:
                entry.update(score=result.score, max_score=result.max_score, load_failed=result.load_failed,
                             load_errors=result.load_errors, student_output=result.student_output,
                             statuses=sorted({t.status for t in result.tests}),
                             messages=sorted({t.output for t in result.tests})[:40])
            results[name] = entry
            print(f"{name}: {entry.get('score')} / {entry.get('max_score')} in {elapsed:.1f} s", flush=True)
    finally:
        reference.close()
        if pool is not None:
            pool.close()
        Path(out).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

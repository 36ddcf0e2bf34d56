"""Run the release's visible check cells on submissions, as a student's "Run All" would, without a kernel.

    python tests/visible_checks.py < cases.json > results.json

A case is ``{"name": ..., "source": <the submission's Python>, "functions": [<fn>, ...]}``; the answer is
``{name: {fn: None if check_<fn> passed, else its error in one line}}``. This process imports NumPy,
PyTorch and matplotlib once (the setup cell's imports; a fresh matplotlib costs seconds), then forks a
child per (case, function) that runs the release's setup cell, the case's source and ``check_<fn>``,
so that no case can change another's state. The cells are read from assignments/ps1/ps1.ipynb each run.
(Branch `notebook` has tests/check_cells.py with the same job and the same interface: keep one of the two.)
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401  (imported once, before the forks)
import nbformat  # noqa: E402
import numpy  # noqa: E402,F401
import torch  # noqa: E402,F401

RELEASE_NB = Path(__file__).resolve().parent.parent / "assignments" / "ps1" / "ps1.ipynb"


def release_cells(path: Path = RELEASE_NB) -> dict[str, str]:
    """The release notebook's nbgrader cells (setup, check_<fn>, ...) by grade_id."""
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if "grade_id" in c.metadata.get("nbgrader", {})}


def run_check(setup: str, source: str, check: str) -> str | None:
    namespace: dict = {"__name__": "__main__"}
    for label, code in (("setup", setup), ("submission", source)):
        try:
            exec(compile(code, f"<{label}>", "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001
            return f"the {label} cell itself raised {type(exc).__name__}: {exc}"
    try:
        exec(compile(check, "<check>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001  (any error fails the cell, as in a kernel)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__} at {frame.filename} line {frame.lineno}: {exc}"[:600]
    return None


def in_child(setup: str, source: str, check: str) -> str | None:
    """run_check in a forked child: its state, and anything it breaks, dies with it."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        sys.stdout.flush()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the check's prints must not reach the JSON on stdout
        try:
            payload = json.dumps({"error": run_check(setup, source, check)})
        except BaseException as exc:  # noqa: BLE001
            payload = json.dumps({"error": f"the check could not run: {exc!r}"})
        with os.fdopen(write, "w") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(text)["error"] if text else "the check's process died"


def main() -> int:
    cases = json.load(sys.stdin)
    cells = release_cells()
    results = {case["name"]: {fn: in_child(cells["setup"], case["source"], cells[f"check_{fn}"])
                              for fn in case["functions"]} for case in cases}
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the release's visible check cells on a submission's functions, without a kernel.

Used by tests/test_visible_checks.py and tests/test_typical_mistakes.py, as a subprocess, for any
assignment (the path of its release notebook):

    python tests/check_cells.py assignments/NAME/NAME.ipynb < cases.json > results.json

Each case is ``{"name": ..., "source": <Python defining the functions>, "functions": [<fn>, ...]}``.
For every function of a case, a child forked from this warm process (NumPy, PyTorch and matplotlib
imported once) runs the release's setup cell, the case's source and ``check_<fn>``, as a student's
kernel would after "Run All" (in the release's folder, where its data files are), and reports whether
the check cell passed and, if not, its error.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import nbformat  # noqa: E402
import numpy  # noqa: E402,F401  (imported once, before the forks)
import torch  # noqa: E402

torch.set_num_threads(1)  # tiny tensors: extra threads only spin on a shared machine
# PyTorch's first optimizer imports a lot (seconds): pay that once, before the forks
torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.1)
import matplotlib.pyplot  # noqa: E402,F401  (the setup cell's import, once)


def cells_by_id(path: Path) -> dict[str, str]:
    """The source of every nbgrader cell of the notebook, by grade_id."""
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if "nbgrader" in c.metadata}


def run_check(setup: str, source: str, check: str) -> str | None:
    """None if the check cell passes after setup and source; else its error in one line."""
    namespace: dict = {"__name__": "__main__"}
    exec(compile(setup, "<setup>", "exec"), namespace)
    exec(compile(source, "<submission>", "exec"), namespace)
    try:
        exec(compile(check, "<check>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001  (any error fails the cell, as in a kernel)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__} at {frame.filename} line {frame.lineno}: {exc}"[:600]
    return None


def run_in_child(setup: str, source: str, check: str) -> str | None:
    """run_check in a forked child, so that no case can change the next one's state."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # the cells' prints must not mix with the JSON on stdout
        sys.stdout = open(devnull, "w", closefd=False)
        try:
            error = run_check(setup, source, check)
            payload = json.dumps({"error": error})
        except BaseException as exc:  # noqa: BLE001  (the submission's own cell failed)
            payload = json.dumps({"error": f"the submission itself raised {type(exc).__name__}: {exc}"})
        with os.fdopen(write, "w") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(text)["error"] if text else "the check's process died"


def main(notebook: str) -> int:
    cases = json.load(sys.stdin)
    release = Path(notebook).resolve()
    cells = cells_by_id(release)
    os.chdir(release.parent)  # a student's kernel starts next to the notebook and its data files
    results = {}
    for case in cases:
        results[case["name"]] = {fn: run_in_child(cells["setup"], case["source"], cells[f"check_{fn}"])
                                 for fn in case["functions"]}
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

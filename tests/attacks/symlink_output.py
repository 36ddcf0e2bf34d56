"""Swap the grader's capture file (.output) for a symlink to the solution, so the grader reads it back to the student."""
import os

import autograder

_project = os.path.dirname(os.path.dirname(autograder.__file__))
_secret = os.path.join(_project, "reference", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")
for _candidate in {os.path.join(os.getcwd(), ".output"), os.path.join(os.environ.get("HOME", "/nonexistent"), ".output")}:
    try:
        os.unlink(_candidate)
        os.symlink(_secret, _candidate)
        print("SWAPPED", _candidate)
    except OSError as exc:
        print(f"cannot swap {_candidate}: {exc.strerror}")

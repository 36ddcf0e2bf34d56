"""Read the solution by absolute paths: the grading checkout's reference/ and tests/ (found from the
autograder package's location) and Gradescope's /autograder/source.

Other copies of the solution elsewhere on the machine are out of this attack's scope: the sandbox hides the
checkout it grades with, and SECURITY.md tells deployers to keep no other readable copy (or to list it in
AUTOGRADER_HIDE)."""
# uses: _solution
import glob
import os
import subprocess

_pkg = os.path.dirname(os.path.dirname(__import__("autograder").__file__))
_notebook = os.path.join("reference", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")
_paths = [os.path.join(_pkg, _notebook), os.path.join("/autograder/source", _notebook)]
_paths += glob.glob(os.path.join(_pkg, "tests", "submissions", "**", "correct", "*.py"), recursive=True)
for _path in filter(None, _paths):
    _text = _read(_path)
    if _text is None:  # a different process might see more: try cat as well
        try:
            _text = subprocess.run(["cat", _path], capture_output=True, text=True, timeout=10).stdout or None
        except Exception as exc:  # noqa: BLE001
            print(f"cat {_path}: {exc}")
    if _text and _adopt(_text, _path):
        break

"""Plant files that later runs would execute: a passing test in the grading suite, sitecustomize.py, a conftest.py."""
import os
import site
import sys

import autograder

_project = os.path.dirname(os.path.dirname(autograder.__file__))
_planted_test = '''import pytest
@pytest.mark.grade(points=1000, visibility="visible")
def test_planted():
    """planted: a free thousand points"""
'''
_plants = {os.path.join(_project, "reference", ASSIGNMENT, "grading", "test_planted_by_student.py"): _planted_test,
           os.path.join(_project, "conftest_planted_by_student.py"): "PLANTED = True\n",
           os.path.join(os.path.dirname(autograder.__file__), "planted_by_student.py"): "PLANTED = True\n"}
for _dir in [*site.getsitepackages(), site.getusersitepackages(), os.path.dirname(os.__file__)]:
    _plants[os.path.join(_dir, "planted_by_student.pth")] = "import sys; sys.stderr.write('planted\\n')\n"
for _path, _text in _plants.items():
    try:
        os.makedirs(os.path.dirname(_path), exist_ok=True)
        with open(_path, "w") as _f:
            _f.write(_text)
        print("PLANTED", _path)
    except OSError as exc:
        print(f"cannot plant {_path}: {exc.strerror}")

"""`grade_cell("softmax")`: the marker in each graded cell of the notebook, never a way to a score.

Each graded cell (`grade_<function>`) holds, as nbgrader's hidden tests, `grade_cell("<function>")`. The
project's nbgrader_config.py replaces nbgrader's Execute step by `autograder.nbgrader_grading.SandboxedGrading`,
which reads that call from the cell's source (autograder.load.GRADED_CALL), grades the notebook in sandboxed
workers and writes the cell's points: the call itself never runs there.

If it does run, in a kernel (an instructor autograding with a config that lacks that step, or a notebook
run by hand), it would be grading from inside the student's own process, where the student's code can
replace it, and read what it reads. So it raises: the cell scores 0 in nbgrader, never full points, and the
sentence says how to grade instead.
"""
from __future__ import annotations


class NotGradedInAKernel(RuntimeError):
    """A graded cell ran in a kernel: this notebook was not graded by the project's nbgrader setup."""


def grade_cell(function: str, notebook: str | None = None) -> float:
    raise NotGradedInAKernel(
        f"{function} was not graded: graded cells do not grade inside a kernel, where the student's code runs. "
        "Autograde with the project's nbgrader_config.py (run `nbgrader autograde` from the repository root; "
        "its SandboxedGrading step grades in sandboxed workers), or grade the notebook with `autograder grade`.")

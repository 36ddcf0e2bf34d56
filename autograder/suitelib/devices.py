"""The device a test runs on: CPU always, CUDA where both the grader and a worker see a GPU.

A CUDA case is `pytest.param("cuda", marks=pytest.mark.cuda)` in DEVICES and skips with NO_CUDA where there
is none; its CPU twin always runs (the plugin splits a parametrized test's points among the cases that ran).
"""
from __future__ import annotations

import pytest

from autograder.worker import StudentError

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]
NO_CUDA = "no CUDA GPU on this machine: the CUDA case is graded where one exists; its CPU twin ran"


def cuda_available(reference) -> bool:
    """Both the grader's process and a worker (running trusted code: the reference's) see a GPU."""
    import torch

    if not torch.cuda.is_available():
        return False
    try:
        return bool(reference.run("cuda_available"))
    except StudentError:
        return False


def require_device(device: str, reference) -> None:
    if device == "cuda" and not cuda_available(reference):
        pytest.skip(NO_CUDA)


def auto_device(reference) -> str:
    return "cuda" if cuda_available(reference) else "cpu"


def missing(result, fn: str) -> None:
    """A harness operation's reply saying the student's function is not there becomes that test's failure."""
    if not isinstance(result, dict) or result.get("missing"):
        raise StudentError(fn, "missing", f"{fn} is not defined in your submission.")

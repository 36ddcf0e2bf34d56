"""Shared fixtures: one reference worker for the whole session, and paths into the repository."""
from pathlib import Path

import pytest

from autograder.grade import start_reference
from autograder.pool import ForkServer

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_NB = ROOT / "reference" / "ps1" / "ps1.ipynb"
RELEASE_NB = ROOT / "assignments" / "ps1" / "ps1.ipynb"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="session")
def spawn():
    """Workers forked from one warm server (NumPy and PyTorch imported once): the same child path as a
    spawned worker, sandbox included, without an interpreter start per submission."""
    with ForkServer() as server:
        yield server.spawn


@pytest.fixture(scope="session")
def reference(spawn):
    ref = start_reference("ps1", spawn=spawn)
    yield ref
    ref.close()

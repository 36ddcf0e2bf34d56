"""Shared fixtures: one reference worker for the whole session, and paths into the repository."""
from pathlib import Path

import pytest

from autograder.grade import start_reference

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_NB = ROOT / "reference" / "ps1" / "ps1.ipynb"
RELEASE_NB = ROOT / "assignments" / "ps1" / "ps1.ipynb"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="session")
def reference():
    ref = start_reference()
    yield ref
    ref.close()

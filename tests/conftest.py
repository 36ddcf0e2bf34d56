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


# The test files whose module fixtures take longest (a scratch nbgrader course, a Gradescope venv, a class run),
# longest first, as measured in CI runs. pytest-xdist (--dist loadfile) hands files to its workers in collection
# order: starting these first keeps the last minutes from being one long file on one core while the other idles.
LONGEST_FIRST = ["test_nbgrader_sandbox.py", "test_nbgrader.py", "test_authoring_doc.py", "test_gradescope_setup.py",
                 "test_attacks.py", "test_typical_mistakes.py", "test_late.py", "test_ps2_corpus.py", "test_batch.py",
                 "test_visible_checks.py", "test_grading.py", "test_workflow.py"]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order

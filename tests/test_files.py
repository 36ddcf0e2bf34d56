"""The grader's outputs are written atomically, with one mode (autograder/files.py), whatever the umask."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import files, store
from autograder.discover import Entry
from autograder.result import Result
from autograder.result import TestResult as Outcome

ROOT = Path(__file__).resolve().parent.parent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _result() -> Result:
    tests = [Outcome("sigmoid: sigmoid(0)", "sigmoid", 1.0, 1.0, "passed", "", "visible"),
             Outcome("sigmoid: large inputs", "sigmoid", 0.0, 2.0, "failed", "sigmoid(31337.5) returned nan", "hidden")]
    return Result(submission="ann.py", seed=1, tests=tests, grader_version="test")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_results_json_and_feedback_md_get_the_same_private_mode(tmp_path, umask):
    old = os.umask(umask)
    try:
        store.write_submission(tmp_path, Entry("ann", tmp_path / "ann.py", "ann.py", digest="d"), _result(),
                               grader="g", run="r", max_points=None)
        store.log_event(tmp_path, event="test")
    finally:
        os.umask(old)
    folder = tmp_path / "ann"
    modes = {p.name: _mode(p) for p in [folder / "results.json", folder / "feedback.md", tmp_path / store.EVENTS]}
    assert modes == {"results.json": 0o600, "feedback.md": 0o600, store.EVENTS: 0o600}


def test_class_outputs_get_the_mode_too(tmp_path):
    from autograder import class_report

    written = class_report.write_class_outputs([class_report.Graded("ann", _result())], tmp_path)
    assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert not list(tmp_path.glob(".*"))  # no temporary left behind (summary.png's included)


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "results.json"
    files.write_json({"score": 1}, path)
    with pytest.raises(TypeError):
        files.write_json({"score": 2, "tests": [object()]}, path)  # json.dump has written '{"score": 2, ...' by then
    assert path.read_text() == '{\n  "score": 1\n}'
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_process_killed_mid_write_leaves_the_old_file(tmp_path):
    """SIGKILL while writing: the old file stays whole; the temporary is what remove_stale_temporaries clears."""
    path = tmp_path / "feedback.md"
    files.write_text("old feedback\n", path)
    code = ("import os, sys\nfrom autograder import files\n"
            "with files.replacing(sys.argv[1]) as tmp, open(tmp, 'w') as f:\n"
            "    f.write('half of the new'); f.flush()\n"
            "    os.kill(os.getpid(), 9)\n")
    run = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == -9
    assert path.read_text() == "old feedback\n"
    left = [p.name for p in tmp_path.glob(".feedback.md.*.tmp")]
    assert len(left) == 1
    store.remove_stale_temporaries(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["feedback.md"]

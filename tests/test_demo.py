"""`autograder demo` as an instructor meets it: from a package that is not this checkout (no tests/, no .git),
in a course folder of their own, grading the assignment's reference, release and samples."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("ps1", "ps2")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package copied alone into a site folder, and a course holding both assignments (reference and release)."""
    base = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "autograder", base / "site" / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in NAMES:
        for part in ("reference", "assignments"):
            shutil.copytree(ROOT / part / name, base / "course" / part / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
    return base


def run_demo(installed: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(installed), "PYTHONPATH": str(installed / "site"), "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "autograder", "demo", *args], cwd=installed / "course", env=env,
                          capture_output=True, text=True, timeout=600)


def test_demo_grades_the_reference_the_release_and_each_sample_where_its_mistake_is(installed):
    """One assignment of the two (`--assignment`), to keep CI short: PS2's samples are graded in
    tests/test_ps2_corpus.py, assembled as the demo assembles them."""
    proc = run_demo(installed, "--assignment", "ps1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    scores = dict(re.findall(r"^(\S+?)\.(?:ipynb|py): ([\d.]+) / 100", out, flags=re.M))
    assert "ps2" not in out
    for name in ["ps1"]:
        samples = sorted(p.stem for p in (ROOT / "reference" / name / "samples").glob("*.py"))
        assert len(samples) >= 3 and set(samples) <= set(scores), out[-3000:]
        assert out.count(f"{name}.ipynb: 100 / 100") == 1 and out.count(f"{name}.ipynb: 0 / 100") == 1, out[-3000:]
        for sample in samples:
            assert 50 <= float(scores[sample]) < 100, (sample, scores[sample])
    # nothing else was graded: per assignment its notebook (reference and release share a name) and its samples
    assert len(scores) == 1 + len(list((ROOT / "reference" / "ps1" / "samples").glob("*.py")))


def test_demo_outside_a_course_says_so_in_one_sentence(installed, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(installed / "site")}
    proc = subprocess.run([sys.executable, "-m", "autograder", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert "no course found" in proc.stdout + proc.stderr

"""Gradescope's autograder.zip from a clean image: setup.sh for real into a fresh virtual environment, then
run_autograder in Gradescope's folder layout (ROOT/source, ROOT/submission, ROOT/results) with that
environment's Python, as Gradescope runs them (as root).

One setup for the whole module (it installs PyTorch: about a minute of CPU). PyTorch comes from pip's default
index here (AUTOGRADER_TORCH_INDEX empty, unless the environment sets it), since this machine reaches only
PyPI; pip's cache makes a second run faster. AUTOGRADER_TEST_GRADESCOPE_DIR keeps the folder (ROOT and the
venv) at a path of your choice for a look afterwards.
"""
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from attack_corpus import ATTACKS, stub_source
from autograder.assignment import get
from autograder.export import gradescope_zip, torch_version
from gradescope_schema import RESULTS_SCHEMA

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE_NB = ROOT / "reference" / "ps1" / "ps1.ipynb"
RELEASE_NB = ROOT / "assignments" / "ps1" / "ps1.ipynb"
# nbgrader's extra (jsonschema, of the test extra, comes with nbformat anyway)
EXTRAS = ('nbgrader', 'nbclient', 'ipykernel')
NOBODY = 65534  # the user the sandbox drops a root grader's workers to


def clean_env(**extra: str) -> dict:
    """The machine's environment without this checkout on the path or our own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AUTOGRADER_") and k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


class Image:
    """A Gradescope-like machine: BASE/autograder (ROOT) and BASE/venv, set up by the zip's setup.sh."""

    def __init__(self, base: Path):
        self.root = base / "autograder"
        self.venv = base / "venv"
        self.python = self.venv / "bin" / "python"
        self.setup_seconds = 0.0

    def setup(self, zip_path: Path) -> subprocess.CompletedProcess:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(self.root / "source")
        env = clean_env(AUTOGRADER_VENV=str(self.venv),
                        AUTOGRADER_TORCH_INDEX=os.environ.get("AUTOGRADER_TORCH_INDEX", ""))
        start = time.monotonic()
        proc = subprocess.run(["bash", str(self.root / "source" / "setup.sh")], cwd=self.root / "source", env=env,
                              capture_output=True, text=True, timeout=1800)
        self.setup_seconds = time.monotonic() - start
        return proc

    @property
    def site(self) -> Path:
        """The installed package, the copy run_autograder imports."""
        return Path(glob.glob(str(self.venv / "lib" / "python3*" / "site-packages" / "autograder"))[0])

    def grade(self, files: dict[str, bytes]) -> tuple[subprocess.CompletedProcess, dict | None]:
        """Put `files` in ROOT/submission, run run_autograder; the process and results.json (None if absent)."""
        shutil.rmtree(self.root / "submission", ignore_errors=True)
        shutil.rmtree(self.root / "results", ignore_errors=True)
        (self.root / "submission").mkdir()
        for name, data in files.items():
            (self.root / "submission" / name).write_bytes(data)
        # Gradescope copies run_autograder to /autograder and runs it there
        shutil.copy(self.root / "source" / "run_autograder", self.root / "run_autograder")
        env = clean_env(AUTOGRADER_GRADESCOPE_ROOT=str(self.root), AUTOGRADER_VENV=str(self.venv),
                        AUTOGRADER_PYTHON=str(self.python))
        proc = subprocess.run(["bash", str(self.root / "run_autograder")], cwd=self.root, env=env,
                              capture_output=True, text=True, timeout=900)
        results = self.root / "results" / "results.json"
        return proc, (json.loads(results.read_text()) if results.exists() else None)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("setup.sh runs as root, as on Gradescope (it locks files to root)")
    kept = os.environ.get("AUTOGRADER_TEST_GRADESCOPE_DIR")
    if kept:
        shutil.rmtree(kept, ignore_errors=True)
        Path(kept).mkdir(parents=True)
        base = Path(kept)
    else:
        # not under pytest's tmp folder (mode 0700): uid 65534 must reach the venv, as in /opt on Gradescope
        base = Path(tempfile.mkdtemp(prefix="ag-gradescope-"))
    base.chmod(0o755)
    machine = Image(base)
    proc = machine.setup(gradescope_zip(tmp_path_factory.mktemp("zip") / "autograder.zip", get("ps1")))
    print(f"setup.sh took {machine.setup_seconds:.0f} s")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    yield machine
    if not kept:
        shutil.rmtree(base, ignore_errors=True)


def test_setup_installs_the_package_s_dependencies_and_no_extras(image):
    """Exactly pyproject.toml's dependencies: every one is there (threadpoolctl, which the old hand-kept list
    lacked, too), PyTorch is the pinned release, and nbgrader's extra is not in the grading image."""
    code = ("import importlib.metadata as m, json, re\n"
            "core = [re.match(r'[A-Za-z0-9_.-]+', r).group() for r in m.requires('ps1-autograder') if 'extra ==' not in r]\n"
            "def v(n):\n"
            "    try: return m.version(n)\n"
            "    except m.PackageNotFoundError: return None\n"
            "print(json.dumps({n: v(n) for n in core + ['nbgrader', 'nbclient', 'ipykernel', 'jsonschema']}))")
    proc = subprocess.run([str(image.python), "-c", code], env=clean_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    versions = json.loads(proc.stdout)
    assert versions["threadpoolctl"] and versions["numpy"] and versions["pytest"]
    assert versions["torch"].split("+")[0] == torch_version()
    missing = [name for name, version in versions.items() if version is None and name not in EXTRAS]
    assert not missing, f"not installed: {missing}"
    assert all(versions[name] is None for name in EXTRAS), versions


def test_the_reference_notebook_scores_100(image):
    proc, data = image.grade({"ps1.ipynb": REFERENCE_NB.read_bytes()})
    assert proc.returncode == 0 and data, proc.stdout[-3000:] + proc.stderr[-3000:]
    jsonschema.validate(data, RESULTS_SCHEMA)
    assert data["score"] == data["extra_data"]["max_score"] == 100, [t for t in data["tests"] if t["status"] != "passed"]
    assert {t["visibility"] for t in data["tests"]} == {"visible", "after_published"}
    assert data["extra_data"]["submission"] == str(image.root / "submission")
    # the workers ran as uid 65534 in the sandbox; the grader logs any measure that was missing
    assert "sandbox: user" not in proc.stderr and "stays root" not in proc.stderr, proc.stderr[-3000:]


def test_the_released_stub_scores_0(image):
    proc, data = image.grade({"ps1.ipynb": RELEASE_NB.read_bytes(), "notes.txt": b"a file a student also uploaded"})
    assert proc.returncode == 0 and data, proc.stdout[-3000:] + proc.stderr[-3000:]
    jsonschema.validate(data, RESULTS_SCHEMA)
    assert data["score"] == 0 and data["extra_data"]["max_score"] == 100


def _secrets(image: Image) -> list[Path]:
    source = image.root / "source"
    return [source / "reference" / "ps1" / "grading" / "oracle.py",
            source / "reference" / "ps1" / "grading" / "test_part1_activations.py",
            source / "reference" / "ps1" / "ps1.ipynb"]


def test_the_installed_suite_and_the_reference_are_unreadable_to_the_worker_user(image):
    """File permissions alone, no namespace: what holds where the kernel refuses the sandbox its mounts.
    The package's other modules stay readable (the worker imports them after dropping to uid 65534)."""
    def read_as_nobody(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["cat", str(path)], user=NOBODY, group=NOBODY, extra_groups=[], capture_output=True,
                              text=True)

    for needed in (image.site / "worker.py", image.site / "harness.py", image.site / "codec.py"):
        proc = read_as_nobody(needed)
        assert proc.returncode == 0 and "def " in proc.stdout, f"uid {NOBODY} cannot read {needed}: {proc.stderr}"
    for secret in _secrets(image):
        assert secret.exists()
        proc = read_as_nobody(secret)
        assert proc.returncode != 0 and not proc.stdout and "Permission denied" in proc.stderr, secret


def test_a_submission_that_reads_the_suite_or_the_reference_gets_nothing(image):
    """The stub plus code that imports the installed oracle and reads the suite and the reference by path (in
    site-packages and in ROOT/source), adopting any solution it finds: it would score 100 if it could."""
    attack = "\n\n".join([
        stub_source(),
        (ATTACKS / "_solution.py").read_text(),
        (ATTACKS / "import_suite_oracle.py").read_text(),
        f"for _path in {[str(p) for p in _secrets(image)]!r}:\n"
        "    _text = _read(_path)\n"
        "    if _text:\n"
        "        print('READ', _path, len(_text))\n"
        "        _adopt(_text, _path)\n",
    ])
    proc, data = image.grade({"ps1.py": attack.encode()})
    assert proc.returncode == 0 and data, proc.stdout[-3000:] + proc.stderr[-3000:]
    jsonschema.validate(data, RESULTS_SCHEMA)
    text = json.dumps(data)
    assert data["score"] == 0, [t["name"] for t in data["tests"] if t["status"] == "passed"]
    assert "STOLE" not in text and "READ" not in text

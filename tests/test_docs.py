"""The project owns its specs: docs/ holds the student API and the design, and nothing points outside the repository."""
import subprocess

from conftest import ROOT

# Spelled in two pieces so that this file does not match itself.
OUTSIDE = "../" + "shared"


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name]


def test_the_specs_live_in_the_repository():
    spec = (ROOT / "docs" / "ps1-spec.md").read_text()
    design = (ROOT / "docs" / "design.md").read_text()
    assert spec.startswith('# Assignment PS1 "Sigmoid & Softmax": the student API')
    assert "## Part 5: mini-batch training with PyTorch" in spec
    assert "ps1-spec.md" in design


def test_no_tracked_file_points_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (images, zips) hold no links
        offenders += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE in line]
    assert offenders == [], f"these lines point outside the repository (use docs/ instead): {offenders}"

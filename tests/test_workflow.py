"""The example workflow, .github/workflows/grade.yml: pinned actions, no persisted credentials, read-only
permissions, a merge job that fails on a failed or missing shard; and its shell steps run here, with bash as
GitHub runs them, on a tiny class (the grade step per shard, the merge, the summary, the failure check)."""
import csv
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "grade.yml"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
RELEASE_NB = ROOT / "assignments" / "ps1" / "ps1.ipynb"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def step(job: dict, name: str) -> dict:
    found = [s for s in job["steps"] if s.get("name", "").startswith(name)]
    assert len(found) == 1, f"no single step named {name!r}"
    return found[0]


def run_step(script: str, values: dict[str, str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a step's `run:` as GitHub does (`shell: bash`), its ${{ expressions }} replaced by `values`."""
    for expression, value in values.items():
        script = script.replace("${{ " + expression + " }}", value)
    assert "${{" not in script, f"an expression was left: {script}"
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=900)


def test_every_action_is_pinned_by_a_full_commit_sha_with_its_release_in_a_comment(workflow):
    used = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert len(used) >= 7  # two checkouts, two setup-pythons, two uploads, a download
    lines = re.findall(r"^\s*(?:- )?uses:\s*(\S+)(.*)$", WORKFLOW.read_text(), flags=re.M)
    assert sorted(ref for ref, _ in lines) == sorted(used)  # no `uses:` hides from the line check
    for ref, comment in lines:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{ref} is not pinned by a full commit SHA"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{ref}: say which release the SHA is ({comment!r})"


def test_no_checkout_keeps_the_token_and_permissions_are_read_only(workflow):
    checkouts = [s for job in workflow["jobs"].values() for s in job["steps"]
                 if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == len(workflow["jobs"])
    assert all(s.get("with", {}).get("persist-credentials") is False for s in checkouts)
    assert workflow["permissions"] == {"contents": "read"}
    assert all(job.get("permissions", {"contents": "read"}) == {"contents": "read"} for job in workflow["jobs"].values())


def test_the_shards_and_the_merge_are_wired_so_that_nothing_is_lost(workflow):
    grade, merge = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    assert grade["strategy"]["matrix"]["shard"] == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    assert grade["strategy"]["fail-fast"] is False  # one failing shard does not cancel the others
    upload = [s for s in grade["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["if"] == "${{ !cancelled() }}"  # a failed shard still uploads what it graded
    assert upload[0]["with"]["name"] == "grades-shard-${{ matrix.shard }}"
    download = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact@")][0]
    assert download["with"] == {"pattern": "grades-shard-*", "path": "shards"}
    # the merge job runs after a failed shard too (to merge what there is), and then fails
    assert merge["needs"] == "grade" and merge["if"] == "${{ !cancelled() }}"
    merging = step(merge, "Merge the shards")
    assert merging["run"].strip() == "autograder merge shards/* --out grades"  # no --allow-partial, no || true
    check = step(merge, "Fail if a grade job failed")
    assert check["env"] == {"GRADE_RESULT": "${{ needs.grade.result }}"} and check["if"] == "${{ !cancelled() }}"
    assert not any(s.get("continue-on-error") for job in workflow["jobs"].values() for s in job["steps"])


@pytest.mark.parametrize("result, fails", [("success", False), ("failure", True), ("cancelled", True),
                                           ("skipped", True)])
def test_the_merge_job_fails_unless_every_grade_job_succeeded(workflow, tmp_path, result, fails):
    check = step(workflow["jobs"]["merge"], "Fail if a grade job failed")
    proc = run_step(check["run"], {}, tmp_path, {"GRADE_RESULT": result})
    assert (proc.returncode != 0) == fails, proc.stdout + proc.stderr
    if fails:
        assert f"::error::A grade job ended '{result}'" in proc.stdout


def test_the_torch_index_defaults_to_pytorch_s_cpu_index_and_can_be_emptied(workflow, tmp_path):
    """The install step, run with a `python` that records its arguments: the CPU index by default, pip's
    default index when the workflow's input is empty, and the package's own dependencies (`-e .`)."""
    inputs = workflow.get("on", workflow.get(True))["workflow_dispatch"]["inputs"]  # YAML 1.1 reads `on` as True
    assert inputs["torch_index"]["default"] == CPU_INDEX
    install = step(workflow["jobs"]["grade"], "Install")
    assert install["env"] == {"AUTOGRADER_TORCH_INDEX": "${{ inputs.torch_index }}"}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python"
    fake.write_text('#!/usr/bin/env bash\nprintf "%s|" "$@" >> "$CALLS"; echo >> "$CALLS"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    calls = {}
    for label, index in (("default", CPU_INDEX), ("empty", "")):
        log = tmp_path / f"{label}.log"
        proc = run_step(install["run"], {}, tmp_path, {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(log),
                                                        "AUTOGRADER_TORCH_INDEX": index,
                                                        "TORCH_VERSION": workflow["env"]["TORCH_VERSION"]})
        assert proc.returncode == 0, proc.stderr
        calls[label] = log.read_text().splitlines()
    version = workflow["env"]["TORCH_VERSION"]
    assert calls["default"] == [f"-m|pip|install|torch=={version}|--index-url|{CPU_INDEX}|", "-m|pip|install|-e|.|"]
    assert calls["empty"] == [f"-m|pip|install|torch=={version}|", "-m|pip|install|-e|.|"]


def test_the_merge_job_installs_pyproject_s_dependencies_without_torch(workflow):
    """No hand-kept list: the merge job's requirements are the package's metadata less PyTorch."""
    install = step(workflow["jobs"]["merge"], "Install")
    assert "--no-deps -e ." in install["run"] and "m.requires(\"course-autograder\")" in install["run"]
    lines = install["run"].strip().splitlines()
    derive = next(line for line in lines if line.startswith("python -c"))
    # what that line prints, for this checkout's pyproject.toml (read as pip would, through its metadata)
    code = derive[len("python -c '"):derive.index("' >")]
    metadata = ("import importlib.metadata as m, tomllib, pathlib\n"
                f"deps = tomllib.loads(pathlib.Path({str(ROOT / 'pyproject.toml')!r}).read_text())['project']\n"
                "m.requires = lambda name: deps['dependencies'] + [f'{r}; extra == \"{e}\"' "
                "for e, rs in deps['optional-dependencies'].items() for r in rs]\n")
    proc = subprocess.run([sys.executable, "-c", metadata + code], capture_output=True, text=True, check=True)
    wanted = proc.stdout.split()
    assert "threadpoolctl>=3.1" in wanted and "numpy>=2" in wanted
    assert not any(r.startswith(("torch", "nbgrader", "jsonschema")) for r in wanted), wanted


@pytest.mark.slow
def test_the_workflow_s_commands_grade_a_tiny_class_in_shards_and_merge_it(workflow, tmp_path):
    """The fetch, grade (per shard), merge and summary steps, run here in order on three students in two
    shards, artifacts moved as upload-/download-artifact would (one folder per artifact); then one shard
    goes missing and the merge step fails."""
    grade, merge = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    cls = tmp_path / "course" / "submitted"
    cls.mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "correct" / "base.py", cls / "ana.py")
    shutil.copy(RELEASE_NB, cls / "ben.ipynb")
    shutil.copy(SUBMISSIONS / "correct" / "tanh_einsum.py", cls / "cy.py")
    shards = 2
    github_env = tmp_path / "github_env"
    proc = run_step(step(grade, "Fetch the submissions")["run"], {}, tmp_path,
                    {"SUBMISSIONS": "course/submitted", "GITHUB_ENV": str(github_env)})
    assert proc.returncode == 0, proc.stderr
    env = dict(line.split("=", 1) for line in github_env.read_text().splitlines())
    assert env == {"SUBMISSIONS_PATH": "course/submitted"}
    grading = step(grade, "Grade shard")
    assert grading["env"] == {"AUTOGRADER_ASSIGNMENT": "${{ inputs.assignment }}"}
    for shard in range(1, shards + 1):
        proc = run_step(grading["run"], {"matrix.shard": str(shard), "env.SHARDS": str(shards)},
                        tmp_path, {**env, "AUTOGRADER_ASSIGNMENT": "ps1"})
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        shutil.copytree(tmp_path / "out" / f"shard-{shard}", tmp_path / "shards" / f"grades-shard-{shard}")
    proc = run_step(step(merge, "Merge the shards")["run"], {}, tmp_path, {})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(tmp_path / "grades" / "grades.csv", newline="") as f:
        totals = {row["student"]: float(row["total"]) for row in csv.DictReader(f)}
    assert totals == {"ana": 100, "ben": 0, "cy": 100}
    summary = tmp_path / "step_summary.md"
    proc = run_step(step(merge, "Summary")["run"], {}, tmp_path, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0 and "## Grades" in summary.read_text() and "ana" in summary.read_text()

    shutil.rmtree(tmp_path / "shards" / "grades-shard-2")
    shutil.rmtree(tmp_path / "grades")
    proc = run_step(step(merge, "Merge the shards")["run"], {}, tmp_path, {})
    assert proc.returncode != 0
    assert "2/2" in proc.stdout + proc.stderr or "shard 2" in proc.stdout + proc.stderr, proc.stdout + proc.stderr

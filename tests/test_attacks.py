"""The attack corpus (tests/attacks/): hostile submissions, each the stub plus one attack, graded through
the real grading path. Each must score 0, finish within the per-submission budget, leave no process
running and no file behind; the CLI must still exit 0 with a results file.

The corpus is graded by a few runner processes at once (tests/attack_runner.py), on a subset of the
suite (one or two functions of each part) with a 1 s call timeout and an 8 s budget per submission,
workers forked from a warm fork server (autograder.pool) as a class would be graded.

The whole corpus is aimed at PS1; at PS2 (its own stub, from docs/ps2-spec.md) only the attacks whose effect
depends on the assignment (ASSIGNMENT_ATTACKS), graded alongside PS1's in one more runner.
"""
from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import attack_corpus
from autograder import sandbox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUDGET, CALL_TIMEOUT = 8.0, 1.0
SLACK = 30.0  # the suite's own work (the reference's answers, the oracle), on a busy 2-core machine
NAMES = attack_corpus.attack_names()
# Attacks on the answers of the assignment being graded, not on the engine: they steal them (its reference,
# its suite and oracle, the git history, the reference worker's memory, the grader's stand-ins, frames and
# objects), imitate them (objects, scalars, arrays and tensors that lie to the suite's own comparisons) or
# patch and plant into its grader (NumPy, pytest, the autograder's modules and the suite's harness ops, a
# test file in its grading folder). The others (exits, raised BaseExceptions, signals, loops, fork and memory
# bombs, floods, escapes, forged frames, odd return values, the network, the capture file, results files)
# act on the worker process and the codec, the same engine path for any assignment: PS1 covers them.
ASSIGNMENT_ATTACKS = ["background_patcher", "baseline_stub", "fake_torch_tensor", "import_suite_oracle",
                      "lying_array_protocol", "lying_array_ufunc", "lying_eq", "lying_scalars", "ndarray_subclass",
                      "patch_autograder", "patch_numpy", "patch_pytest", "plant_files", "read_git_history",
                      "read_reference_abs", "read_reference_walk", "replay_standins", "snoop_processes",
                      "steal_frames", "steal_gc"]


@dataclass(frozen=True)
class Run:
    """What one assignment is attacked with: which attacks, on which functions, by how many runners."""
    names: list
    functions: str  # one or two functions of each part, callers with their callees (stand-ins) among them
    runners: int


RUNS = {"ps1": Run(NAMES, "sigmoid,softmax,num_params,gradient_check,build_model", 3),
        "ps2": Run(ASSIGNMENT_ATTACKS, "softmax_regression_forward,fit_softmax_regression,accuracy,output_loss,"
                                       "mlp_grads,build_classifier,evaluate,train_classifier", 1)}
CASES = [(name, attack) for name, run in RUNS.items() for attack in run.names]

# the measure an attack needs, where one is not enough without it: skipped, with the reason, where the
# machine cannot provide it (test_sandbox checks that a root grader has every measure)
NEEDS = {"read_reference_walk": "filesystem", "read_reference_abs": "filesystem", "read_git_history": "filesystem",
         "import_suite_oracle": "filesystem", "plant_files": "filesystem", "symlink_output": "filesystem",
         "snoop_processes": "pid_namespace", "network_exfil": "network"}
FAKE_FILES = [ROOT / "results.json", ROOT / "r.json", Path("/tmp/results.json"), Path("/tmp/r.json"),
              Path("/autograder/results/results.json"),
              *(ROOT / "reference" / name / "grading" / "test_planted_by_student.py" for name in RUNS),
              ROOT / "conftest_planted_by_student.py", ROOT / "autograder" / "planted_by_student.py",
              *(Path(d) / "planted_by_student.pth" for d in [*site.getsitepackages(), site.getusersitepackages(),
                                                             os.path.dirname(os.__file__)])]


def runner_env(assignment: str) -> dict:
    return {**os.environ, "ATTACK_BUDGET": str(BUDGET), "ATTACK_CALL_TIMEOUT": str(CALL_TIMEOUT),
            "ATTACK_ASSIGNMENT": assignment, "ATTACK_FUNCTIONS": RUNS[assignment].functions,
            "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}


def forged(path: Path) -> bool:
    """A file an attack wrote (its content says so), as opposed to one that was there for another reason."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return False
    return "planted" in text.lower() or '"everything"' in text or "PLANTED" in text


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    before = {p for p in FAKE_FILES if forged(p)}
    assert not before, f"remove these files left by an earlier run first: {before}"
    folder = tmp_path_factory.mktemp("attacks")
    slow = {"infinite_loop", "ignore_signals", "memory_bomb", "output_flood", "exit_in_function", "forged_frames"}
    procs = {}  # every runner of every assignment at once: {(assignment, i): runner}
    for assignment, run in RUNS.items():
        ordered = sorted(run.names, key=lambda n: (n not in slow, n))
        for i in range(run.runners):
            procs[assignment, i] = subprocess.Popen(
                [sys.executable, str(HERE / "attack_runner.py"), str(folder / f"{assignment}-{i}.json"),
                 *ordered[i::run.runners]],
                env=runner_env(assignment), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    logs = []
    for proc in procs.values():
        try:
            logs.append(proc.communicate(timeout=400)[0])
        except subprocess.TimeoutExpired:
            proc.kill()
            logs.append(proc.communicate()[0])
    results = {}  # {(assignment, attack): what the runner reported}
    for assignment, i in procs:
        path = folder / f"{assignment}-{i}.json"
        if path.exists():
            results.update({(assignment, name): r for name, r in json.loads(path.read_text()).items()})
    planted = [p for p in FAKE_FILES if forged(p)]
    for p in planted:  # leave the developer's machine clean, then fail below
        p.unlink()
    results["__planted__"] = [str(p) for p in planted]
    results["__logs__"] = logs
    return results


def measure_off(result: dict, name: str) -> str:
    need = NEEDS.get(name)
    state = result.get("sandbox", {}).get(need, "") if need else ""
    return state if state.startswith("off") else ""


@pytest.mark.slow
@pytest.mark.parametrize("assignment, name", CASES, ids=[f"{a}-{n}" for a, n in CASES])
def test_attack_scores_zero_in_budget_and_leaves_nothing_running(graded, assignment, name):
    assert (assignment, name) in graded, f"{name} was not graded against {assignment}: {graded['__logs__']}"
    r = graded[assignment, name]
    assert not r["grader_error"], f"the grader itself failed on {name}: {r['grader_error']}"
    off = measure_off(r, name)
    if r["score"] and off:
        pytest.skip(f"{name} is not defended on this machine: {NEEDS[name]} {off}")
    assert r["score"] == 0 and r["max_score"] > 0, f"{name} scored {r['score']} / {r['max_score']}: {r['messages']}"
    assert r["spent"] <= BUDGET + 1.0, f"{name} used {r['spent']:.1f} s of a {BUDGET:g} s budget"
    assert r["elapsed"] < BUDGET + SLACK, f"{name} took {r['elapsed']:.1f} s to grade"
    assert r["left_behind"] == {}, f"{name} left processes running: {r['left_behind']}"
    assert "STOLE" not in r["student_output"], r["student_output"][:2000]


@pytest.mark.slow
def test_no_attack_left_a_file_behind(graded):
    assert graded["__planted__"] == []


@pytest.mark.slow
def test_the_solution_stays_out_of_reach(graded):
    """read_*, import_suite_oracle, snoop_processes: they found nothing to steal (not only: scored 0), in
    either assignment."""
    for assignment, name in CASES:
        if name not in ("read_reference_walk", "read_reference_abs", "read_git_history", "import_suite_oracle",
                        "snoop_processes", "symlink_output"):
            continue
        r = graded[assignment, name]
        if measure_off(r, name):
            continue
        assert "STOLE" not in r["student_output"] and "READ hidden" not in r["student_output"], r["student_output"]
        assert "nbgrader" not in r["student_output"] and '"cells"' not in r["student_output"]


@pytest.mark.slow
def test_limits_stopped_the_bombs(graded):
    """The memory bomb never got its 3 GiB; the fork bomb hit the process limit; the flood was cut at the
    file-size limit (test_sandbox shows each limit on its own, with time to spare)."""
    limits = sandbox.Settings()
    bomb, forks, flood, net = (graded["ps1", n] for n in ("memory_bomb", "fork_bomb", "output_flood", "network_exfil"))
    assert not any("hoarded 3072 MiB" in m for m in bomb["messages"]), bomb["messages"]
    forked = re.search(r"forked (\d+) processes", forks["student_output"])
    assert forked and int(forked.group(1)) < limits.processes, forks["student_output"][:500]
    assert 0 < flood["capture_bytes"] <= limits.file_bytes
    assert flood["student_output"].endswith("[... output truncated]")
    if not measure_off(net, "network_exfil"):
        assert "REACHED []" in net["student_output"]


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


CLI_ATTACKS = ["exit_import_os_exit", "exit_atexit", "print_fake_output", "write_results_files"]


@pytest.mark.slow
def test_cli_exits_0_with_a_results_file_whatever_the_submission_does(tmp_path):
    """`autograder grade FILE --results r.json`: only the grader writes results and decides the exit status."""
    def one(name):
        folder = tmp_path / name
        path = attack_corpus.build(name, folder)
        started = time.monotonic()
        done = run_cli(["grade", str(path), "--results", str(folder / "r.json"), "--only", "sigmoid,num_params",
                        "--no-pool"], cwd=folder)
        return name, done, time.monotonic() - started

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(one, CLI_ATTACKS))
    for name, done, elapsed in runs:
        assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        data = json.loads((tmp_path / name / "r.json").read_text())
        assert data["score"] == 0 and data["tests"], f"{name}: {data['score']}"
        for line in (done.stdout + done.stderr).splitlines():
            assert not line.lstrip().startswith(("::", "##vso", "##teamcity", "{\"score\"")), f"{name} printed {line!r}"
        assert "100 passed" not in done.stdout
        assert not any(forged(p) for p in FAKE_FILES)

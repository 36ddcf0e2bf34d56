"""The one configuration: defaults < config file < environment < flags, shown by `autograder config --show`.

Real subprocesses run the CLI as a user would; the in-process checks read `autograder.config.load` with an
environment given as a dict (the process's own is never touched)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import config

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def clean_env(**extra: str) -> dict:
    """This machine's environment without any AUTOGRADER_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def cli(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=600)


def shown(text: str) -> dict[str, tuple[str, str]]:
    """{setting: (value, where from)} from `autograder config --show`."""
    return {m[1]: (m[2], m[3]) for m in re.finditer(r"^(\w+) = (.*?)    \(from: (.*)\)$", text, re.M)}


def one_sentence(proc: subprocess.CompletedProcess) -> str:
    text = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 2, (proc.returncode, text)
    assert len(text.splitlines()) == 1 and "Traceback" not in text, text
    return text


@pytest.fixture
def course(tmp_path):
    """A folder that is a course (reference/<name>/assignment.toml), with autograder.toml at its root."""
    (tmp_path / "reference" / "hw").mkdir(parents=True)
    (tmp_path / "reference" / "hw" / "assignment.toml").write_text('title = "HW"\n')
    (tmp_path / "autograder.toml").write_text('[autograder]\ncall_timeout = 5\nload_timeout = 50\n'
                                              'late_policy = "zero"\njobs = 3\nhide = ["private"]\n')
    return tmp_path


def test_each_layer_overrides_the_one_below(course):
    proc = cli("config", "--show", "--late-policy", "5%/day", cwd=course,
               AUTOGRADER_LOAD_TIMEOUT="60", AUTOGRADER_LATE_POLICY="10%/day")
    assert proc.returncode == 0, proc.stderr
    values = shown(proc.stdout)
    assert set(values) == set(config.NAMES)
    path = str(course / "autograder.toml")
    assert values["submission_budget"] == ("300", "default")
    assert values["call_timeout"] == ("5", path)  # the file over the default
    assert values["jobs"] == ("3", path)
    assert values["hide"] == (f"[{str(course / 'private')!r}]", path)  # relative to the file's folder
    assert values["load_timeout"] == ("60", "$AUTOGRADER_LOAD_TIMEOUT")  # the environment over the file
    assert values["late_policy"] == ("5%/day", "--late-policy")  # the flag over the environment and the file


def test_show_gives_every_setting_its_help_and_how_to_set_it():
    proc = cli("config", "--show")
    assert proc.returncode == 0, proc.stderr
    for f in config.settings():
        block = proc.stdout.split(f"\n{f.name} = ", 1)[1].split("\n\n", 1)[0]
        assert f.metadata["help"] in block
        assert f"${f.metadata['env']}" in block
    assert "--no-carry-forward" in proc.stdout and "-j/--jobs" in proc.stdout


def test_config_file_named_on_the_command_line_and_bool_flags(tmp_path):
    file = tmp_path / "elsewhere.toml"
    file.write_text("[autograder]\npool = false\ncarry_forward = false\n")
    proc = cli("config", "--config", str(file), "--carry-forward", AUTOGRADER_PROGRESS="0")
    values = shown(proc.stdout)
    assert values["pool"] == ("false", str(file))
    assert values["carry_forward"] == ("true", "--carry-forward")
    assert values["progress"] == ("false", "$AUTOGRADER_PROGRESS")


def test_an_unknown_key_is_one_sentence(course):
    (course / "autograder.toml").write_text("[autograder]\ncall_timout = 3\n")
    text = one_sentence(cli("config", "--show", cwd=course))
    assert "'call_timout'" in text and "did you mean call_timeout?" in text
    (course / "autograder.toml").write_text("jobs = 3\n")  # outside the table
    assert "outside the [autograder] table" in one_sentence(cli("config", "--show", cwd=course))


@pytest.mark.parametrize("where", ["file", "env", "flag"])
def test_a_bad_value_is_one_sentence_naming_where_it_is(course, where):
    if where == "file":
        (course / "autograder.toml").write_text("[autograder]\njobs = 0\n")
        text = one_sentence(cli("config", cwd=course))
        assert "autograder.toml: jobs: must be at least 1" in text
    elif where == "env":
        text = one_sentence(cli("config", cwd=course, AUTOGRADER_CALL_TIMEOUT="soon"))
        assert "$AUTOGRADER_CALL_TIMEOUT: 'soon' is not a number of seconds" in text
    else:
        text = one_sentence(cli("grade", "x.ipynb", "--late-policy", "10%/week", cwd=course))
        assert "--late-policy" in text and "unknown late policy" in text


def test_load_in_process_reads_only_the_mapping_it_is_given(tmp_path):
    file = tmp_path / "a.toml"
    file.write_text('[autograder]\nsandbox = false\nworkspace = "ws"\n')
    settings = config.load({"seed": 7}, environ={"AUTOGRADER_SANDBOX_UID": "1234", "AUTOGRADER_HIDE": "/x:/y"},
                           config_file=file)
    assert (settings.seed, settings.sandbox, settings.sandbox_uid, settings.hide) == (7, False, 1234, ["/x", "/y"])
    assert settings.workspace == str(tmp_path / "ws")
    sandboxed = settings.sandbox_settings(hide=["/z"])
    assert (sandboxed.enabled, sandboxed.uid, sandboxed.gid) == (False, 1234, 65534)
    assert sandboxed.hide[-3:] == ["/z", "/x", "/y"] and str(ROOT / "reference") in sandboxed.hide
    assert config.load(environ={}, config_file=file, course=tmp_path).origin["sandbox"] == str(file)
    secret = config.show(config.load(environ={"AUTOGRADER_DB_URL": "postgresql://ta:hunter2@db/grades"}))
    assert "db_url = postgresql://ta:***@db/grades" in secret and "hunter2" not in secret


def test_every_flag_of_the_table_reaches_the_config():
    from autograder.cli import parser

    for f in config.settings():
        for command in f.metadata["commands"] if f.metadata["flags"] else ():
            flag = f.metadata["flags"][-1]
            value = {"late_policy": "zero", "due": "2026-12-01 23:59:00 UTC"}.get(f.name, "2")
            typed = [flag] if f.type == "bool" else [flag, value]
            args = parser().parse_args([command, *(["x"] if command == "grade" else []),
                                        *(["gradescope"] if command == "export" else []), *typed])
            assert f.name in config.given(args), (command, flag)


def test_the_instructors_guide_lists_exactly_the_settings():
    page = (ROOT / "docs" / "instructors.md").read_text()
    assert config.markdown() in page, "regenerate the Settings table: python -c 'from autograder import " \
                                      "config; print(config.markdown())'"


def test_nbgrader_takes_the_same_settings(tmp_path):
    """nbgrader_config.py reads the same Config (file and environment) for the traits both paths share."""
    file = tmp_path / "course.toml"
    file.write_text('[autograder]\nlate_policy = "zero"\ncall_timeout = 7\nsandbox_uid = 4321\n')
    code = ("import json, runpy, traitlets.config as t; c = t.Config(); "
            "runpy.run_path('nbgrader_config.py', {'get_config': lambda: c}); "
            "print(json.dumps({'policy': c.LatePenalty.policy, 'call': c.SandboxedGrading.call_timeout, "
            "'budget': c.SandboxedGrading.budget, 'uid': c.SandboxedGrading.sandbox_uid, "
            "'hide': c.SandboxedGrading.hide}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=clean_env(AUTOGRADER_CONFIG=str(file), AUTOGRADER_SUBMISSION_BUDGET="42",
                                        AUTOGRADER_WORKSPACE=str(tmp_path / "ws")))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"policy": "zero", "call": 7.0, "budget": 42.0, "uid": 4321, "hide": [str(tmp_path / "ws")]}


def test_the_environment_reaches_the_workers_of_a_class_run(tmp_path):
    """AUTOGRADER_SANDBOX=0 and AUTOGRADER_ASSIGNMENT, read once by the CLI, go to the job processes in their
    config line and from there to every worker: each student's results record the sandbox as off."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ann.py").write_bytes((SUBMISSIONS / "correct" / "base.py").read_bytes())
    proc = cli("grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1", "--only", "sigmoid",
               "--no-progress", AUTOGRADER_SANDBOX="0", AUTOGRADER_ASSIGNMENT="ps1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "out" / "ann" / "results.json").read_text())
    measures = data["extra_data"]["result"]["sandbox"]
    assert measures and all(v.startswith("off: the sandbox is turned off") for v in measures.values()), measures

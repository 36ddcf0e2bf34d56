"""Every setting of the grader, in one table: its type, default, help, environment variable and flag.

`Config` is that table: one field per setting, each field's metadata says how it is written in the
config file, the environment and on the command line. The layers, each over the one before:

    defaults  <  the config file  <  the environment (AUTOGRADER_*)  <  command-line flags

The config file is `--config FILE` (or $AUTOGRADER_CONFIG), else `autograder.toml` at the course root,
read from its `[autograder]` table with the fields' names as keys. The CLI builds the Config (`load`) and
passes its values down; nbgrader_config.py builds it for nbgrader's side. Nothing else reads the
environment for a setting: this module is the only reader, and it reads only the mapping it is given.
Stdlib only (nbgrader_config.py and the untrusted worker import it).
"""
from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

FILE_NAME = "autograder.toml"
TABLE = "autograder"
CONFIG_ENV = "AUTOGRADER_CONFIG"


class ConfigError(Exception):
    """A setting that cannot be read: one sentence for the user (the CLI exits 2)."""


# ------------------------------------------------------------------ reading one value (file, environment or flag)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _optional_text(value: Any) -> str | None:
    return _text(value).strip() or None


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{value!r} is not a whole number")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None


def _count(value: Any) -> int:
    number = _whole(value)
    if number < 1:
        raise ValueError(f"must be at least 1, not {number}")
    return number


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{value!r} is not a number of seconds")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number of seconds") from None
    if not number > 0 or math.isnan(number):
        raise ValueError(f"must be more than 0 seconds, not {value!r}")
    return number


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{value!r} is not on or off (write true or false; in the environment 1 or 0)")


def _folders(value: Any) -> list[str]:
    """A TOML list of paths, or one string of paths separated by os.pathsep (as in $PATH)."""
    if isinstance(value, str):
        return [p for p in value.split(os.pathsep) if p]
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return [p for p in value if p]
    raise ValueError(f"{value!r} is not a list of folders")


def _late_policy(value: Any) -> str:
    from autograder import late

    try:
        late.LatePolicy.parse(_text(value))
    except late.PolicyError as exc:
        raise ValueError(str(exc).rstrip(".")) from None
    return value.strip() or "none"


def _due(value: Any) -> str | None:
    from autograder import late

    text = _optional_text(value)
    if text is not None:
        try:
            late.parse_time(text)
        except late.PolicyError as exc:
            raise ValueError(str(exc).rstrip(".")) from None
    return text


# ------------------------------------------------------------------ the table


def setting(default: Any, help: str, parse: Callable[[Any], Any], *, env: str | None = None,
            flags: tuple[str, ...] = (), metavar: str | None = None, commands: tuple[str, ...] = ("grade",),
            secret: bool = False, paths: bool = False) -> Any:
    """One row of the table. `flags`: its command-line options (none: set it in the file or the environment);
    `commands`: the subcommands that take them (`autograder config` takes every flag); `secret`: --show
    hides a URL's password; `paths`: folders, which a config file gives relative to its own folder."""
    factory = (lambda: list(default)) if isinstance(default, list) else None
    meta = {"help": help, "parse": parse, "env": env, "flags": flags, "metavar": metavar, "commands": commands,
            "secret": secret, "paths": paths}
    if factory:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


ASSIGNMENT_COMMANDS = ("grade", "export", "demo")


@dataclass
class Config:
    course: str | None = setting(
        None, "The course folder. Default: the nearest folder at or above this one holding "
        "reference/<name>/assignment.toml, else the checkout the package runs from.", _optional_text,
        env="AUTOGRADER_COURSE", flags=("--course",), metavar="DIR", commands=(*ASSIGNMENT_COMMANDS, "build"),
        paths=True)
    assignment: str | None = setting(
        None, "The assignment (reference/NAME/ in the course; also its folder in an nbgrader tree). Default: the "
        "course's only one, else worked out from the submission's notebook name or the functions it defines.",
        _optional_text, env="AUTOGRADER_ASSIGNMENT", flags=("--assignment",), metavar="NAME",
        commands=ASSIGNMENT_COMMANDS)
    jobs: int | None = setting(
        None, "Grading processes for a class, at least 1. Default: the number of cores.", _count,
        env="AUTOGRADER_JOBS", flags=("-j", "--jobs"), metavar="N")
    seed: int | None = setting(
        None, "Seed for the hidden tests' inputs. Default: derived from the code graded.", _whole,
        env="AUTOGRADER_SEED", flags=("--seed",), metavar="N")
    call_timeout: float = setting(
        20.0, "Seconds of wall clock one call of a student's function may take.", _seconds,
        env="AUTOGRADER_CALL_TIMEOUT", flags=("--call-timeout",), metavar="SECONDS")
    load_timeout: float = setting(
        120.0, "Seconds of wall clock for running a submission's cells before its functions are called "
        "(a notebook may train a small model at top level).", _seconds,
        env="AUTOGRADER_LOAD_TIMEOUT", flags=("--load-timeout",), metavar="SECONDS")
    submission_budget: float = setting(
        300.0, "Seconds of wall clock for all of one submission's calls and loads; once spent, its remaining "
        "tests fail at once. The reference solution has no budget.", _seconds,
        env="AUTOGRADER_SUBMISSION_BUDGET", flags=("--submission-budget",), metavar="SECONDS")
    carry_forward: bool = setting(
        True, "Grade each function with correct versions of the other graded functions it calls, so a mistake "
        "costs points only where it is (off: each function runs with the student's own helpers).", _switch,
        env="AUTOGRADER_CARRY_FORWARD", flags=("--carry-forward",))
    pool: bool = setting(
        True, "Fork the workers, a class's or one submission's, from a warm fork server that imported once what "
        "the assignment's notebook imports, such as NumPy and PyTorch (off: a new interpreter for every worker).",
        _switch, env="AUTOGRADER_POOL", flags=("--pool",))
    progress: bool = setting(
        True, "Show a progress bar while a class is graded.", _switch, env="AUTOGRADER_PROGRESS",
        flags=("--progress",))
    due: str | None = setting(
        None, "The due date, e.g. 2026-12-01T23:59:00+00:00 (no zone: UTC); lateness comes from nbgrader's "
        "timestamp.txt or the LMS's _LATE_ flag. nbgrader takes its due date from the gradebook instead.",
        _due, env="AUTOGRADER_DUE", flags=("--due",), metavar="WHEN")
    late_policy: str = setting(
        "none", "The late penalty, for the CLI and nbgrader alike: none, zero, or e.g. "
        "'10%/day, cap 50%, grace 15m' (docs/instructors.md, Late work).", _late_policy,
        env="AUTOGRADER_LATE_POLICY", flags=("--late-policy",), metavar="RULE")
    sandbox: bool = setting(
        True, "Confine every worker (limits, namespaces, another user: SECURITY.md). Off only for "
        "benchmarks and debugging, never for grading.", _switch, env="AUTOGRADER_SANDBOX")
    sandbox_uid: int = setting(
        65534, "The user a grader running as root drops its workers to.", _whole, env="AUTOGRADER_SANDBOX_UID")
    sandbox_gid: int = setting(
        65534, "The group a grader running as root drops its workers to.", _whole, env="AUTOGRADER_SANDBOX_GID")
    hide: list = setting(
        [], "More folders the workers must not see, besides the course's instructor folders, the package's "
        "suites, .git and tests/ (in the environment: separated by the path separator, as in PATH).", _folders,
        env="AUTOGRADER_HIDE", paths=True)
    workspace: str | None = setting(
        None, "nbgrader's course workspace (submitted/, autograded/, feedback/, the gradebook). Default: "
        "course/ in the course folder.", _optional_text, env="AUTOGRADER_WORKSPACE", paths=True)
    course_id: str = setting(
        "course", "nbgrader's course id.", _text, env="AUTOGRADER_COURSE_ID")
    db_url: str | None = setting(
        None, "nbgrader's gradebook database, any SQLAlchemy URL (e.g. postgresql://...). Default: SQLite, "
        "gradebook.db in the workspace.", _optional_text, env="AUTOGRADER_DB_URL", secret=True)

    # where each value came from: "default", the config file's path, "$VARIABLE" or the flag
    origin: dict = field(default_factory=dict, repr=False, compare=False, metadata={"internal": True})

    def sandbox_settings(self, hide: list[str] | tuple[str, ...] = ()):
        """The sandbox.Settings every worker gets: these switches, and `hide` and the configured folders hidden
        on top of the defaults."""
        from autograder import sandbox

        base = sandbox.Settings()
        return dataclasses.replace(base, enabled=self.sandbox, uid=self.sandbox_uid, gid=self.sandbox_gid,
                                   hide=[*base.hide, *map(str, hide), *self.hide])


def settings() -> list[dataclasses.Field]:
    """The table's rows, in order."""
    return [f for f in dataclasses.fields(Config) if not f.metadata.get("internal")]


NAMES = [f.name for f in settings()]
DEFAULTS = Config()


# ------------------------------------------------------------------ the layers


def _parsed(f: dataclasses.Field, value: Any, where: str) -> Any:
    try:
        return f.metadata["parse"](value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}.") from None


def read_file(path: Path) -> dict:
    """The [autograder] table of a config file, checked: every key a setting, every value readable."""
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file {path} is not valid TOML ({exc}).") from None
    others = [k for k in data if k != TABLE]
    if others:
        raise ConfigError(f"the config file {path} has {others[0]!r} outside the [{TABLE}] table, "
                          f"which holds every setting.")
    table = data.get(TABLE, {})
    by_name = {f.name: f for f in settings()}
    values = {}
    for key, value in table.items():
        if key not in by_name:
            close = difflib.get_close_matches(key, NAMES, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(f"the config file {path} sets {key!r}, which is not a setting; {hint}"
                              f"the settings are {', '.join(NAMES)}.")
        values[key] = _relative_to(path.parent, by_name[key], _parsed(by_name[key], value, f"{path}: {key}"))
    return values


def _relative_to(folder: Path, f: dataclasses.Field, value: Any) -> Any:
    """A config file's folders are relative to the file's own folder (wherever the command runs)."""
    if not f.metadata["paths"] or value is None:
        return value
    if isinstance(value, list):
        return [str(folder / p) for p in value]
    return str(folder / value)


def find_file(flags: Mapping[str, Any], environ: Mapping[str, str], config_file: str | None,
              course: str | Path | None = None) -> Path | None:
    """--config FILE, else $AUTOGRADER_CONFIG, else autograder.toml at the course root (if there is one): the
    course given as a flag or in the environment, else `course`, else the one found from here."""
    explicit = config_file or environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"the config file {path} does not exist.")
        return path
    course = flags.get("course") or environ.get(Config.__dataclass_fields__["course"].metadata["env"]) or course
    if not course:
        from autograder.assignment import find_course

        course = find_course()
    path = Path(course) / FILE_NAME if course else None
    return path if path is not None and path.is_file() else None


def load(flags: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None,
         config_file: str | Path | None = None, course: str | Path | None = None) -> Config:
    """Defaults < the config file < the environment < `flags` (settings given on the command line, already read).

    `environ` is the process's environment unless given (the one place a setting is read from it); `course`:
    where to look for autograder.toml when no course is given (nbgrader_config.py gives its own folder)."""
    flags = dict(flags or {})
    environ = os.environ if environ is None else environ
    path = find_file(flags, environ, str(config_file) if config_file else None, course)
    values: dict[str, Any] = {}
    origin = {name: "default" for name in NAMES}
    if path is not None:
        for name, value in read_file(path).items():
            values[name], origin[name] = value, str(path)
    for f in settings():
        variable = f.metadata["env"]
        if variable and environ.get(variable, "") != "":  # empty counts as unset (as a CI input left blank)
            values[f.name], origin[f.name] = _parsed(f, environ[variable], f"${variable}"), f"${variable}"
    for f in settings():
        if f.name in flags:
            values[f.name], origin[f.name] = flags[f.name], "/".join(f.metadata["flags"]) or "flag"
    return Config(**values, origin=origin)


# ------------------------------------------------------------------ the command line, from the same table


def add_flags(parser, command: str) -> None:
    """Add the flags of every setting `command` takes (all of them for `config`), generated from the table.

    A flag not given leaves no attribute (argparse.SUPPRESS), so `given(args)` is exactly what was typed."""
    import argparse

    for f in settings():
        meta = f.metadata
        if not meta["flags"] or (command != "config" and command not in meta["commands"]):
            continue
        extra = {}
        if f.type in ("bool", bool):
            extra["action"] = argparse.BooleanOptionalAction
        else:
            extra.update(type=_argparse_type(f), metavar=meta["metavar"])
        parser.add_argument(*meta["flags"], dest=f.name, default=argparse.SUPPRESS, help=flag_help(f), **extra)


def _argparse_type(f: dataclasses.Field):
    import argparse

    def read(text: str):
        try:
            return f.metadata["parse"](text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    read.__name__ = f.name  # argparse names the type in its message
    return read


def default(f: dataclasses.Field) -> Any:
    return f.default if f.default is not dataclasses.MISSING else f.default_factory()


def flag_help(f: dataclasses.Field) -> str:
    value = default(f)
    said = "Default:" in f.metadata["help"]
    shown = f" Default: {_show(value)}." if value not in (None, [], "") and not said else ""
    where = f" (also {FILE_NAME}: {f.name}; ${f.metadata['env']})" if f.metadata["env"] else ""
    return (f.metadata["help"] + shown + where).replace("%", "%%")


def given(args) -> dict:
    """The settings typed on the command line (see add_flags; a command's own option of the same name, such as
    `new --course`, counts when it is given)."""
    return {name: getattr(args, name) for name in NAMES if getattr(args, name, None) is not None}


# ------------------------------------------------------------------ showing the settings


def _show(value: Any, secret: bool = False) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(map(repr, value)) + "]"
    text = str(value)
    if secret:
        text = re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", text)
    return text


def show(config: Config) -> str:
    """Every setting: its effective value, where it came from, how to set it, and its help text."""
    lines = [f"Settings, each layer over the one before: defaults < config file ({FILE_NAME} at the course root, "
             f"or --config FILE) < environment < flags."]
    for f in settings():
        meta = f.metadata
        ways = [f"{FILE_NAME}: {f.name}"] + ([f"${meta['env']}"] if meta["env"] else [])
        ways += [_flag_forms(f)] if meta["flags"] else []
        lines += ["", f"{f.name} = {_show(getattr(config, f.name), meta['secret'])}    "
                  f"(from: {config.origin.get(f.name, 'default')})",
                  f"    {meta['help']}", f"    set with: {', '.join(ways)}"]
    return "\n".join(lines)


def _flag_forms(f: dataclasses.Field) -> str:
    flags = f.metadata["flags"]
    if f.type in ("bool", bool):
        return f"{flags[0]} / --no-{flags[0][2:]}"
    return "/".join(flags)


def markdown() -> str:
    """The Settings table of docs/instructors.md (tests/test_config.py checks the page holds exactly this)."""
    rows = ["| setting (`autograder.toml`) | environment | flag | default | what it does |",
            "| --- | --- | --- | --- | --- |"]
    for f in settings():
        meta = f.metadata
        value = default(f)
        flag = f"`{_flag_forms(f)}`" if meta["flags"] else ""
        shown = f"`{_show(value)}`" if value is not None else ""
        rows.append(f"| `{f.name}` | `{meta['env']}` | {flag} | {shown} | "
                    f"{meta['help'].replace('|', '/')} |")
    return "\n".join(rows)

"""The attack corpus: hostile submissions built as an assignment's stub (every function of its spec
raising NotImplementedError, so an honest grade is 0) plus one attack from tests/attacks/<name>.py.

The stub names its assignment (ASSIGNMENT) and its functions (SPEC_NAMES): attacks read these to aim at
the assignment being graded (its reference, its grading suite) and to replace every graded function.

Also the helpers that grade them and look for processes a submission left behind. Every attack is
bounded in time, processes and memory on its own, so the corpus is safe to run on a developer's
machine even where the sandbox would fail.
"""
from __future__ import annotations

import os
import re
import signal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ATTACKS = HERE / "attacks"
MARKER = "ag-attack-marker"  # the start of each attack's ATTACK_TOKEN



def spec_path(assignment: str = "ps1") -> Path:
    """The project's own copy of an assignment's student API."""
    return ROOT / "docs" / f"{assignment}-spec.md"


def spec_functions_from(text: str) -> dict[str, str]:
    """The `name(params)` of every row of a spec's function tables."""
    return dict(re.findall(r"^\| `(\w+)\(([^`]*)\)` \|", text, flags=re.M))


def spec_functions(assignment: str = "ps1") -> dict[str, str]:
    """An assignment's functions and their parameters, as its spec gives them (test_sandbox checks them
    against the reference's graded functions)."""
    return spec_functions_from(spec_path(assignment).read_text())


def stub_source(token: str = MARKER, assignment: str = "ps1") -> str:
    functions = spec_functions(assignment)
    lines = [f'"""{assignment} stub: every function of its spec raises NotImplementedError (an honest grade 0)."""',
             f"ASSIGNMENT = {assignment!r}  # attacks that aim at the assignment's own files and suite read this",
             f"SPEC_NAMES = {sorted(functions)!r}",
             f"ATTACK_TOKEN = {token!r}  # attacks that exec a program put this in its command line", ""]
    for name, params in functions.items():
        lines += [f"def {name}({params}):", "    raise NotImplementedError", ""]
    return "\n".join(lines)


def attack_names() -> list[str]:
    return sorted(p.stem for p in ATTACKS.glob("*.py") if not p.name.startswith("_"))


def describe(name: str) -> str:
    text = (ATTACKS / f"{name}.py").read_text()
    match = re.match(r'\s*"""(.*?)(\n|""")', text)
    return match.group(1).strip() if match else name


def token_for(name: str) -> str:
    return f"{MARKER}-{name}-{os.getpid()}"


def build(name: str, folder: Path, assignment: str = "ps1") -> Path:
    """Write the assignment's stub + attack as folder/<name>.py; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    attack = (ATTACKS / f"{name}.py").read_text()
    helpers = "".join((ATTACKS / f"{used}.py").read_text() + "\n"
                      for used in re.findall(r"^# uses: (\w+)$", attack, flags=re.M))
    path.write_text(stub_source(token_for(name), assignment) + f"\n\n# ---------------- attack: {name}\n" + helpers + attack)
    return path


# ------------------------------------------------------------------ processes left behind


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def leftovers(tokens: set[str] = frozenset(), exclude: set[int] = frozenset()) -> dict[int, str]:
    """Processes some finished worker left running: {pid: command line}.

    A worker's processes carry HOME=/tmp/ag-worker-XXXX in their environment (forks and programs they
    exec) and the grader removes that folder when the worker is done; attacks that exec with a scrubbed
    environment put their ATTACK_TOKEN in their command line (pass the tokens of attacks already
    graded: another attack may be running right now). Zombies (already dead) do not count.
    """
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude or int(entry) == os.getpid():
            continue
        stat = _read(f"/proc/{entry}/stat")
        if not stat or stat.rsplit(b")", 1)[-1].split()[0] == b"Z":
            continue
        cmdline = _read(f"/proc/{entry}/cmdline").replace(b"\0", b" ").decode(errors="replace")
        environ = _read(f"/proc/{entry}/environ").split(b"\0")
        homes = [e[5:].decode(errors="replace") for e in environ if e.startswith(b"HOME=/tmp/ag-worker-")]
        if any(t in cmdline for t in tokens) or any(not os.path.isdir(h) for h in homes):
            found[int(entry)] = cmdline.strip()
    return found


def kill(pids) -> None:
    """Clean up after a failed check, so a developer's machine is left as it was."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

"""The attack corpus: hostile submissions built as the stub (every SPEC function raising
NotImplementedError, so an honest grade is 0) plus one attack from tests/attacks/<name>.py.

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

# SPEC's functions and their parameters (checked against docs/ps1-spec.md by test_sandbox)
SPEC_FUNCTIONS = {
    "sigmoid": "x", "sigmoid_grad": "s", "softmax": "x", "softmax_jacobian": "s",
    "one_hot": "labels, num_classes", "binary_cross_entropy": "o, t", "cross_entropy": "y_hat, y",
    "softmax_cross_entropy": "logits, y", "softmax_cross_entropy_grad": "logits, y",
    "logistic_regression_grad": "x, t, w, b",
    "two_layer_forward": "x, W1, b1, W2, b2", "two_layer_grad_x": "x, y, W1, b1, W2, b2",
    "two_layer_grads": "x, y, W1, b1, W2, b2", "num_params": "Dx, H, Dy",
    "numerical_gradient": "f, x, h=1e-5", "gradient_check": "f, grad, x, tol=1e-5",
    "majority_dataset": "n_bits=10", "build_model": "n_bits",
    "train": "model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0", "predict": "model, X, device",
}


def spec_path() -> Path:
    """The project's own copy of the student API."""
    return ROOT / "docs" / "ps1-spec.md"


def spec_functions_from(text: str) -> dict[str, str]:
    """The `name(params)` of every row of SPEC.md's function tables."""
    return dict(re.findall(r"^\| `(\w+)\(([^`]*)\)` \|", text, flags=re.M))


def stub_source(token: str = MARKER) -> str:
    lines = ['"""PS1 stub: every function of SPEC raises NotImplementedError (an honest grade is 0)."""',
             f"SPEC_NAMES = {sorted(SPEC_FUNCTIONS)!r}",
             f"ATTACK_TOKEN = {token!r}  # attacks that exec a program put this in its command line", ""]
    for name, params in SPEC_FUNCTIONS.items():
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


def build(name: str, folder: Path) -> Path:
    """Write stub + attack as folder/<name>.py; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    attack = (ATTACKS / f"{name}.py").read_text()
    helpers = "".join((ATTACKS / f"{used}.py").read_text() + "\n"
                      for used in re.findall(r"^# uses: (\w+)$", attack, flags=re.M))
    path.write_text(stub_source(token_for(name)) + f"\n\n# ---------------- attack: {name}\n" + helpers + attack)
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

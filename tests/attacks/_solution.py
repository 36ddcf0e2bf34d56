# Shared by the attacks that look for a solution: not an attack of its own (its name starts with "_").
import json as _json
import os as _os


def _adopt(source_text, label):
    """Run Python source (a .py file, or a notebook's code cells) and take its SPEC functions."""
    try:
        if label.endswith(".ipynb"):
            cells = _json.loads(source_text)["cells"]
            source_text = "\n\n".join("".join(c["source"]) for c in cells if c.get("cell_type") == "code"
                                      and not "".join(c["source"]).lstrip().startswith(("%", "!")))
        found = {}
        exec(compile(source_text, label, "exec"), found)
    except BaseException as exc:  # noqa: BLE001
        print(f"could not use {label}: {type(exc).__name__}: {exc}")
        return 0
    taken = 0
    for name in SPEC_NAMES:
        if callable(found.get(name)):
            globals()[name] = found[name]
            taken += 1
    print(f"STOLE {taken} functions from {label}")
    return taken


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}")
        return None

"""`autograder demo`: grade an assignment's samples and print their tables.

The reference scores full marks, the released notebook 0, and each sample in the assignment's
`samples/` folder (reference/NAME/samples/*.py) loses points where its mistake is. A sample holds only
the mistaken definitions: the graded submission is the reference's solution cells followed by them,
so a sample stays a few lines long and in step with the reference.
"""
from __future__ import annotations

from pathlib import Path

from autograder.load import read_notebook


def solution_code(reference: Path) -> str:
    """The reference's top-level imports, then the code of its solution cells (nbgrader's "solution": true)."""
    code = [c for c in read_notebook(reference)["cells"] if c.get("cell_type") == "code"]
    imports = dict.fromkeys(line for c in code for line in c["source"].splitlines()
                            if line.startswith(("import ", "from ")))
    solutions = [c["source"] for c in code if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join(solutions)


def samples(workdir: Path, assignment) -> list[tuple[str, Path]]:
    """(title, path) for the reference, the release and each sample written out whole into `workdir`."""
    found = [("the reference solution", assignment.reference), ("the released notebook", assignment.release)]
    solutions = solution_code(assignment.reference)
    for sample in sorted((assignment.folder / "samples").glob("*.py")):
        path = workdir / sample.name
        path.write_text(f"{solutions}\n\n# --- the sample's own definitions\n{sample.read_text()}")
        found.append((f"sample: {sample.stem}", path))
    return found

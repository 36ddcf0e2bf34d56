"""`autograder demo`: grade the samples bundled with a checkout and print their tables.

The reference scores 100, the released stub 0, and each typical bug loses points where it breaks.
The bugs are entries of the project's own corpus (tests/submissions/buggy.py), each written out as
a complete submission: the corpus's correct base with one function replaced.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "submissions"
TYPICAL_BUGS = ["softmax_no_max_shift", "sigmoid_grad_of_output", "grad_x_W2_not_transposed",
                "numgrad_forward_difference", "train_full_batch"]


def _corpus():
    spec = importlib.util.spec_from_file_location("ps1_buggy_corpus", CORPUS / "buggy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def samples(workdir: Path) -> list[Path]:
    """The reference, the stub, and the typical bugs written into `workdir`."""
    paths = [ROOT / "reference" / "ps1" / "ps1.ipynb", ROOT / "assignments" / "ps1" / "ps1.ipynb"]
    corpus = _corpus()
    bugs = {bug.name: bug for bug in corpus.BUGS}
    for name in TYPICAL_BUGS:
        path = workdir / f"{name}.py"
        path.write_text(corpus.build_source(bugs[name]))
        paths.append(path)
    return paths

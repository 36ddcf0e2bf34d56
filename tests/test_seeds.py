"""No seed luck: the seed depends on the code only, and every known bug is caught on every seed.

Hidden tests draw random inputs from a seed (a hash of the code graded). A bug must not get through
because of the seed a file happened to hash to: each bug of the corpus (tests/submissions/buggy.py) is
graded here under another seed of its own, beside the file's own seed in test_grading.py, and must lose
points in the same functions both times (one more seed per bug keeps CI's time; across the corpus that is
75 more seeds). Only the bug's functions are graded.
"""
import sys
import zlib

import nbformat
import pytest

from autograder.grade import grade
from autograder.load import load
from conftest import SUBMISSIONS

sys.path.insert(0, str(SUBMISSIONS))
from buggy import BUGS, build_source  # noqa: E402



def other_seed(bug) -> int:
    """A seed for this bug that is not its file's own (that one is graded in test_grading.py)."""
    return zlib.crc32(f"another seed for {bug.name}".encode()) % (2**31)


def lost(result) -> set[str]:
    return {fn for fn, (earned, possible) in result.by_function().items() if earned < possible}


@pytest.mark.parametrize("bug", BUGS, ids=[b.name for b in BUGS])
def test_each_bug_is_caught_on_every_seed(reference, spawn, bug, tmp_path):
    path = tmp_path / f"{bug.name}.py"
    path.write_text(build_source(bug))
    seed = other_seed(bug)
    assert seed != load(path).seed
    result = grade(path, reference=reference, spawn=spawn, seed=seed, functions=set(bug.breaks))
    assert lost(result) == set(bug.breaks), (seed, [(t.name, t.output) for t in result.tests])


CODE = "import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"


def notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# PS1")] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def test_the_seed_depends_on_the_code_not_the_file_name(tmp_path):
    """Graded alone (ps1.py) or in a class folder under another name: the same seed."""
    (tmp_path / "alice").mkdir()
    alone = tmp_path / "ps1.py"
    renamed = tmp_path / "alice" / "submission-1234.py"
    alone.write_text(CODE)
    renamed.write_text(CODE.replace("\n", "\r\n"))  # written on Windows: the same code
    assert load(alone).seed == load(renamed).seed == load(tmp_path / "alice").seed
    other = tmp_path / "other.py"
    other.write_text(CODE.replace("np.exp(-x)", "np.exp(-1.0 * x)"))
    assert load(other).seed != load(alone).seed


def test_a_notebook_and_a_py_file_with_the_same_cell_get_the_same_seed(tmp_path):
    """A .py file is one cell: pasted into one notebook cell it is the same code (markdown cells, the
    cell's label and its missing final newline do not count); split over two cells it is other code."""
    py = tmp_path / "ps1.py"
    py.write_text(CODE)
    one_cell = notebook(tmp_path / "one.ipynb", CODE.rstrip("\n"))
    assert load(one_cell).cells[0][0] != load(py).cells[0][0]  # labels differ ...
    assert load(one_cell).seed == load(py).seed  # ... the seed does not
    head, tail = CODE.split("\n\n\n")
    two_cells = notebook(tmp_path / "two.ipynb", head, tail)
    assert load(two_cells).seed != load(py).seed


def test_grade_uses_the_same_seed_for_the_same_code_under_another_name(reference, spawn, tmp_path):
    a, b = tmp_path / "ps1.py", tmp_path / "bob_ps1_late.py"
    source = (SUBMISSIONS / "correct" / "base.py").read_text()
    a.write_text(source)
    b.write_text(source)
    ra = grade(a, reference=reference, spawn=spawn, functions={"sigmoid"})
    rb = grade(b, reference=reference, spawn=spawn, functions={"sigmoid"})
    assert ra.seed == rb.seed and ra.score == rb.score == ra.max_score


# Bugs that a random case used to catch only on some seeds, and the fixed case that now catches them.
PICKED_LOG_SOFTMAX = '''
def softmax_cross_entropy(logits, y):
    logits, y = np.asarray(logits), np.asarray(y)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), np.argmax(y, axis=1)]))  # log(softmax), the target's only
'''
FORWARD_DIFFERENCE = '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
'''
SEED_LUCK = [
    ("log_softmax_of_the_target", PICKED_LOG_SOFTMAX, "softmax_cross_entropy",
     "softmax_cross_entropy: float32 logits up to |z| = 1e3"),
    ("forward_difference", FORWARD_DIFFERENCE, "numerical_gradient",
     "numerical_gradient: matches the exact gradient to 1e-6 on a fixed curved f (a one-sided difference fails)"),
]


@pytest.mark.parametrize("name, code, fn, test", SEED_LUCK, ids=[case[0] for case in SEED_LUCK])
def test_a_seed_lucky_bug_fails_its_fixed_case_on_every_seed(reference, spawn, tmp_path, name, code, fn, test):
    path = tmp_path / f"{name}.py"
    path.write_text((SUBMISSIONS / "correct" / "base.py").read_text() + "\n\n" + code)
    for seed in (1, 2, 3, 4):
        result = grade(path, reference=reference, spawn=spawn, seed=seed, functions={fn})
        (case,) = [t for t in result.tests if t.name == test]
        assert case.status == "failed", (seed, case)

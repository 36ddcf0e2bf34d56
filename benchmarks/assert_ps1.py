"""PS1 as a user of plain nbgrader would write it: the baseline for benchmarks/class_grading.py.

    python benchmarks/assert_ps1.py OUT.ipynb        # write the assert-cell notebook (nbgrader's source form)

The notebook is reference/ps1/ps1.ipynb (text, solutions, "Check your work" cells, plots) with each graded cell
grade_<function> rewritten as an ordinary nbgrader autograder-test cell: a few plain asserts against hard-coded
numbers, the ones the student may see first, the rest between ### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS.
No cell calls this package: nbgrader autograde runs it in a kernel, as it would for any course. The cells keep
their grade_id and points, so it releases and scores like the real notebook (all points or none per cell, as
nbgrader scores a test cell). It is built from the reference each time, so it follows the notebook's text; the
asserts are kept here as data.

The expected numbers were worked out by hand or with the reference solution once (as an instructor would) and
are written down as literals.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "ps1" / "ps1.ipynb"

# function -> (visible asserts, hidden asserts)
ASSERTS: dict[str, tuple[str, str]] = {
    "sigmoid": (
        """\
assert np.allclose(sigmoid(np.array([-2.0, 0.5, 3.0])), [0.11920292, 0.62245933, 0.95257413])
assert sigmoid(np.array([[1.0, 2.0]])).shape == (1, 2)""",
        """\
with np.errstate(over="raise", invalid="raise", divide="raise"):
    assert np.allclose(sigmoid(np.array([-1e4, -800.0, 800.0, 1e4])), [0.0, 0.0, 1.0, 1.0])
    assert sigmoid(np.array([-1e3, 1e3], dtype=np.float32)).dtype == np.float32
assert sigmoid(np.array([1, 2])).dtype == np.float64
x = np.array([0.3, -0.7])
sigmoid(x)
assert np.array_equal(x, [0.3, -0.7])
assert np.allclose(sigmoid(np.zeros((2, 3, 4))), 0.5)"""),
    "sigmoid_grad": (
        """\
assert np.allclose(sigmoid_grad(np.array([0.1, 0.5, 0.9])), [0.09, 0.25, 0.09])""",
        """\
assert np.allclose(sigmoid_grad(np.array([0.0, 1.0])), [0.0, 0.0])
assert np.allclose(sigmoid_grad(np.array([[0.2], [0.7]])), [[0.16], [0.21]])
assert sigmoid_grad(np.array([0.5], dtype=np.float32)).dtype == np.float32"""),
    "softmax": (
        """\
assert np.allclose(softmax(np.array([1.0, 2.0, 3.0])), [0.09003057, 0.24472847, 0.66524096])""",
        """\
assert np.allclose(softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, -1.0]])),
                   [[0.09003057, 0.24472847, 0.66524096], [0.42231880, 0.42231880, 0.15536240]])
with np.errstate(over="raise", invalid="raise", divide="raise"):
    assert np.allclose(softmax(np.array([[1e4, 0.0], [-1e4, 1e4]])), [[1.0, 0.0], [0.0, 1.0]])
assert np.allclose(softmax(np.array([1.0, 2.0]) + 100.0), softmax(np.array([1.0, 2.0])))
assert softmax(np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32
x = np.array([[0.5, 1.5]])
softmax(x)
assert np.array_equal(x, [[0.5, 1.5]])"""),
    "softmax_jacobian": (
        """\
J = softmax_jacobian(np.array([0.2, 0.3, 0.5]))
assert J.shape == (3, 3)""",
        """\
assert np.allclose(J, [[0.16, -0.06, -0.10], [-0.06, 0.21, -0.15], [-0.10, -0.15, 0.25]])
assert np.allclose(softmax_jacobian(np.array([0.5, 0.5])), [[0.25, -0.25], [-0.25, 0.25]])
assert np.allclose(softmax_jacobian(np.array([1.0, 0.0])), 0.0)"""),
    "one_hot": (
        """\
assert np.array_equal(one_hot(np.array([0, 2, 1]), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]])""",
        """\
assert one_hot(np.array([1]), 4).dtype == np.float64
assert one_hot(np.array([3, 3]), 5).shape == (2, 5)
for bad in ([3], [-1]):
    try:
        one_hot(np.array(bad), 3)
    except ValueError:
        pass
    else:
        raise AssertionError(f"one_hot({bad}, 3) should raise ValueError")"""),
    "binary_cross_entropy": (
        """\
assert np.isclose(binary_cross_entropy(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])), 0.27977656)""",
        """\
assert np.isclose(binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 1.0])), 50.0)
assert np.isclose(binary_cross_entropy(np.array([[0.5, 0.5]]), np.array([[0.0, 1.0]])), 0.69314718)
assert np.ndim(binary_cross_entropy(np.array([0.3]), np.array([1.0]))) == 0"""),
    "cross_entropy": (
        """\
y_hat = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]])
assert np.isclose(cross_entropy(y_hat, np.array([[1.0, 0, 0], [0, 0, 1.0]])), 0.78032387)""",
        """\
assert np.isclose(cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])), 100.0)
assert np.isclose(cross_entropy(np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]])), 0.28768207)"""),
    "softmax_cross_entropy": (
        """\
logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
assert np.isclose(softmax_cross_entropy(logits, y), 2.03510411)""",
        """\
with np.errstate(over="raise", invalid="raise", divide="raise"):
    assert np.isclose(softmax_cross_entropy(np.array([[1e4, 0.0]]), np.array([[0.0, 1.0]])), 1e4)
    assert np.isclose(softmax_cross_entropy(np.array([[1e4, 0.0]]), np.array([[1.0, 0.0]])), 0.0)
assert np.isclose(softmax_cross_entropy(logits + 50.0, y), 2.03510411)"""),
    "softmax_cross_entropy_grad": (
        """\
logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
g = softmax_cross_entropy_grad(logits, y)
assert g.shape == (2, 3)""",
        """\
assert np.allclose(g, [[-0.17049943, 0.12121649, 0.04928295], [0.05805727, 0.42898841, -0.48704567]])
assert np.allclose(softmax_cross_entropy_grad(np.zeros((1, 2)), np.array([[1.0, 0.0]])), [[-0.5, 0.5]])"""),
    "logistic_regression_grad": (
        """\
x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.5]])
t = np.array([1.0, 0.0, 1.0])
dw, db = logistic_regression_grad(x, t, np.array([0.3, -0.2]), 0.1)
assert np.shape(dw) == (2,)""",
        """\
assert np.allclose(dw, [-0.30851916, -0.06175092])
assert np.isclose(db, -0.15858495)
dw0, db0 = logistic_regression_grad(np.zeros((2, 3)), np.array([1.0, 0.0]), np.zeros(3), 0.0)
assert np.allclose(dw0, 0.0) and np.isclose(db0, 0.0)"""),
    "two_layer_forward": (
        """\
x = np.array([[1.0, 2.0], [3.0, -1.0]])
W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
b1 = np.array([0.01, 0.02, 0.03])
W2 = np.array([[0.2, -0.1], [0.3, 0.4], [-0.5, 0.6]])
b2 = np.array([0.05, -0.05])
y_hat = two_layer_forward(x, W1, b1, W2, b2)
assert y_hat.shape == (2, 2)""",
        """\
assert np.allclose(y_hat, [[0.47993495, 0.52006505], [0.33485599, 0.66514401]])
zeros = two_layer_forward(np.zeros((1, 2)), np.zeros((2, 3)), np.zeros(3), np.zeros((3, 4)), np.zeros(4))
assert np.allclose(zeros, 0.25)"""),
    "two_layer_grad_x": (
        """\
x = np.array([[1.0, 2.0], [3.0, -1.0]])
y = np.array([[1.0, 0.0], [0.0, 1.0]])
W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
b1 = np.array([0.01, 0.02, 0.03])
W2 = np.array([[0.2, -0.1], [0.3, 0.4], [-0.5, 0.6]])
b2 = np.array([0.05, -0.05])
gx = two_layer_grad_x(x, y, W1, b1, W2, b2)
assert gx.shape == (2, 2)""",
        """\
assert np.allclose(gx, [[0.01515515, -0.03933626], [-0.00619706, 0.0195963]])"""),
    "two_layer_grads": (
        """\
x = np.array([[1.0, 2.0], [3.0, -1.0]])
y = np.array([[1.0, 0.0], [0.0, 1.0]])
W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
b1 = np.array([0.01, 0.02, 0.03])
W2 = np.array([[0.2, -0.1], [0.3, 0.4], [-0.5, 0.6]])
b2 = np.array([0.05, -0.05])
g = two_layer_grads(x, y, W1, b1, W2, b2)
assert set(g) == {"W1", "b1", "W2", "b2"}""",
        """\
assert np.allclose(g["W1"], [[0.02163191, -0.00398549, -0.02132106], [-0.04445812, 0.01420796, 0.14598258]])
assert np.allclose(g["b1"], [-0.0034315, 0.00235135, 0.03257171])
assert np.allclose(g["W2"], [[-0.10545382, 0.10545382], [-0.13808002, 0.13808002], [0.06085115, -0.06085115]])
assert np.allclose(g["b2"], [-0.09260453, 0.09260453])"""),
    "num_params": (
        """\
assert num_params(2, 3, 4) == 25""",
        """\
assert num_params(10, 5, 1) == 61
assert type(num_params(np.int64(1), 1, 1)) is int
try:
    num_params(0, 3, 4)
except ValueError:
    pass
else:
    raise AssertionError("num_params(0, 3, 4) should raise ValueError")"""),
    "numerical_gradient": (
        """\
x = np.array([1.0, -2.0, 0.5])
g = numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
assert np.allclose(g, [3.0, 12.0, 0.75], atol=1e-6)""",
        """\
assert np.array_equal(x, [1.0, -2.0, 0.5])
assert np.allclose(numerical_gradient(lambda v: float(v[0, 0] * v[0, 1]), np.array([[2.0, 3.0]])), [[3.0, 2.0]])
assert np.allclose(numerical_gradient(lambda v: float(np.sin(v).sum()), np.zeros(2), h=1e-3), [1.0, 1.0])"""),
    "gradient_check": (
        """\
ok, err = gradient_check(lambda v: float(np.sum(v ** 2)), lambda v: 2 * v, np.array([1.0, -2.0, 3.0]))
assert ok and err < 1e-8""",
        """\
ok, err = gradient_check(lambda v: float(np.sum(v ** 2)), lambda v: 3 * v, np.array([1.0, -2.0, 3.0]))
assert not ok and np.isclose(err, 0.2)
x = np.array([0.5, 1.5])
gradient_check(lambda v: float(np.sum(v ** 2)), lambda v: 2 * v, x)
assert np.array_equal(x, [0.5, 1.5])"""),
    "majority_dataset": (
        """\
X, y = majority_dataset(3)
assert tuple(X.shape) == (8, 3)""",
        """\
assert y.tolist() == [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0]
assert sorted(map(tuple, X.tolist())) == [(a, b, c) for a in (0.0, 1.0) for b in (0.0, 1.0) for c in (0.0, 1.0)]
assert X.dtype == torch.float32 and y.dtype == torch.float32
X4, y4 = majority_dataset(4)
assert int(y4.sum()) == 5"""),
    "build_model": (
        """\
model = build_model(4)
assert isinstance(model, torch.nn.Module)
assert tuple(model(torch.zeros(3, 4)).shape) == (3,)""",
        """\
assert sum(p.numel() for p in model.parameters()) == 5
out = model(100 * torch.randn(16, 4)).detach()
assert bool(((out >= 0) & (out <= 1)).all())"""),
    "train": (
        """\
X, y = majority_dataset(4)
torch.manual_seed(0)
model = build_model(4)
losses = train(model, X, y, device="cpu", epochs=3, batch_size=5, lr=0.5, seed=1)
assert isinstance(losses, list) and len(losses) == 3""",
        """\
assert all(isinstance(v, float) for v in losses)
model = torch.nn.Sequential(torch.nn.Linear(4, 1), torch.nn.Sigmoid(), torch.nn.Flatten(0))
with torch.no_grad():
    model[0].weight.fill_(0.0)
    model[0].bias.fill_(0.0)
flat = train(model, X, y, device="cpu", epochs=2, batch_size=6, lr=0.0, seed=0)
assert np.allclose(flat, [0.69314718, 0.69314718])
X10, y10 = majority_dataset(10)
torch.manual_seed(0)
model = build_model(10)
losses = train(model, X10, y10, device="cpu", epochs=20)
assert losses[-1] < 0.35 and losses[-1] < losses[0]"""),
    "predict": (
        """\
model = torch.nn.Sequential(torch.nn.Linear(4, 1), torch.nn.Sigmoid(), torch.nn.Flatten(0))
with torch.no_grad():
    model[0].weight.fill_(1.0)
    model[0].bias.fill_(-2.5)
X, y = majority_dataset(4)
assert predict(model, X, "cpu").tolist() == y.long().tolist()""",
        """\
assert tuple(predict(model, X[:3], "cpu").shape) == (3,)
with torch.no_grad():
    model[0].bias.fill_(10.0)
assert predict(model, X, "cpu").tolist() == [1] * 16"""),
}


def graded_function(cell) -> str | None:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    return gid[len("grade_"):] if cell.cell_type == "code" and gid.startswith("grade_") else None


def build(reference: Path = REFERENCE):
    """The reference notebook with each grade_<function> cell made a cell of plain asserts."""
    import nbformat

    nb = nbformat.read(str(reference), as_version=4)
    seen = set()
    for cell in nb.cells:
        fn = graded_function(cell)
        if fn is None:
            continue
        if fn not in ASSERTS:
            raise SystemExit(f"{reference} grades {fn}, which has no asserts here: add them to ASSERTS")
        visible, hidden = ASSERTS[fn]
        cell.source = (f"# Tests for {fn}\n{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS")
        seen.add(fn)
    if set(ASSERTS) - seen:
        raise SystemExit(f"asserts for functions the notebook no longer grades: {sorted(set(ASSERTS) - seen)}")
    names_no_autograder(nb)
    return nb


def names_no_autograder(nb) -> None:
    """A baseline must not use this package anywhere."""
    for cell in nb.cells:
        if "autograder" in cell.source:
            raise SystemExit("a cell of the assert-cell notebook still names autograder: " + cell.source[:80])


def main() -> int:
    import nbformat

    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    nbformat.write(build(), sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())

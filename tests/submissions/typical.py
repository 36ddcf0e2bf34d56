"""Typical student mistakes: whole submissions, each with ONE mistake seen in real student code.

Every submission is ``correct/realistic_base.py`` (a correct solution whose functions call each other, as
students write them) with one function's definition replaced, in place, by the mistaken one
(``build_source``). So the other functions still call the mistaken one: ``two_layer_grads`` calls a
``sigmoid_grad`` applied to x, ``gradient_check`` calls a one-sided ``numerical_gradient``, and so on.

Under ../../docs/ps1-spec.md (error carried forward, writable inputs, relaxed dtype rules) grading such a
submission must cost points in ``Mistake.function`` only, and the release's visible check cell of that
function must fail (tests/test_typical_mistakes.py). ``why`` is the one line a TA would write.

Run ``python tests/submissions/typical.py OUT_DIR`` to write every submission out as a .py file.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

BASE = Path(__file__).resolve().parent / "correct" / "realistic_base.py"


@dataclass(frozen=True)
class Mistake:
    name: str
    function: str  # the one function that has the mistake
    why: str
    source: str  # the student's definition of `function`, in place of the base's


def build_source(mistake: Mistake, base: str | None = None) -> str:
    """The whole submission: the base with `mistake.function`'s definition replaced by the mistaken one."""
    base = BASE.read_text() if base is None else base
    lines = base.splitlines(keepends=True)
    for node in ast.parse(base).body:
        if isinstance(node, ast.FunctionDef) and node.name == mistake.function:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "".join(lines[:start]) + mistake.source + "".join(lines[node.end_lineno:])
    raise KeyError(f"{BASE.name} defines no function {mistake.function}")


def _m(name: str, function: str, why: str, source: str) -> Mistake:
    return Mistake(name, function, why, source.strip("\n") + "\n")


MISTAKES: list[Mistake] = [
    # ------------------------------------------------------------------ sigmoid
    _m("sigmoid_naive_exp", "sigmoid",
       "1 / (1 + exp(-x)) overflows in exp for x = -1e4 (a RuntimeWarning), so it is not stable.", '''
def sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return 1 / (1 + np.exp(-x))
'''),
    _m("sigmoid_casts_to_float64", "sigmoid",
       "np.asarray(x, dtype=float) turns a float32 input into a float64 output; float32 must stay float32.", '''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
'''),
    _m("sigmoid_sign_split_inplace", "sigmoid",
       "Splits on the sign by writing into x itself (x[neg] = ...), so the caller's array is modified.", '''
def sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    neg = x < 0
    e = np.exp(x[neg])
    x[~neg] = 1 / (1 + np.exp(-x[~neg]))
    x[neg] = e / (1 + e)
    return x
'''),
    # ------------------------------------------------------------------ sigmoid_grad
    _m("sigmoid_grad_of_x", "sigmoid_grad",
       "Applies sigma(s)(1 - sigma(s)) to s, which is already the sigmoid's output: the answer is s(1 - s).", '''
def sigmoid_grad(s):
    return sigmoid(s) * (1 - sigmoid(s))
'''),
    _m("sigmoid_grad_textbook_in_x", "sigmoid_grad",
       "Uses the derivative written through x, e^-x / (1 + e^-x)^2, on the output s instead of s(1 - s).", '''
def sigmoid_grad(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return np.exp(-s) / (1 + np.exp(-s)) ** 2
'''),
    # ------------------------------------------------------------------ softmax
    _m("softmax_axis_0", "softmax",
       "Normalises over axis 0 (the columns of a batch) instead of over each row.", '''
def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=0)
'''),
    _m("softmax_global_max", "softmax",
       "Subtracts the maximum of the whole array, not of each row: a row far below it underflows to 0 / 0.", '''
def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)
'''),
    _m("softmax_inplace_shift", "softmax",
       "x -= x.max(...) shifts the caller's array in place: the values are right but the input is modified.", '''
def softmax(x):
    x -= np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)
'''),
    _m("softmax_no_shift", "softmax",
       "No max shift: exp(1e4) overflows to inf and inf / inf is nan.", '''
def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)
'''),
    _m("softmax_sum_without_keepdims", "softmax",
       "Sums each row without keepdims, so an (N, C) array is divided by an (N,) vector: wrong or a broadcast error.", '''
def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1)
'''),
    _m("softmax_whole_array", "softmax",
       "Normalises by the sum over the whole array: right for 1-D input, but a batch's rows no longer sum to 1.", '''
def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)
'''),
    # ------------------------------------------------------------------ softmax_jacobian
    _m("softmax_jacobian_dot_not_outer", "softmax_jacobian",
       "s @ s.T of a 1-D s is the scalar s.s, not the outer product s s^T: every entry is off.", '''
def softmax_jacobian(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return np.diag(s) - s @ s.T
'''),
    _m("softmax_jacobian_diagonal_only", "softmax_jacobian",
       "Keeps only the diagonal s_i (1 - s_i): the off-diagonal terms -s_i s_j are missing.", '''
def softmax_jacobian(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return np.diag(s * (1 - s))
'''),
    # ------------------------------------------------------------------ one_hot
    _m("one_hot_int_dtype", "one_hot",
       "np.zeros(..., dtype=int) gives integer rows; one_hot must return float64.", '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in [0, {num_classes})")
    Y = np.zeros((len(labels), num_classes), dtype=int)
    Y[np.arange(len(labels)), labels] = 1
    return Y
'''),
    _m("one_hot_eye_no_check", "one_hot",
       "np.eye(C)[labels] never raises ValueError: -1 silently picks the last class, C raises IndexError.", '''
def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]
'''),
    # ------------------------------------------------------------------ binary_cross_entropy
    _m("bce_no_clamp", "binary_cross_entropy",
       "np.log(o) without the clamp: o = 0 gives log(0) = -inf (a RuntimeWarning) and 0 * -inf = nan.", '''
def binary_cross_entropy(o, t):
    return float(-np.mean(t * np.log(o) + (1 - t) * np.log(1 - o)))
'''),
    _m("bce_epsilon_clip", "binary_cross_entropy",
       "Clips o to [1e-7, 1 - 1e-7] (Keras' epsilon) instead of clamping each log at -100: o = 0 costs 16.1, not 100.", '''
def binary_cross_entropy(o, t):
    o = np.clip(o, 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(o) + (1 - t) * np.log(1 - o)))
'''),
    _m("bce_sum_not_mean", "binary_cross_entropy",
       "Sums over the elements instead of taking the mean: the loss grows with the batch.", '''
def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    return float(-np.sum(t * _log(o) + (1 - t) * _log(1 - o)))
'''),
    # ------------------------------------------------------------------ cross_entropy
    _m("cross_entropy_no_mean", "cross_entropy",
       "Sums over the batch: forgets to divide by N, so the loss is not a mean.", '''
def cross_entropy(y_hat, y):
    return float(-np.sum(y * _log(y_hat)))
'''),
    _m("cross_entropy_log_without_clamp", "cross_entropy",
       "np.log(y_hat) without the clamp: a probability of 0 gives -inf, a RuntimeWarning and nan (0 * -inf).", '''
def cross_entropy(y_hat, y):
    return float(-np.sum(y * np.log(y_hat)) / y_hat.shape[0])
'''),
    _m("cross_entropy_keepdims_shape_1", "cross_entropy",
       "keepdims everywhere returns the loss as a shape-(1,) array, not a float.", '''
def cross_entropy(y_hat, y):
    per_row = -np.sum(y * _log(y_hat), axis=1, keepdims=True)
    return np.mean(per_row, axis=0)
'''),
    _m("cross_entropy_mean_over_classes", "cross_entropy",
       "np.mean over all N x C entries divides by N C, not N: the loss is C times too small.", '''
def cross_entropy(y_hat, y):
    return float(-np.mean(y * _log(y_hat)))
'''),
    # ------------------------------------------------------------------ softmax_cross_entropy
    _m("sce_log_of_softmax", "softmax_cross_entropy",
       "log(softmax(z)) instead of log-softmax: a probability that underflows to 0 gives log(0) = -inf.", '''
def softmax_cross_entropy(logits, y):
    return float(-np.sum(y * np.log(softmax(logits))) / logits.shape[0])
'''),
    _m("sce_via_clamped_cross_entropy", "softmax_cross_entropy",
       "cross_entropy(softmax(z), y) inherits the clamp at -100: a loss of 1e4 comes out as 100.", '''
def softmax_cross_entropy(logits, y):
    return cross_entropy(softmax(logits), y)
'''),
    _m("sce_global_max_logsumexp", "softmax_cross_entropy",
       "log-sum-exp shifted by the global maximum: a row far below it underflows and gives log(0).", '''
def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=float)
    z = logits - np.max(logits)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return float(-np.sum(y * log_probs) / logits.shape[0])
'''),
    _m("sce_sum_over_batch", "softmax_cross_entropy",
       "Sums the per-row losses instead of averaging them: not the mean over the batch.", '''
def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits)
    if logits.dtype.kind != "f":
        logits = logits.astype(np.float64)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return float(-np.sum(y * log_probs))
'''),
    # ------------------------------------------------------------------ softmax_cross_entropy_grad
    _m("sce_grad_no_1_over_N", "softmax_cross_entropy_grad",
       "softmax(z) - y is the gradient of the summed loss: the mean loss needs / N.", '''
def softmax_cross_entropy_grad(logits, y):
    return softmax(logits) - y
'''),
    _m("sce_grad_wrong_sign", "softmax_cross_entropy_grad",
       "(y - softmax(z)) / N is the negative gradient (the descent direction), not the gradient.", '''
def softmax_cross_entropy_grad(logits, y):
    N = logits.shape[0]
    return (y - softmax(logits)) / N
'''),
    _m("sce_grad_divides_by_classes", "softmax_cross_entropy_grad",
       "Divides by logits.shape[1] (the number of classes) instead of shape[0] (the batch size).", '''
def softmax_cross_entropy_grad(logits, y):
    return (softmax(logits) - y) / logits.shape[1]
'''),
    # ------------------------------------------------------------------ logistic_regression_grad
    _m("lr_grad_no_1_over_N", "logistic_regression_grad",
       "x^T (o - t) and sum(o - t) are the gradients of the summed loss: the mean BCE needs / N.", '''
def logistic_regression_grad(x, t, w, b):
    o = sigmoid(x @ w + b)
    return x.T @ (o - t), np.sum(o - t)
'''),
    _m("lr_grad_db_shape_1", "logistic_regression_grad",
       "np.sum(..., keepdims=True) makes db a shape-(1,) array; db must be a scalar.", '''
def logistic_regression_grad(x, t, w, b):
    N = x.shape[0]
    o = sigmoid(x @ w + b)
    dw = x.T @ (o - t) / N
    db = np.sum(o - t, keepdims=True) / N
    return dw, db
'''),
    _m("lr_grad_t_as_column", "logistic_regression_grad",
       "Reshapes t to a column (N, 1), so o - t broadcasts to an (N, N) matrix and dw comes out (D, N).", '''
def logistic_regression_grad(x, t, w, b):
    N = x.shape[0]
    t = t.reshape(-1, 1)
    o = sigmoid(x @ w + b)
    dw = x.T @ (o - t) / N
    db = np.mean(o - t)
    return dw, db
'''),
    # ------------------------------------------------------------------ two_layer_forward
    _m("forward_forgets_b1", "two_layer_forward",
       "z1 = x W1 without + b1: the hidden layer's bias is left out.", '''
def two_layer_forward(x, W1, b1, W2, b2):
    h = sigmoid(x @ W1)
    return softmax(h @ W2 + b2)
'''),
    _m("forward_sigmoid_output", "two_layer_forward",
       "Ends with a sigmoid instead of a softmax: the rows of y_hat do not sum to 1.", '''
def two_layer_forward(x, W1, b1, W2, b2):
    h = sigmoid(x @ W1 + b1)
    return sigmoid(h @ W2 + b2)
'''),
    _m("forward_column_convention", "two_layer_forward",
       "Uses the column-vector convention (W^T x): returns (Dy, N) instead of (N, Dy), normalised over the wrong axis.", '''
def two_layer_forward(x, W1, b1, W2, b2):
    z1 = W1.T @ x.T + b1[:, None]
    h = sigmoid(z1)
    z2 = W2.T @ h + b2[:, None]
    return softmax(z2)
'''),
    # ------------------------------------------------------------------ two_layer_grad_x
    _m("grad_x_no_1_over_N", "two_layer_grad_x",
       "Back-propagates y_hat - y without / N: the gradient of the summed, not the mean, loss.", '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz1 = (y_hat - y) @ W2.T * sigmoid_grad(h)
    return dz1 @ W1.T
'''),
    _m("grad_x_sigmoid_grad_of_z1", "two_layer_grad_x",
       "Calls sigmoid_grad(z1), but sigmoid_grad takes the sigmoid's output h = sigmoid(z1).", '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    z1 = x @ W1 + b1
    h = sigmoid(z1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(z1)
    return dz1 @ W1.T
'''),
    _m("grad_x_forgets_b1", "two_layer_grad_x",
       "The forward pass inside leaves out b1, so every gradient is taken at the wrong point.", '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return dz1 @ W1.T
'''),
    _m("grad_x_W1_not_transposed", "two_layer_grad_x",
       "dz1 @ W1 instead of dz1 @ W1.T: only works (by luck) when Dx = H.", '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return dz1 @ W1
'''),
    # ------------------------------------------------------------------ two_layer_grads
    _m("grads_b1_not_summed", "two_layer_grads",
       "Returns dz1 itself, shape (N, H), for db1: the bias gradient sums dz1 over the batch.", '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1, "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
'''),
    _m("grads_b2_mean_after_1_over_N", "two_layer_grads",
       "dz2 is already divided by N; taking its mean for db2 divides by N a second time.", '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.mean(axis=0)}
'''),
    _m("grads_forget_b1", "two_layer_grads",
       "The forward pass inside leaves out b1, so every gradient is taken at the wrong point.", '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
'''),
    _m("grads_no_1_over_N", "two_layer_grads",
       "Back-propagates y_hat - y without / N: gradients of the summed loss, N times too large.", '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = y_hat - y
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
'''),
    # ------------------------------------------------------------------ num_params
    _m("num_params_without_biases", "num_params",
       "Counts the weights only, Dx H + H Dy: the H + Dy biases are parameters too.", '''
def num_params(Dx, H, Dy):
    for n in (Dx, H, Dy):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"every size must be a positive integer; got {n!r}")
    return int(Dx * H + H * Dy)
'''),
    _m("num_params_only_checks_positive", "num_params",
       "Only checks n > 0: a float such as 3.0 or a bool True passes as a size.", '''
def num_params(Dx, H, Dy):
    if Dx <= 0 or H <= 0 or Dy <= 0:
        raise ValueError("sizes must be positive")
    return (Dx + 1) * H + (H + 1) * Dy
'''),
    # ------------------------------------------------------------------ numerical_gradient
    _m("numgrad_one_sided", "numerical_gradient",
       "(f(x + h) - f(x)) / h is a one-sided difference with an O(h) error: centred differences are asked.", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
'''),
    _m("numgrad_add_subtract_drift", "numerical_gradient",
       "x += h; x -= 2h; x += h does not restore x bit for bit (rounding drifts): save and restore the value.", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        x[i] += h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
'''),
    _m("numgrad_rows_not_entries", "numerical_gradient",
       "Loops over range(len(x)), so a 2-D x is perturbed a whole row at a time: wrong for 2-D x.", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
'''),
    # ------------------------------------------------------------------ gradient_check
    _m("gradcheck_absolute_error", "gradient_check",
       "Reports the absolute error max |a - n|, not the relative error |a - n| / max(1e-8, |a| + |n|).", '''
def gradient_check(f, grad, x, tol=1e-5):
    n = numerical_gradient(f, x)
    a = grad(x)
    max_error = float(np.max(np.abs(a - n)))
    return max_error < tol, max_error
'''),
    _m("gradcheck_max_denominator", "gradient_check",
       "Divides by max(|a|, |n|) (another course's convention), not by |a| + |n| as asked.", '''
def gradient_check(f, grad, x, tol=1e-5):
    n = numerical_gradient(f, x)
    a = grad(x)
    rel = np.abs(a - n) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(n)))
    max_rel_error = float(np.max(rel))
    return max_rel_error < tol, max_rel_error
'''),
    _m("gradcheck_pair_reversed", "gradient_check",
       "Returns (max_rel_error, passed) instead of (passed, max_rel_error).", '''
def gradient_check(f, grad, x, tol=1e-5):
    n = numerical_gradient(f, x)
    a = grad(x)
    rel = np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))
    max_rel_error = float(np.max(rel))
    return max_rel_error, max_rel_error < tol
'''),
    # ------------------------------------------------------------------ majority_dataset
    _m("majority_tie_counts_as_one", "majority_dataset",
       ">= n_bits / 2 labels a tie 1: the label is 1 only with MORE ones than zeros.", '''
def majority_dataset(n_bits=10):
    X = torch.tensor(list(itertools.product([0.0, 1.0], repeat=n_bits)), dtype=torch.float32)
    y = (X.sum(dim=1) >= n_bits / 2).float()
    return X, y
'''),
    _m("majority_from_numpy_float64", "majority_dataset",
       "torch.from_numpy on a NumPy float array gives float64 tensors; X and y must be float32.", '''
def majority_dataset(n_bits=10):
    bits = np.array(list(itertools.product([0, 1], repeat=n_bits)), dtype=float)
    X = torch.from_numpy(bits)
    y = torch.from_numpy((bits.sum(axis=1) > n_bits / 2).astype(float))
    return X, y
'''),
    _m("majority_random_strings", "majority_dataset",
       "Draws 2**n random bit strings: some repeat and others are missing; every string must appear once.", '''
def majority_dataset(n_bits=10):
    X = torch.randint(0, 2, (2 ** n_bits, n_bits)).float()
    y = (X.sum(dim=1) > n_bits / 2).float()
    return X, y
'''),
    # ------------------------------------------------------------------ build_model
    _m("model_output_B_by_1", "build_model",
       "Linear + Sigmoid outputs shape (B, 1): the model must map a batch to (B,) probabilities.", '''
def build_model(n_bits):
    return nn.Sequential(nn.Linear(n_bits, 1), nn.Sigmoid())
'''),
    _m("model_softmax_one_output", "build_model",
       "A softmax over a single output is always 1: the binary output needs a sigmoid.", '''
def build_model(n_bits):
    return nn.Sequential(nn.Linear(n_bits, 1), nn.Softmax(dim=1), nn.Flatten(0))
'''),
    # ------------------------------------------------------------------ train
    _m("train_without_zero_grad", "train",
       "Never calls optimizer.zero_grad(): each step uses the sum of all gradients so far.", '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    g = torch.Generator().manual_seed(seed)
    losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return losses
'''),
    _m("train_shuffles_once", "train",
       "Draws one permutation before the epoch loop: every epoch sees the same mini-batches.", '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(X), generator=g)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return losses
'''),
    _m("train_mean_of_batch_losses", "train",
       "Averages the batch losses with equal weight: a short last batch counts as much as a full one.", '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    g = torch.Generator().manual_seed(seed)
    losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        batch_losses = []
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses
'''),
    _m("train_ignores_seed", "train",
       "torch.randperm without the seeded generator: the same seed does not give the same run.", '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return losses
'''),
    _m("train_losses_are_tensors", "train",
       "Accumulates loss * len(idx) as tensors, not loss.item(): the losses come back as tensors, not floats.", '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    g = torch.Generator().manual_seed(seed)
    losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(idx)
        losses.append(total / len(X))
    return losses
'''),
    # ------------------------------------------------------------------ predict
    _m("predict_returns_probabilities", "predict",
       "Returns the model's probabilities, not the 0/1 labels thresholded at 0.5.", '''
def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        p = model(X.to(device))
    return p.cpu()
'''),
    _m("predict_returns_numpy", "predict",
       "Returns a NumPy array (.numpy()): predict must return a CPU tensor.", '''
def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        p = model(X.to(device))
    return (p > 0.5).long().cpu().numpy()
'''),
]


def main(out: str) -> int:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for mistake in MISTAKES:
        header = f"# typical mistake {mistake.name} in {mistake.function}: {mistake.why}\n"
        (folder / f"{mistake.name}.py").write_text(header + build_source(mistake))
    print(f"wrote {len(MISTAKES)} submissions to {folder}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python tests/submissions/typical.py OUT_DIR")
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1]))

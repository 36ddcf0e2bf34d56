"""Buggy submissions: one classic mistake each, as a replacement for one function of correct/base.py.

A buggy submission is ``correct/base.py`` with ``Bug.source`` appended: the appended definition
overrides the base's function of the same name. In base.py every function is self-contained (the
network, loss and gradient functions compute sigmoid / softmax inline; gradient_check does its own
differences), so a bug breaks exactly the functions in ``breaks``, and every other function of the
submission must keep full marks.

The comment above each entry records what the verification (against SPEC.md and PyTorch float64
autograd, with read-only inputs and every warning turned into an error) observed.
"""

from dataclasses import dataclass
from pathlib import Path

BASE = Path(__file__).resolve().parent / "correct" / "base.py"


@dataclass(frozen=True)
class Bug:
    name: str
    breaks: frozenset
    source: str
    why: str


def build_source(bug: Bug) -> str:
    """The complete source of the buggy submission: base.py followed by the bug's definition."""
    return BASE.read_text() + "\n\n# --- injected bug: " + bug.name + "\n" + bug.source


def _b(name, breaks, source, why):
    return Bug(name, frozenset(breaks), source.strip("\n") + "\n", why)


BUGS: list[Bug] = [
    # ------------------------------------------------------------------ part 1: activations
    # Seen: RuntimeWarning 'overflow encountered in exp' at x = -1e4 (f64) and x = -1e3 (f32).
    _b("sigmoid_naive_exp", {"sigmoid"}, '''
def sigmoid(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return 1 / (1 + np.exp(-x))
''', "1 / (1 + exp(-x)) evaluates exp(1e4), which overflows, so a grader that turns warnings into errors at |x| = 1e4 sees a RuntimeWarning."),

    # Seen: float32 (5, 7) input -> float64 output.
    _b("sigmoid_upcasts_float32", {"sigmoid"}, '''
def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
''', "Converts every input to float64, so the dtype check on a float32 input fails."),

    # Seen: values off by up to 0.25 (sigmoid_grad(0.5) = 0.235 instead of 0.25).
    _b("sigmoid_grad_of_output", {"sigmoid_grad"}, '''
def sigmoid_grad(s):
    s = np.asarray(s, dtype=np.float64) if not np.issubdtype(np.asarray(s).dtype, np.floating) else np.asarray(s)
    sig = 1 / (1 + np.exp(-s))
    return sig * (1 - sig)
''', "Computes sigma(s)(1 - sigma(s)) although s is already the sigmoid's output (the answer is s(1 - s)), so every value differs from autograd's."),

    # Seen: float32 input -> float64 output.
    _b("sigmoid_grad_upcasts", {"sigmoid_grad"}, '''
def sigmoid_grad(s):
    s = np.array(s, dtype=float)
    return s * (1 - s)
''', "Casts s to float64, so the dtype check on a float32 input fails."),

    # Seen: RuntimeWarning 'overflow encountered in exp' (then inf/inf = nan) at |x| = 1e4.
    _b("softmax_no_max_shift", {"softmax"}, '''
def softmax(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)
''', "Without subtracting the row maximum exp overflows for logits of 1e4, which the stability test sees as a RuntimeWarning and nan."),

    # Seen: row [0, 1] next to row [1000, 1001]: 'invalid value encountered in divide', nan row.
    _b("softmax_global_max", {"softmax"}, '''
def softmax(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)
''', "Subtracts one global maximum instead of each row's, so a row far below it underflows to 0/0 = nan, caught by a batch whose rows are far apart."),

    # Seen: (5, 7) input: ValueError 'could not be broadcast together with shapes (5,7) (5,)'; square (3, 3) input: values off by 0.99.
    _b("softmax_max_without_keepdims", {"softmax"}, '''
def softmax(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=-1))
    return e / np.sum(e, axis=-1, keepdims=True)
''', "np.max(x, axis=-1) without keepdims has shape (N,) and broadcasts along the wrong axis: an error for non-square input, wrong values for square input."),

    # Seen: 2-D values off (columns sum to one); 1-D results are still right.
    _b("softmax_axis0", {"softmax"}, '''
def softmax(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
''', "Normalises over axis 0 (the batch) instead of over each row, caught by any 2-D comparison with torch.softmax(dim=-1)."),

    # Seen: 1-D input: AxisError 'axis 1 is out of bounds for array of dimension 1'.
    _b("softmax_2d_only", {"softmax"}, '''
def softmax(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
''', "Hard-codes axis=1, so the 1-D case that SPEC requires raises."),

    # Seen: read-only input: ValueError 'output array is read-only'; a writable input is overwritten.
    _b("softmax_in_place", {"softmax"}, '''
def softmax(x):
    x -= np.max(x, axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= np.sum(x, axis=-1, keepdims=True)
    return x
''', "Shifts and exponentiates the caller's array in place, which raises on the read-only arrays graders pass (and corrupts writable ones)."),

    # Seen: J[i, j] = delta_ij s_i - s_j**2: off-diagonal entries wrong (max error 0.72 for C = 5).
    _b("softmax_jacobian_no_outer", {"softmax_jacobian"}, '''
def softmax_jacobian(s):
    s = np.asarray(s) if np.issubdtype(np.asarray(s).dtype, np.floating) else np.asarray(s, dtype=np.float64)
    return np.diag(s) - s * s
''', "Writes s * s (element-wise square, broadcast along rows) where the outer product s s^T belongs, so the comparison with autograd's Jacobian fails."),

    # Seen: diagonal is -s_i**2 instead of s_i (1 - s_i) (max error 0.85 for C = 5).
    _b("softmax_jacobian_missing_diag", {"softmax_jacobian"}, '''
def softmax_jacobian(s):
    s = np.asarray(s) if np.issubdtype(np.asarray(s).dtype, np.floating) else np.asarray(s, dtype=np.float64)
    return -np.outer(s, s)
''', "Forgets the delta_ij s_i term, so the diagonal differs from autograd's Jacobian."),

    # Seen: off-diagonal entries 0 instead of -s_i s_j.
    _b("softmax_jacobian_diagonal_only", {"softmax_jacobian"}, '''
def softmax_jacobian(s):
    s = np.asarray(s) if np.issubdtype(np.asarray(s).dtype, np.floating) else np.asarray(s, dtype=np.float64)
    return np.diag(s * (1 - s))
''', "Treats the softmax as element-wise and keeps only the diagonal s_i (1 - s_i), so every off-diagonal entry is wrong."),

    # ------------------------------------------------------------------ part 2: losses
    # Seen: labels [0, 4], C = 4: IndexError instead of ValueError; labels [-1, 0]: no error, last column set.
    _b("one_hot_no_range_check", {"one_hot"}, '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out
''', "Does not validate labels, so the out-of-range tests get an IndexError or a silent wrap-around instead of the ValueError SPEC requires."),

    # Seen: labels [-1, 0], C = 4: returns [0, 0, 0, 1] for the first row, no ValueError.
    _b("one_hot_negative_allowed", {"one_hot"}, '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any(labels >= num_classes):
        raise ValueError("label out of range")
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out
''', "Only checks the upper bound, so a negative label wraps around to the last class instead of raising ValueError."),

    # Seen: labels [0, 4], C = 4: IndexError instead of ValueError.
    _b("one_hot_off_by_one_bound", {"one_hot"}, '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any(labels < 0) or np.any(labels > num_classes):
        raise ValueError("label out of range")
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out
''', "Tests label > C instead of label >= C, so a label equal to C escapes the ValueError and fails with an IndexError."),

    # Seen: dtype int64 instead of float64.
    _b("one_hot_int_dtype", {"one_hot"}, '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError("label out of range")
    out = np.zeros((labels.shape[0], num_classes), dtype=int)
    out[np.arange(labels.shape[0]), labels] = 1
    return out
''', "Builds the one-hot matrix with an integer dtype, but SPEC requires float64 rows, so the dtype check fails."),

    # Seen: loss 35x too large on a (5, 7) batch.
    _b("bce_sum_not_mean", {"binary_cross_entropy"}, '''
def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    with np.errstate(divide="ignore"):
        lo, l1o = np.maximum(np.log(o), -100), np.maximum(np.log(1 - o), -100)
    return np.sum(-(t * lo + (1 - t) * l1o))
''', "Sums the per-element losses instead of averaging them, so the value is N*D times torch's BCELoss."),

    # Seen: o in {0, 1}: RuntimeWarning 'divide by zero encountered in log'; loss inf (o = 0, t = 1) or nan (0 * -inf).
    _b("bce_no_clamp", {"binary_cross_entropy"}, '''
def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    return np.mean(-(t * np.log(o) + (1 - t) * np.log(1 - o)))
''', "Takes log(0) at a probability of exactly 0 or 1 (a valid input), which warns and gives inf/nan where BCELoss gives a finite clamped loss."),

    # Seen: o = 0, t = 1: 16.12 (= -log 1e-7) instead of the clamped 100.
    _b("bce_epsilon_clip", {"binary_cross_entropy"}, '''
def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    o = np.clip(o, 1e-7, 1 - 1e-7)
    return np.mean(-(t * np.log(o) + (1 - t) * np.log(1 - o)))
''', "Clips probabilities to [1e-7, 1 - 1e-7] (Keras style) instead of clamping the log at -100, so the test at o = 0 / 1 gets the wrong finite value."),

    # Seen: values off on random o, t.
    _b("bce_swapped_terms", {"binary_cross_entropy"}, '''
def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    with np.errstate(divide="ignore"):
        lo, l1o = np.maximum(np.log(o), -100), np.maximum(np.log(1 - o), -100)
    return np.mean(-(t * l1o + (1 - t) * lo))
''', "Pairs t with log(1 - o) and (1 - t) with log(o), the loss of the opposite label, so random inputs disagree with BCELoss."),

    # Seen: loss N times too large for N = 5 (right only for N = 1).
    _b("ce_sum_over_batch", {"cross_entropy"}, '''
def cross_entropy(y_hat, y):
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(y_hat), -100)
    return np.sum(-y * log_p)
''', "Forgets the 1/N and returns the summed loss; any batch with N > 1 disagrees with the mean-reduced oracle."),

    # Seen: loss C times too small.
    _b("ce_mean_over_all_entries", {"cross_entropy"}, '''
def cross_entropy(y_hat, y):
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(y_hat), -100)
    return np.mean(-y * log_p)
''', "np.mean over the (N, C) array divides by N*C instead of N."),

    # Seen: y_hat with exact zeros: RuntimeWarning 'divide by zero encountered in log', loss nan.
    _b("ce_no_clamp", {"cross_entropy"}, '''
def cross_entropy(y_hat, y):
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    return -np.sum(y * np.log(y_hat)) / y_hat.shape[0]
''', "Takes log(0) for a predicted probability of exactly 0 (valid input), which warns and gives 0 * -inf = nan."),

    # Seen: logits spread by 1e4 (f64) / 1e3 (f32): 'divide by zero encountered in log', loss nan.
    _b("sce_log_of_softmax", {"softmax_cross_entropy"}, '''
def softmax_cross_entropy(logits, y):
    logits, y = np.asarray(logits), np.asarray(y)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    return -np.sum(y * np.log(p)) / logits.shape[0]
''', "Takes log(softmax(z)) instead of the log-softmax: with widely spread logits a probability underflows to 0, so the stability test sees a warning and nan."),

    # Seen: logits of 1e4: 'overflow encountered in exp', loss nan.
    _b("sce_logsumexp_unshifted", {"softmax_cross_entropy"}, '''
def softmax_cross_entropy(logits, y):
    logits, y = np.asarray(logits), np.asarray(y)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(y * log_probs) / logits.shape[0]
''', "Computes log-sum-exp without subtracting the maximum, so exp overflows in the stability test."),

    # Seen: gradient N times too large for N = 5.
    _b("sce_grad_missing_1_over_n", {"softmax_cross_entropy_grad"}, '''
def softmax_cross_entropy_grad(logits, y):
    logits, y = np.asarray(logits), np.asarray(y)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True) - y
''', "Returns softmax - y, the gradient of the summed loss, so autograd of the mean loss disagrees for N > 1."),

    # Seen: gradient has the opposite sign.
    _b("sce_grad_sign_flipped", {"softmax_cross_entropy_grad"}, '''
def softmax_cross_entropy_grad(logits, y):
    logits, y = np.asarray(logits), np.asarray(y)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return (y - e / np.sum(e, axis=1, keepdims=True)) / logits.shape[0]
''', "Writes (y - y_hat) / N, the negative gradient, so every entry disagrees with autograd."),

    # Seen: dw N times too large (6x for N = 6); db right.
    _b("logreg_dw_missing_1_over_n", {"logistic_regression_grad"}, '''
def logistic_regression_grad(x, t, w, b):
    x, t, w = np.asarray(x), np.asarray(t), np.asarray(w)
    o = np.exp(-np.logaddexp(0, -(x @ w + b)))
    return x.T @ (o - t), np.mean(o - t)
''', "Divides db by N (np.mean) but forgets the 1/N in dw, so dw disagrees with autograd for N > 1."),

    # Seen: db N times too large (6x for N = 6); dw right.
    _b("logreg_db_summed", {"logistic_regression_grad"}, '''
def logistic_regression_grad(x, t, w, b):
    x, t, w = np.asarray(x), np.asarray(t), np.asarray(w)
    o = np.exp(-np.logaddexp(0, -(x @ w + b)))
    return x.T @ (o - t) / x.shape[0], np.sum(o - t)
''', "Sums o - t for db instead of averaging it, so db disagrees with autograd for N > 1."),

    # Seen: dw has shape (4, 6) instead of (4,).
    _b("logreg_column_broadcast", {"logistic_regression_grad"}, '''
def logistic_regression_grad(x, t, w, b):
    x, t, w = np.asarray(x), np.asarray(t), np.asarray(w)
    z = x @ w.reshape(-1, 1) + b
    o = np.exp(-np.logaddexp(0, -z))
    r = o - t
    return x.T @ r / x.shape[0], np.mean(r)
''', "Makes w a column, so o is (N, 1) and o - t silently broadcasts to an (N, N) matrix: dw comes back (D, N)."),

    # Seen: x of magnitude 1e4: 'overflow encountered in exp'.
    _b("logreg_naive_sigmoid", {"logistic_regression_grad"}, '''
def logistic_regression_grad(x, t, w, b):
    x, t, w = np.asarray(x), np.asarray(t), np.asarray(w)
    o = 1 / (1 + np.exp(-(x @ w + b)))
    return x.T @ (o - t) / x.shape[0], np.mean(o - t)
''', "Uses the naive sigmoid 1 / (1 + exp(-z)), which overflows with a RuntimeWarning when a grader feeds inputs of magnitude 1e4 (SPEC: no RuntimeWarning on any valid input)."),

    # ------------------------------------------------------------------ part 3: two-layer network
    # Seen: output probabilities off (max error 0.58).
    _b("forward_forgets_b2", {"two_layer_forward"}, '''
def two_layer_forward(x, W1, b1, W2, b2):
    x = np.asarray(x) if np.issubdtype(np.asarray(x).dtype, np.floating) else np.asarray(x, dtype=np.float64)
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
''', "Forgets the output bias b2, so y_hat disagrees with the PyTorch forward pass."),

    # Seen: values off; with N = 1 every output is 1.0.
    _b("forward_softmax_over_batch", {"two_layer_forward"}, '''
def two_layer_forward(x, W1, b1, W2, b2):
    x = np.asarray(x) if np.issubdtype(np.asarray(x).dtype, np.floating) else np.asarray(x, dtype=np.float64)
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
''', "Normalises the output softmax over the batch axis instead of over the classes."),

    # Seen: x of magnitude 1e4: 'overflow encountered in exp' in the hidden sigmoid.
    _b("forward_naive_sigmoid", {"two_layer_forward"}, '''
def two_layer_forward(x, W1, b1, W2, b2):
    x = np.asarray(x) if np.issubdtype(np.asarray(x).dtype, np.floating) else np.asarray(x, dtype=np.float64)
    h = 1 / (1 + np.exp(-(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
''', "Uses the naive hidden sigmoid, which overflows with a RuntimeWarning when a grader feeds inputs of magnitude 1e4 (SPEC: no RuntimeWarning on any valid input)."),

    # Seen: H = 4, Dy = 3: ValueError 'matmul: ... mismatch in its core dimension'; H == Dy: wrong values.
    _b("grad_x_W2_not_transposed", {"two_layer_grad_x"}, '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    dz1 = (dz2 @ W2) * h * (1 - h)
    return dz1 @ W1.T
''', "Back-propagates through W2 instead of W2^T, which raises for H != Dy (the shapes graders use) and is wrong when H == Dy."),

    # Seen: values off (max error 0.2).
    _b("grad_x_sigma_prime_of_h", {"two_layer_grad_x"}, '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    sh = np.exp(-np.logaddexp(0, -h))
    dz1 = (dz2 @ W2.T) * sh * (1 - sh)
    return dz1 @ W1.T
''', "Applies the sigmoid derivative to h = sigma(z1) as if it were the pre-activation, sigma(h)(1 - sigma(h)) instead of h(1 - h), so autograd disagrees."),

    # Seen: values off (max error 1.1).
    _b("grad_x_missing_sigma_prime", {"two_layer_grad_x"}, '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    return (dz2 @ W2.T) @ W1.T
''', "Forgets to multiply by sigma'(z1) when going back through the hidden sigmoid, so autograd disagrees."),

    # Seen: gradient N times too large (5x for N = 5).
    _b("grad_x_missing_1_over_n", {"two_layer_grad_x"}, '''
def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = e / np.sum(e, axis=1, keepdims=True) - y
    return ((dz2 @ W2.T) * h * (1 - h)) @ W1.T
''', "Forgets the 1/N of the mean loss, so autograd disagrees for N > 1."),

    # Seen: grads['b1'] has shape (5, 4) instead of (4,).
    _b("grads_b1_not_summed", {"two_layer_grads"}, '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return {"W1": x.T @ dz1, "b1": dz1, "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
''', "Returns the per-example b1 gradients (N, H) without summing over the batch, so the shape check fails."),

    # Seen: grads['W2'] off (max error 1.7); the other three keys right.
    _b("grads_W2_uses_preactivation", {"two_layer_grads"}, '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    z1 = x @ W1 + b1
    h = np.exp(-np.logaddexp(0, -z1))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": z1.T @ dz2, "b2": dz2.sum(axis=0)}
''', "Uses the pre-activation z1 instead of h = sigma(z1) in dW2 = h^T dz2, so dW2 disagrees with autograd."),

    # Seen: grads['b2'] N times too small (x0.2 for N = 5); the other keys right.
    _b("grads_b2_double_mean", {"two_layer_grads"}, '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.mean(axis=0)}
''', "Averages dz2 over the batch for db2 although dz2 already carries the 1/N."),

    # Seen: every gradient N times too large (5x for N = 5).
    _b("grads_missing_1_over_n", {"two_layer_grads"}, '''
def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = e / np.sum(e, axis=1, keepdims=True) - y
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
''', "Returns the gradients of the summed loss instead of the mean loss, so all four disagree with autograd for N > 1."),

    # Seen: num_params(3, 4, 2) = 20 instead of 26.
    _b("num_params_no_biases", {"num_params"}, '''
def num_params(Dx, H, Dy):
    for v in (Dx, H, Dy):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError("sizes must be positive integers")
    return int(Dx * H + H * Dy)
''', "Counts only the weights, Dx*H + H*Dy, and forgets the H + Dy biases."),

    # Seen: num_params(3.0, 4, 2) returns 26, no ValueError.
    _b("num_params_accepts_floats", {"num_params"}, '''
def num_params(Dx, H, Dy):
    if min(Dx, H, Dy) <= 0:
        raise ValueError("sizes must be positive")
    return int((Dx + 1) * H + (H + 1) * Dy)
''', "Validates only the sign, so floats such as 3.0 (and bools) are accepted instead of raising ValueError."),

    # Seen: num_params(True, 4, 2) returns 18, no ValueError.
    _b("num_params_accepts_bool", {"num_params"}, '''
def num_params(Dx, H, Dy):
    for v in (Dx, H, Dy):
        if not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError("sizes must be positive integers")
    return int((Dx + 1) * H + (H + 1) * Dy)
''', "isinstance(True, int) holds, so a bool passes the integer check that SPEC says must reject it."),

    # Seen: num_params(np.int64(3), np.int32(4), 2) raises ValueError.
    _b("num_params_rejects_numpy_ints", {"num_params"}, '''
def num_params(Dx, H, Dy):
    for v in (Dx, H, Dy):
        if type(v) is not int or v <= 0:
            raise ValueError("sizes must be positive integers")
    return (Dx + 1) * H + (H + 1) * Dy
''', "Checks type(v) is int, so the NumPy integers SPEC explicitly allows are rejected."),

    # Seen: num_params(0, 4, 2) returns 14, no ValueError.
    _b("num_params_accepts_zero", {"num_params"}, '''
def num_params(Dx, H, Dy):
    for v in (Dx, H, Dy):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError("sizes must be non-negative integers")
    return int((Dx + 1) * H + (H + 1) * Dy)
''', "Rejects only negative sizes (v < 0), so a zero-sized layer is accepted although SPEC requires positive sizes."),

    # ------------------------------------------------------------------ part 4: checking gradients
    # Seen: f = sum(sin x + x^3 / 3): max error 1.8e-5, far outside rtol 1e-6 / atol 1e-8.
    _b("numgrad_forward_difference", {"numerical_gradient"}, '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
''', "Uses the forward difference (f(x + h) - f(x)) / h, whose O(h) error is visible against an analytic gradient of a non-quadratic f."),

    # Seen: x changed after the call (5 of 12 entries off by 1 ulp).
    _b("numgrad_drifts_x", {"numerical_gradient"}, '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        f_plus = f(x)
        x[idx] -= 2 * h
        f_minus = f(x)
        x[idx] += h
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''', "Restores x by x += h; x -= 2h; x += h, which rounds, so the bit-for-bit comparison of x before and after fails."),

    # Seen: x left at x - h in every entry.
    _b("numgrad_never_restores", {"numerical_gradient"}, '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''', "Forgets to put the saved value back, so x is left changed (and later entries are differentiated at the wrong point)."),

    # Seen: 2-D x: values off (whole rows perturbed at once); 1-D x still right.
    _b("numgrad_1d_only", {"numerical_gradient"}, '''
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
''', "Loops over x[i] as if x were 1-D; for a 2-D x this perturbs a whole row at once, so 2-D results are wrong."),

    # Seen: gradient exactly 2x too large.
    _b("numgrad_divides_by_h", {"numerical_gradient"}, '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / h
    return grad
''', "Divides the centred difference by h instead of 2h."),

    # Seen: gradient x1.1: error 0.83 instead of 0.0476; 1e7-scaled correct gradient: passed False; 1e-6-scaled gradient wrong by 2x: passed True.
    _b("gradcheck_absolute_error", {"gradient_check"}, '''
def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5
    numeric = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    err = float(np.max(np.abs(np.asarray(grad(x)) - numeric)))
    return err < tol, err
''', "Reports the absolute instead of the relative error, so max_rel_error has the wrong value and the verdict depends on the scale of f."),

    # Seen: gradient x1.1: passed True (error 0.0476).
    _b("gradcheck_always_passes", {"gradient_check"}, '''
def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5
    numeric = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    a = np.asarray(grad(x))
    err = float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric))))
    return True, err
''', "Always returns passed=True, so a deliberately wrong gradient is not flagged."),

    # Seen: analytic gradient 10 % too small everywhere: error -0.0526, passed True.
    _b("gradcheck_signed_error", {"gradient_check"}, '''
def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5
    numeric = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    a = np.asarray(grad(x))
    err = float(np.max((a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric))))
    return err < tol, err
''', "Drops the absolute value in |a - n|, so an analytic gradient that is too small gives a negative error and passes."),

    # Seen: f = 0, grad = 0: 'invalid value encountered in divide', error nan, passed False.
    _b("gradcheck_no_denominator_floor", {"gradient_check"}, '''
def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5
    numeric = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    a = np.asarray(grad(x))
    err = float(np.max(np.abs(a - numeric) / (np.abs(a) + np.abs(numeric))))
    return err < tol, err
''', "Omits the max(1e-8, .) floor, so entries where both gradients are 0 give 0/0 = nan with a warning instead of 0 and passed=True."),

    # Seen: gradient x1.1: error 0.0909 (= 0.1 / 1.1) instead of SPEC's 0.0476 (= 0.1 / 2.1).
    _b("gradcheck_max_denominator", {"gradient_check"}, '''
def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5
    numeric = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    a = np.asarray(grad(x))
    err = float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(numeric)))))
    return err < tol, err
''', "Divides by max(|a|, |n|) instead of SPEC's |a| + |n|, so max_rel_error is about twice SPEC's value."),

    # ------------------------------------------------------------------ part 5: PyTorch
    # Seen: n_bits = 10: labels differ on the 252 strings with five ones.
    _b("majority_ties_are_one", {"majority_dataset"}, '''
def majority_dataset(n_bits=10):
    codes = torch.arange(2**n_bits)
    X = ((codes.unsqueeze(1) >> torch.arange(n_bits)) & 1).to(torch.float32)
    y = (X.sum(dim=1) >= n_bits / 2).to(torch.float32)
    return X, y
''', "Uses >= instead of >, labelling a tie (as many ones as zeros) 1 instead of 0."),

    # Seen: X and y are torch.float64.
    _b("majority_float64", {"majority_dataset"}, '''
def majority_dataset(n_bits=10):
    codes = torch.arange(2**n_bits)
    X = ((codes.unsqueeze(1) >> torch.arange(n_bits)) & 1).double()
    y = (X.sum(dim=1) > n_bits / 2).double()
    return X, y
''', "Returns float64 tensors, but SPEC requires float32 features and labels."),

    # Seen: y has shape (1024, 1) instead of (1024,).
    _b("majority_labels_column", {"majority_dataset"}, '''
def majority_dataset(n_bits=10):
    codes = torch.arange(2**n_bits)
    X = ((codes.unsqueeze(1) >> torch.arange(n_bits)) & 1).to(torch.float32)
    y = (X.sum(dim=1, keepdim=True) > n_bits / 2).to(torch.float32)
    return X, y
''', "Keeps the summed dimension, so the labels are a (2**n, 1) column instead of a (2**n,) vector."),

    # Seen: only ~660 distinct rows among the 1024.
    _b("majority_random_sample", {"majority_dataset"}, '''
def majority_dataset(n_bits=10):
    X = torch.randint(0, 2, (2**n_bits, n_bits)).to(torch.float32)
    y = (X.sum(dim=1) > n_bits / 2).to(torch.float32)
    return X, y
''', "Draws 2**n random bit strings with replacement instead of enumerating each string exactly once."),

    # Seen: outputs in [-0.75, 0.49] on the 1024 strings (and far outside [0, 1] on scaled inputs).
    _b("model_without_sigmoid", {"build_model"}, '''
def build_model(n_bits):
    return torch.nn.Sequential(torch.nn.Linear(n_bits, 1), torch.nn.Flatten(start_dim=0))
''', "Returns logits: the model has no sigmoid, so its outputs are not probabilities."),

    # Seen: output shape (1024, 1) / (1, 1) instead of (1024,) / (1,).
    _b("model_output_column", {"build_model"}, '''
def build_model(n_bits):
    return torch.nn.Sequential(torch.nn.Linear(n_bits, 1), torch.nn.Sigmoid())
''', "Leaves the Linear layer's trailing dimension: the model maps (B, n) to (B, 1) instead of (B,)."),

    # Seen: same losses for seeds 0 and 1; one forward call of 1024 rows per epoch at batch_size 100; default accuracy 82 %.
    _b("train_full_batch", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, y = X.to(device), y.to(device)
    losses = []
    for _ in range(epochs):
        loss = torch.nn.functional.binary_cross_entropy(model(X).reshape(y.shape), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
''', "Ignores batch_size and takes one full-batch step per epoch, caught by recording batch sizes in a forward hook (and by the accuracy check)."),

    # Seen: batch_size 100: every epoch visits the rows in the same order.
    _b("train_shuffles_once", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(X.shape[0], generator=generator)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / X.shape[0])
    return losses
''', "Shuffles once before the first epoch and reuses that order, caught by a grader that records the batches of two epochs and compares them."),

    # Seen: batch_size 100: epoch loss 0.688605 vs example-weighted mean of batch losses 0.688745.
    _b("train_unweighted_epoch_mean", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        batch_losses = []
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses
''', "Averages batch losses without weighting by batch size, caught with batch_size 100 (last batch of 24) by recomputing the batch losses from hooked forward calls."),

    # Seen: batch_size 100, 3 epochs: 66 forward calls instead of 33 (two per batch); the losses are post-update values.
    _b("train_loss_after_update", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                after = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            total += after.item() * len(idx)
        losses.append(total / X.shape[0])
    return losses
''', "Records each batch's loss after the SGD step, caught by counting forward calls and comparing the epoch loss with the pre-update batch losses."),

    # Seen: two runs with seed=0 and the same initial parameters give different losses.
    _b("train_unseeded_shuffle", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0])
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / X.shape[0])
    return losses
''', "Shuffles with the global RNG and ignores seed, so the determinism check (same seed, same initial parameters) fails."),

    # Seen: updates batch_size times too large; default accuracy 62 %.
    _b("train_summed_bce", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb, reduction="sum")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / X.shape[0])
    return losses
''', "Uses the summed BCE (reduction='sum') for the updates, so each SGD step is batch_size times too large: the accuracy and per-step update checks fail."),

    # Seen: second update of a run differs from p - lr * grad; accuracy still 100 %.
    _b("train_momentum", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / X.shape[0])
    return losses
''', "Adds momentum 0.9, caught by a grader that checks each step is p - lr * grad of the batch's mean BCE (parameters recorded at every forward call)."),

    # Seen: second update of a run uses the sum of both batches' gradients; accuracy still 100 %.
    _b("train_no_zero_grad", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / X.shape[0])
    return losses
''', "Never zeroes the gradients, caught by the per-step update check (p - lr * grad of the current batch only)."),

    # Seen: batch_size 100: 30 forward calls per 3 epochs instead of 33; 24 rows never seen in an epoch.
    _b("train_drops_last_batch", {"train"}, '''
def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    n_full = X.shape[0] // batch_size * batch_size
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        total = 0.0
        for start in range(0, n_full, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = torch.nn.functional.binary_cross_entropy(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / max(n_full, 1))
    return losses
''', "Drops the last partial mini-batch, caught by a grader that checks every epoch visits every row exactly once."),

    # Seen: values such as 0.574, 0.155 instead of 0/1.
    _b("predict_returns_probabilities", {"predict"}, '''
def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        return model(X.to(device)).reshape(-1).cpu()
''', "Returns the model's probabilities instead of thresholding them into labels."),

    # Seen: every label is 1 (446 of 1024 wrong).
    _b("predict_threshold_at_zero", {"predict"}, '''
def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        p = model(X.to(device)).reshape(-1)
    return (p > 0).long().cpu()
''', "Thresholds the probabilities at 0, as one would logits, so every example is labelled 1."),
]

"""PS2's buggy submissions: one classic mistake each, as a replacement for one function of correct/base.py.

A buggy submission is ``correct/base.py`` with ``Bug.source`` appended: the appended definition overrides
the base's function of the same name. base.py's functions call each other as students' do
(softmax_regression_grads calls softmax_regression_forward, fit_softmax_regression calls the loss and the
gradients, train_classifier calls evaluate), so a bug must cost points only in the functions in ``breaks``
with errors carried forward (docs/ps2-spec.md), and every other function keeps full marks.
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


# The lines most bugs share: the float dtype of the inputs (float64 for integers), as base.py computes it.
FLOATS = '''
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
'''

BUGS: list[Bug] = [
    # ------------------------------------------------------------------ part 1: softmax regression
    _b("forward_no_max_shift", {"softmax_regression_forward"}, '''
def softmax_regression_forward(X, W, b):
    arrays = [np.asarray(X), np.asarray(W), np.asarray(b)]''' + FLOATS + '''
    Z = arrays[0].astype(dtype) @ arrays[1].astype(dtype) + arrays[2].astype(dtype)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
''', "exp of logits of 1e4 overflows without subtracting each row's maximum."),

    _b("forward_W_transposed", {"softmax_regression_forward"}, '''
def softmax_regression_forward(X, W, b):
    arrays = [np.asarray(X), np.asarray(W), np.asarray(b)]''' + FLOATS + '''
    Z = arrays[0].astype(dtype) @ arrays[1].astype(dtype).T + arrays[2].astype(dtype)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''', "Stores W output-major (X Wᵀ): wrong shapes unless W is square, wrong values when it is."),

    _b("forward_upcasts_float32", {"softmax_regression_forward"}, '''
def softmax_regression_forward(X, W, b):
    Z = np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''', "Casts everything to float64, so float32 inputs give a float64 result."),

    _b("loss_log_of_softmax", {"softmax_regression_loss"}, '''
def softmax_regression_loss(X, Y, W, b):
    A = softmax_regression_forward(X, W, b)
    return float(-(np.asarray(Y) * np.log(A)).sum(axis=1).mean())
''', "log of a probability that underflowed to 0 is -inf: the loss must come from the logits (log-softmax)."),

    _b("loss_sum_over_rows", {"softmax_regression_loss"}, '''
def softmax_regression_loss(X, Y, W, b):
    arrays = [np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)]''' + FLOATS + '''
    Z = arrays[0].astype(dtype) @ arrays[2].astype(dtype) + arrays[3].astype(dtype)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-(arrays[1].astype(dtype) * log_A).sum())
''', "Sums the cross-entropy over the rows instead of averaging it."),

    _b("grads_without_1_over_n", {"softmax_regression_grads"}, '''
def softmax_regression_grads(X, Y, W, b):
    arrays = [np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)]''' + FLOATS + '''
    X = arrays[0].astype(dtype)
    delta = softmax_regression_forward(X, W, b).astype(dtype) - arrays[1].astype(dtype)
    return X.T @ delta, delta.mean(axis=0)
''', "dW = Xᵀ(A − Y) without the 1/n of the mean loss."),

    _b("grads_db_summed", {"softmax_regression_grads"}, '''
def softmax_regression_grads(X, Y, W, b):
    arrays = [np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)]''' + FLOATS + '''
    X = arrays[0].astype(dtype)
    delta = softmax_regression_forward(X, W, b).astype(dtype) - arrays[1].astype(dtype)
    return X.T @ delta / X.shape[0], delta.sum(axis=0)
''', "db sums the rows of A − Y instead of averaging them."),

    _b("standardize_own_statistics", {"standardize"}, '''
def standardize(X_train, X_other):
    def scale(X):
        X = np.asarray(X)
        X = X.astype(X.dtype if X.dtype.kind == "f" else np.float64)
        mean, std = X.mean(axis=0), X.std(axis=0)
        return (X - mean) / np.where(std <= 1e-12 * np.maximum(1.0, np.abs(mean)), 1.0, std).astype(X.dtype)
    return scale(X_train), scale(X_other)
''', "Scales the other rows with their own statistics: the test set leaks into the features."),

    _b("standardize_ddof_1", {"standardize"}, '''
def standardize(X_train, X_other):
    arrays = [np.asarray(X_train), np.asarray(X_other)]''' + FLOATS + '''
    X_train, X_other = arrays[0].astype(dtype), arrays[1].astype(dtype)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    scale = np.where(std <= 1e-12 * np.maximum(1.0, np.abs(mean)), 1.0, std).astype(dtype)
    return (X_train - mean) / scale, (X_other - mean) / scale
''', "The sample deviation (ddof 1) instead of the population deviation."),

    _b("standardize_divides_zero_spread", {"standardize"}, '''
def standardize(X_train, X_other):
    arrays = [np.asarray(X_train), np.asarray(X_other)]''' + FLOATS + '''
    X_train, X_other = arrays[0].astype(dtype), arrays[1].astype(dtype)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std
''', "Divides a constant feature by its zero deviation (0/0)."),

    _b("standardize_exact_zero_only", {"standardize"}, '''
def standardize(X_train, X_other):
    arrays = [np.asarray(X_train), np.asarray(X_other)]''' + FLOATS + '''
    X_train, X_other = arrays[0].astype(dtype), arrays[1].astype(dtype)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    scale = np.where(std == 0, 1.0, std).astype(dtype)
    return (X_train - mean) / scale, (X_other - mean) / scale
''', "Treats only an exact 0 as no spread: a column that varies only by rounding is blown up to ±1."),

    _b("fit_records_loss_after_step", {"fit_softmax_regression"}, '''
def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    X, y = np.asarray(X), np.asarray(y)
    X = X.astype(X.dtype if X.dtype.kind == "f" else np.float64)
    Y = np.eye(num_classes, dtype=X.dtype)[y]
    W, b = np.zeros((X.shape[1], num_classes), dtype=X.dtype), np.zeros(num_classes, dtype=X.dtype)
    losses = []
    for _ in range(epochs):
        dW, db = softmax_regression_grads(X, Y, W, b)
        W, b = W - lr * dW, b - lr * db
        losses.append(float(softmax_regression_loss(X, Y, W, b)))
    return W, b, losses
''', "Records each loss after its step, so losses[0] is not the loss of the zero model."),

    _b("fit_classes_from_labels", {"fit_softmax_regression"}, '''
def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    X, y = np.asarray(X), np.asarray(y)
    X = X.astype(X.dtype if X.dtype.kind == "f" else np.float64)
    h = int(y.max()) + 1
    Y = np.eye(h, dtype=X.dtype)[y]
    W, b = np.zeros((X.shape[1], h), dtype=X.dtype), np.zeros(h, dtype=X.dtype)
    losses = []
    for _ in range(epochs):
        losses.append(float(softmax_regression_loss(X, Y, W, b)))
        dW, db = softmax_regression_grads(X, Y, W, b)
        W, b = W - lr * dW, b - lr * db
    return W, b, losses
''', "Counts the classes from the labels (y.max() + 1) instead of num_classes: a class without examples disappears."),

    _b("predict_from_naive_softmax", {"predict_classes"}, '''
def predict_classes(X, W, b):
    Z = np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
    E = np.exp(Z)
    return np.argmax(E / E.sum(axis=1, keepdims=True), axis=1)
''', "The arg-max of an unshifted softmax: logits of 1e4 overflow to inf/inf = nan."),

    _b("predict_ties_to_last", {"predict_classes"}, '''
def predict_classes(X, W, b):
    Z = np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
    return Z.shape[1] - 1 - np.argmax(Z[:, ::-1], axis=1)
''', "Breaks ties towards the highest index instead of the lowest."),

    _b("accuracy_never_raises", {"accuracy"}, '''
def accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    n = min(len(y_true), len(y_pred))
    return float(np.mean(y_true[:n] == y_pred[:n])) if n else 0.0
''', "Compares the common prefix and returns 0 for empty input instead of raising ValueError."),

    # ------------------------------------------------------------------ part 2: output layers
    _b("output_loss_bce_log_of_sigmoid", {"output_loss"}, '''
def output_loss(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    n = a.shape[0]
    if kind == "linear_mse":
        return float(((a - y) ** 2).sum() / n)
    if kind == "sigmoid_bce":
        s = 1 / (1 + np.exp(-a))
        return float(-(y * np.log(s) + (1 - y) * np.log(1 - s)).sum() / n)
    shifted = a - a.max(axis=1, keepdims=True)
    return float(-(y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))).sum() / n)
''', "BCE as log σ(a) and log(1 − σ(a)): σ saturates to 0 or 1 at |a| = 1e4 and the log is -inf."),

    _b("output_loss_pytorch_mean", {"output_loss"}, '''
def output_loss(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    if kind == "linear_mse":
        per_entry = (a - y) ** 2
    elif kind == "sigmoid_bce":
        per_entry = np.maximum(a, 0) - a * y + np.log1p(np.exp(-np.abs(a)))
    else:
        shifted = a - a.max(axis=1, keepdims=True)
        per_entry = -y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
    return float(per_entry.mean())
''', "PyTorch's reduction='mean': averages over all n·k entries instead of summing the k outputs."),

    _b("output_loss_softmax_ce_not_divided", {"output_loss"}, '''
def output_loss(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    n = a.shape[0]
    if kind == "linear_mse":
        return float(((a - y) ** 2).sum() / n)
    if kind == "sigmoid_bce":
        return float((np.maximum(a, 0) - a * y + np.log1p(np.exp(-np.abs(a)))).sum() / n)
    shifted = a - a.max(axis=1, keepdims=True)
    return float(-(y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))).sum())
''', "The softmax cross-entropy summed over the examples, not divided by n."),

    _b("output_delta_mse_without_2", {"output_delta"}, '''
def output_delta(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    arrays = [np.asarray(a), np.asarray(y)]''' + FLOATS + '''
    a, y = arrays[0].astype(dtype), arrays[1].astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        return (a - y) / n
    if kind == "sigmoid_bce":
        e = np.exp(-np.abs(a))
        return (np.where(a >= 0, 1 / (1 + e), e / (1 + e)) - y) / n
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - y) / n
''', "Forgets the factor 2 of the derivative of the squared error."),

    _b("output_delta_softmax_ce_not_divided", {"output_delta"}, '''
def output_delta(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    arrays = [np.asarray(a), np.asarray(y)]''' + FLOATS + '''
    a, y = arrays[0].astype(dtype), arrays[1].astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        return 2 * (a - y) / n
    if kind == "sigmoid_bce":
        e = np.exp(-np.abs(a))
        return (np.where(a >= 0, 1 / (1 + e), e / (1 + e)) - y) / n
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) - y
''', "ŷ − y for softmax + cross-entropy without the 1/n of the batch mean."),

    _b("output_delta_shifts_in_place", {"output_delta"}, '''
def output_delta(kind, a, y):
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(kind)
    arrays = [np.asarray(a), np.asarray(y)]''' + FLOATS + '''
    n = a.shape[0]
    if kind == "linear_mse":
        return 2 * (a.astype(dtype) - y.astype(dtype)) / n
    if kind == "sigmoid_bce":
        a = a.astype(dtype)
        e = np.exp(-np.abs(a))
        return (np.where(a >= 0, 1 / (1 + e), e / (1 + e)) - y.astype(dtype)) / n
    if a.dtype == dtype:
        a -= a.max(axis=1, keepdims=True)
    else:
        a = a.astype(dtype) - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return (e / e.sum(axis=1, keepdims=True) - y.astype(dtype)) / n
''', "Shifts the caller's pre-activations in place (a -= max) for the softmax."),

    # ------------------------------------------------------------------ part 3: backpropagation
    _b("mlp_forward_naive_sigmoid", {"mlp_forward"}, '''
def mlp_forward(x, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    if len(params) == 0:
        raise ValueError("no layers")
    arrays = [np.asarray(x)] + [np.asarray(t) for pair in params for t in pair]''' + FLOATS + '''
    H = np.asarray(x).astype(dtype)
    for l, (W, b) in enumerate(params, start=1):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or H.shape[1] != W.shape[0] or b.shape != (W.shape[1],):
            raise ValueError("shapes do not chain")
        Z = H @ W.astype(dtype) + b.astype(dtype)
        if l < len(params):
            H = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation](Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''', "The sigmoid as 1 / (1 + exp(-z)) overflows for a pre-activation of -1e4."),

    _b("mlp_forward_activation_on_output", {"mlp_forward"}, '''
def mlp_forward(x, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    if len(params) == 0:
        raise ValueError("no layers")
    arrays = [np.asarray(x)] + [np.asarray(t) for pair in params for t in pair]''' + FLOATS + '''
    g = {"sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
    H = np.asarray(x).astype(dtype)
    for W, b in params:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or H.shape[1] != W.shape[0] or b.shape != (W.shape[1],):
            raise ValueError("shapes do not chain")
        Z = H @ W.astype(dtype) + b.astype(dtype)
        H = g(Z)
    E = np.exp(H - H.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''', "Applies the hidden activation to the output layer too, before the softmax."),

    _b("mlp_grads_relu_slope_one_at_zero", {"mlp_grads"}, '''
def mlp_grads(x, y, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    arrays = [np.asarray(x), np.asarray(y)] + [np.asarray(t) for pair in params for t in pair]
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    x, y = np.asarray(x).astype(dtype), np.asarray(y).astype(dtype)
    Ws = [np.asarray(W).astype(dtype) for W, _ in params]
    bs = [np.asarray(b).astype(dtype) for _, b in params]
    if not Ws or any(W.shape[0] != w for W, w in zip(Ws, [x.shape[1]] + [W.shape[1] for W in Ws])) or \\
            any(b.shape != (W.shape[1],) for W, b in zip(Ws, bs)):
        raise ValueError("shapes do not chain")
    H, inputs, slopes = x, [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                H = 0.5 * (1 + np.tanh(Z / 2))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - H * H)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z >= 0).astype(dtype))
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    delta = (E / E.sum(axis=1, keepdims=True) - y) / x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l].T) * slopes[l - 1]
    return grads
''' , "ReLU's derivative taken as 1 at exactly 0 (Z >= 0); PyTorch's is 0."),

    _b("mlp_grads_tanh_slope_of_z", {"mlp_grads"}, '''
def mlp_grads(x, y, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    arrays = [np.asarray(x), np.asarray(y)] + [np.asarray(t) for pair in params for t in pair]''' + FLOATS + '''
    x, y = np.asarray(x).astype(dtype), np.asarray(y).astype(dtype)
    Ws = [np.asarray(W).astype(dtype) for W, _ in params]
    bs = [np.asarray(b).astype(dtype) for _, b in params]
    if not Ws or any(W.shape[0] != w for W, w in zip(Ws, [x.shape[1]] + [W.shape[1] for W in Ws])) or \\
            any(b.shape != (W.shape[1],) for W, b in zip(Ws, bs)):
        raise ValueError("shapes do not chain")
    H, inputs, slopes = x, [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                H = 0.5 * (1 + np.tanh(Z / 2))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - Z * Z)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z > 0).astype(dtype))
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    delta = (E / E.sum(axis=1, keepdims=True) - y) / x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l].T) * slopes[l - 1]
    return grads
''', "tanh'(z) written 1 − z² instead of 1 − tanh(z)²."),

    _b("mlp_grads_bias_not_averaged", {"mlp_grads"}, '''
def mlp_grads(x, y, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    arrays = [np.asarray(x), np.asarray(y)] + [np.asarray(t) for pair in params for t in pair]''' + FLOATS + '''
    x, y = np.asarray(x).astype(dtype), np.asarray(y).astype(dtype)
    Ws = [np.asarray(W).astype(dtype) for W, _ in params]
    bs = [np.asarray(b).astype(dtype) for _, b in params]
    if not Ws or any(W.shape[0] != w for W, w in zip(Ws, [x.shape[1]] + [W.shape[1] for W in Ws])) or \\
            any(b.shape != (W.shape[1],) for W, b in zip(Ws, bs)):
        raise ValueError("shapes do not chain")
    H, inputs, slopes = x, [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                H = 0.5 * (1 + np.tanh(Z / 2))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - H * H)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z > 0).astype(dtype))
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    delta = E / E.sum(axis=1, keepdims=True) - y
    n = x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta / n, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l].T) * slopes[l - 1]
    return grads
''', "Divides dW by n but sums db over the batch: the bias gradients are n times too large."),

    _b("mlp_grads_slope_of_the_wrong_layer", {"mlp_grads"}, '''
def mlp_grads(x, y, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(activation)
    arrays = [np.asarray(x), np.asarray(y)] + [np.asarray(t) for pair in params for t in pair]''' + FLOATS + '''
    x, y = np.asarray(x).astype(dtype), np.asarray(y).astype(dtype)
    Ws = [np.asarray(W).astype(dtype) for W, _ in params]
    bs = [np.asarray(b).astype(dtype) for _, b in params]
    if not Ws or any(W.shape[0] != w for W, w in zip(Ws, [x.shape[1]] + [W.shape[1] for W in Ws])) or \\
            any(b.shape != (W.shape[1],) for W, b in zip(Ws, bs)):
        raise ValueError("shapes do not chain")
    H, inputs, slopes = x, [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                H = 0.5 * (1 + np.tanh(Z / 2))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - H * H)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z > 0).astype(dtype))
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    delta = (E / E.sum(axis=1, keepdims=True) - y) / x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta, delta.sum(axis=0))
        if l > 0:
            slope = slopes[l] if l < len(slopes) and slopes[l].shape == (delta @ Ws[l].T).shape else slopes[l - 1]
            delta = (delta @ Ws[l].T) * slope
    return grads
''', "Multiplies by the activation slope of the layer above when the shapes allow it: right for one hidden layer, wrong in a deep network."),

    # ------------------------------------------------------------------ part 4: PyTorch
    _b("build_classifier_softmax_output", {"build_classifier"}, '''
def build_classifier(d_in, hidden, d_out):
    return torch.nn.Sequential(torch.nn.Linear(d_in, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, d_out),
                               torch.nn.Softmax(dim=1))
''', "Ends with a softmax: the model returns probabilities, and cross_entropy would apply a second softmax."),

    _b("evaluate_in_train_mode", {"evaluate"}, '''
def evaluate(model, X, y, device):
    model.to(device)
    with torch.no_grad():
        predictions = model(X.to(device)).argmax(dim=1)
        return (predictions == y.to(device)).float().mean().item()
''', "Never calls model.eval(): dropout or batch norm would evaluate in training mode."),

    _b("train_without_shuffle", {"train_classifier"}, '''
def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    torch.manual_seed(seed)
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=batch_size)
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        losses.append(total / len(y))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies
''', "A DataLoader without shuffle=True: every epoch takes the rows in the order of X."),

    _b("train_generator_every_epoch", {"train_classifier"}, '''
def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses, accuracies = [], []
    for _ in range(epochs):
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=batch_size,
                                             shuffle=True, generator=torch.Generator().manual_seed(seed))
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        losses.append(total / len(y))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies
''', "A new generator seeded with seed every epoch: every epoch takes the rows in the same order."),

    _b("train_loss_mean_of_batches", {"train_classifier"}, '''
def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(seed))
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        batch_losses = []
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies
''', "The epoch's loss is the plain mean of its batch losses: a short last batch counts as much as a full one."),

    _b("train_accuracy_before_the_epoch", {"train_classifier"}, '''
def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(seed))
    losses, accuracies = [], []
    for _ in range(epochs):
        accuracies.append(evaluate(model, X, y, device))
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        losses.append(total / len(y))
    return losses, accuracies
''', "Records the training accuracy at the start of each epoch, before its updates, not after."),
]

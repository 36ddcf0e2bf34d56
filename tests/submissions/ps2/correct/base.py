"""PS2, a complete correct submission (the reference notebook's solutions, as a .py file): the base of
tests/submissions/ps2/buggy.py, whose bugs each replace one function."""
import numpy as np
import torch



def softmax_regression_forward(X, W, b):
    """Class probabilities of softmax regression.

    X (n, m) features, W (m, h) weights, b (h,) bias.
    Returns A (n, h): the softmax of every row of X @ W + b. Stable; no input is modified.
    """
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    # shift each row so that its largest logit is 0: exp() stays in (0, 1], the row sum is at least 1
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_regression_loss(X, Y, W, b):
    """Mean cross-entropy of softmax regression, computed from the logits.

    X (n, m), Y (n, h) one-hot targets, W (m, h), b (h,).
    Returns a float: the mean over the n rows of -sum_j Y_ij log softmax(X W + b)_ij. Stable.
    """
    X, Y, W, b = np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, Y, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log-softmax, finite
    return float(-(Y.astype(dtype) * log_A).sum(axis=1).mean())


def softmax_regression_grads(X, Y, W, b):
    """Gradients of softmax_regression_loss with respect to W and b.

    Returns (dW, db): X^T (A - Y) / n with shape (m, h), and the mean over the rows of A - Y with shape (h,).
    """
    X, Y, W, b = np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, Y, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    X = X.astype(dtype)
    delta = softmax_regression_forward(X, W, b).astype(dtype) - Y.astype(dtype)  # (n, h): dL_i/dz_i per example
    n = X.shape[0]
    return X.T @ delta / n, delta.mean(axis=0)


def standardize(X_train, X_other):
    """Scale every column with the training rows' mean and population standard deviation.

    X_train (n, m), X_other (k, m). Returns (X_train_std, X_other_std). A column whose training spread is zero
    (std <= 1e-12 * max(1, |mean|)) is only centred.
    """
    X_train, X_other = np.asarray(X_train), np.asarray(X_other)
    floats = [a.dtype for a in (X_train, X_other) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    X_train, X_other = X_train.astype(dtype), X_other.astype(dtype)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)  # ddof = 0
    # a spread at the level of rounding is no spread: divide such a column by 1 (centre it only)
    scale = np.where(std <= 1e-12 * np.maximum(1.0, np.abs(mean)), 1.0, std).astype(dtype)
    return (X_train - mean) / scale, (X_other - mean) / scale


def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    """Full-batch gradient descent for softmax regression, from W = 0 and b = 0.

    X (n, m) features, y (n,) integer labels in [0, num_classes).
    Returns (W, b, losses): W (m, num_classes), b (num_classes,) and the list of `epochs` mean losses, each taken
    before its step.
    """
    X, y = np.asarray(X), np.asarray(y)
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    X = X.astype(dtype)
    Y = np.zeros((X.shape[0], num_classes), dtype=dtype)
    Y[np.arange(X.shape[0]), y.astype(np.intp)] = 1.0
    W = np.zeros((X.shape[1], num_classes), dtype=dtype)
    b = np.zeros(num_classes, dtype=dtype)
    losses = []
    for _ in range(epochs):
        losses.append(float(softmax_regression_loss(X, Y, W, b)))  # before the step
        dW, db = softmax_regression_grads(X, Y, W, b)
        W = W - lr * dW
        b = b - lr * db
    return W, b, losses


def predict_classes(X, W, b):
    """Predicted labels of softmax regression: the arg-max of every row of X @ W + b (lowest index on a tie).

    Returns an integer array of shape (n,).
    """
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    return np.argmax(Z, axis=1)


def accuracy(y_true, y_pred):
    """Fraction of equal entries of two label arrays of the same length, a float in [0, 1].

    Raises ValueError if the lengths differ or are 0.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(f"accuracy needs two non-empty label arrays of the same length; got {len(y_true)} and {len(y_pred)}")
    return float(np.mean(y_true == y_pred))


def output_loss(kind, a, y):
    """Mean loss of an output layer with pre-activations a (n, k) against targets y (n, k).

    kind: "linear_mse", "sigmoid_bce" or "softmax_ce" (else ValueError). Returns a float: the sum over the k outputs,
    averaged over the n examples. Stable.
    """
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(f"unknown kind {kind!r}: expected 'linear_mse', 'sigmoid_bce' or 'softmax_ce'")
    a, y = np.asarray(a), np.asarray(y)
    floats = [t.dtype for t in (a, y) if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    a, y = a.astype(dtype), y.astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        per_entry = (a - y) ** 2
    elif kind == "sigmoid_bce":
        # BCE from the logit: max(a, 0) - a y + log(1 + exp(-|a|)); exp of a number <= 0 cannot overflow
        per_entry = np.maximum(a, 0) - a * y + np.log1p(np.exp(-np.abs(a)))
    else:
        shifted = a - a.max(axis=1, keepdims=True)
        per_entry = -y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
    return float(per_entry.sum() / n)


def output_delta(kind, a, y):
    """Gradient of output_loss(kind, a, y) with respect to the pre-activations a.

    Returns an (n, k) array: (y_hat - y) / n for "sigmoid_bce" and "softmax_ce", 2 (a - y) / n for "linear_mse".
    Raises ValueError for any other kind.
    """
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(f"unknown kind {kind!r}: expected 'linear_mse', 'sigmoid_bce' or 'softmax_ce'")
    a, y = np.asarray(a), np.asarray(y)
    floats = [t.dtype for t in (a, y) if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    a, y = a.astype(dtype), y.astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        return 2 * (a - y) / n
    if kind == "sigmoid_bce":
        e = np.exp(-np.abs(a))  # in (0, 1]: no overflow on either side
        y_hat = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
    else:
        e = np.exp(a - a.max(axis=1, keepdims=True))
        y_hat = e / e.sum(axis=1, keepdims=True)
    return (y_hat - y) / n


def mlp_forward(x, params, activation):
    """Forward pass of a network with hidden activation `activation` and a softmax output.

    x (n, d_0); params: a list of L pairs (W_l (d_{l-1}, d_l), b_l (d_l,)).
    Returns y_hat (n, d_L). Raises ValueError for an unknown activation or shapes that do not chain.
    """
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(f"unknown activation {activation!r}: expected 'sigmoid', 'tanh' or 'relu'")
    if len(params) == 0:
        raise ValueError("params must hold at least one layer (W, b)")
    x = np.asarray(x)
    params = [(np.asarray(W), np.asarray(b)) for W, b in params]
    arrays = [x] + [t for pair in params for t in pair]
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    width = x.shape[1] if x.ndim == 2 else None
    for l, (W, b) in enumerate(params, start=1):
        if x.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or W.shape[0] != width:
            raise ValueError(f"layer {l}: W {W.shape} and b {b.shape} do not chain with an input of width {width}")
        width = W.shape[1]
    H = x.astype(dtype)
    for l, (W, b) in enumerate(params, start=1):
        Z = H @ W.astype(dtype) + b.astype(dtype)
        if l < len(params):
            if activation == "sigmoid":
                e = np.exp(-np.abs(Z))  # stable sigmoid: exp of a number <= 0 only
                H = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
            elif activation == "tanh":
                H = np.tanh(Z)
            else:
                H = np.maximum(Z, 0)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mlp_grads(x, y, params, activation):
    """Gradients of the mean cross-entropy of mlp_forward(x, params, activation) against one-hot y, by backpropagation.

    Returns a list of L pairs (dW_l, db_l) shaped like params. Raises ValueError as mlp_forward does.
    """
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(f"unknown activation {activation!r}: expected 'sigmoid', 'tanh' or 'relu'")
    if len(params) == 0:
        raise ValueError("params must hold at least one layer (W, b)")
    x, y = np.asarray(x), np.asarray(y)
    params = [(np.asarray(W), np.asarray(b)) for W, b in params]
    arrays = [x, y] + [t for pair in params for t in pair]
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    width = x.shape[1] if x.ndim == 2 else None
    for l, (W, b) in enumerate(params, start=1):
        if x.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or W.shape[0] != width:
            raise ValueError(f"layer {l}: W {W.shape} and b {b.shape} do not chain with an input of width {width}")
        width = W.shape[1]
    if y.shape != (x.shape[0], width):
        raise ValueError(f"y should have shape {(x.shape[0], width)}; got {y.shape}")
    Ws = [W.astype(dtype) for W, _ in params]
    bs = [b.astype(dtype) for _, b in params]
    # forward, caching every layer's input H_{l-1} and each hidden layer's g'(Z_l)
    H, inputs, slopes = x.astype(dtype), [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                e = np.exp(-np.abs(Z))
                H = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - H * H)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z > 0).astype(dtype))  # ReLU'(0) = 0, as PyTorch
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    y_hat = E / E.sum(axis=1, keepdims=True)
    # backward: the output layer, then each hidden layer, each delta used for its weights and the next delta
    delta = (y_hat - y.astype(dtype)) / x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l].T) * slopes[l - 1]
    return grads


def build_classifier(d_in, hidden, d_out):
    """Linear(d_in, hidden) -> ReLU -> Linear(hidden, d_out), returning logits, as a torch.nn.Module."""
    return torch.nn.Sequential(
        torch.nn.Linear(d_in, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, d_out),  # logits: the loss applies the log-softmax
    )


def evaluate(model, X, y, device):
    """Accuracy (a Python float) of the arg-max of model(X) against the labels y, computed on device."""
    model.to(device)
    model.eval()
    with torch.no_grad():
        predictions = model(X.to(device)).argmax(dim=1)
        return (predictions == y.to(device)).float().mean().item()


def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    """Train model in place with mini-batch SGD on the mean cross-entropy from logits, on device.

    Returns (losses, accuracies): per epoch, the example-weighted mean of the mini-batch losses (each before its
    update) and the accuracy on all of X after the epoch.
    """
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y), batch_size=batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(seed))  # one generator: a new order every epoch
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
            total += loss.item() * len(yb)  # weight by the batch size
        losses.append(total / len(y))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies

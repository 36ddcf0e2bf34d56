"""PS1 "Sigmoid & Softmax": a correct submission whose rule for dtypes is "the first input decides".

A careful reading of the notebook's rule (a float input keeps its dtype; integers become float64):
each array result is cast to the float dtype of the function's FIRST argument, so float32 x with
float64 parameters gives float32 and float64 x with float32 parameters float64 (SPEC accepts either for
mixed inputs). Losses and db come back as NumPy scalars of that dtype, max_rel_error as a 0-d array and
passed as a NumPy bool; a Python float b is made an array of x's dtype before it is used.
"""
import numpy as np
import torch
from torch import nn


def _as_float(a):
    """A float array keeps its dtype; anything else (ints, bools, lists) becomes float64."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    return a


def _like(result, first):
    """The result in the float dtype of the first argument (already made float by _as_float)."""
    if isinstance(result, dict):
        return {k: _like(v, first) for k, v in result.items()}
    if isinstance(result, np.ndarray) and result.ndim == 0:
        return first.dtype.type(result)  # a NumPy scalar of first's dtype
    return np.asarray(result).astype(first.dtype, copy=False)


# ----------------------------------------------------------------- part 1: activations


def sigmoid(x):
    # Split on the sign so that exp is only ever evaluated on non-positive numbers.
    x = _as_float(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return _like(out, x)


def sigmoid_grad(s):
    s = _as_float(s)
    return _like(s * (1.0 - s), s)


def softmax(x):
    # Subtract the per-row maximum (keepdims so it broadcasts over the row); works for 1-D and 2-D.
    x = _as_float(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return _like(e / np.sum(e, axis=-1, keepdims=True), x)


def softmax_jacobian(s):
    s = _as_float(s)
    return _like(np.diag(s) - np.outer(s, s), s)


# ----------------------------------------------------------------- part 2: losses


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("labels must be integers")
    if labels.ndim != 1:
        raise ValueError("labels must be 1-D")
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    out = np.zeros((labels.shape[0], num_classes), dtype=np.float64)
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def _clamped_log(p):
    """log(p) clamped at -100 like torch.nn.BCELoss, without ever calling log(0)."""
    p = _as_float(p)
    positive = p > 0
    return np.where(positive, np.log(np.where(positive, p, 1)), -100.0).clip(min=-100.0)


def binary_cross_entropy(o, t):
    o, t = _as_float(o), _as_float(t)
    return _like(np.asarray(np.mean(-(t * _clamped_log(o) + (1 - t) * _clamped_log(1 - o)))), o)


def cross_entropy(y_hat, y):
    y_hat, y = _as_float(y_hat), _as_float(y)
    return _like(np.asarray(np.sum(-y * _clamped_log(y_hat)) / y_hat.shape[0]), y_hat)


def softmax_cross_entropy(logits, y):
    # log-softmax through the log-sum-exp trick.
    logits, y = _as_float(logits), _as_float(y)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return _like(np.asarray(-np.sum(y * log_probs) / logits.shape[0]), logits)


def softmax_cross_entropy_grad(logits, y):
    logits, y = _as_float(logits), _as_float(y)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    probs = e / np.sum(e, axis=1, keepdims=True)
    return _like((probs - y) / logits.shape[0], logits)


def logistic_regression_grad(x, t, w, b):
    x, t, w = _as_float(x), _as_float(t), _as_float(w)
    b = np.asarray(b, dtype=x.dtype)  # the Python float b must not widen float32
    z = x @ w + b
    o = np.exp(-np.logaddexp(0, -z))  # a stable sigmoid: 1 / (1 + e^-z) = exp(-log(1 + e^-z))
    r = o - t
    n = x.shape[0]
    return _like(x.T @ r / n, x), _like(np.asarray(np.mean(r)), x)


# ----------------------------------------------------------------- part 3: two-layer network


def two_layer_forward(x, W1, b1, W2, b2):
    x = _as_float(x)
    z1 = x @ W1 + b1
    h = np.exp(-np.logaddexp(0, -z1))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    return _like(e / np.sum(e, axis=1, keepdims=True), x)


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = _as_float(x), _as_float(y)
    n = x.shape[0]
    z1 = x @ W1 + b1
    h = np.exp(-np.logaddexp(0, -z1))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    y_hat = e / np.sum(e, axis=1, keepdims=True)
    dz2 = (y_hat - y) / n
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return _like(dz1 @ W1.T, x)


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = _as_float(x), _as_float(y)
    n = x.shape[0]
    z1 = x @ W1 + b1
    h = np.exp(-np.logaddexp(0, -z1))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    y_hat = e / np.sum(e, axis=1, keepdims=True)
    dz2 = (y_hat - y) / n
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    return _like({
        "W1": x.T @ dz1,
        "b1": dz1.sum(axis=0),
        "W2": h.T @ dz2,
        "b2": dz2.sum(axis=0),
    }, x)


def num_params(Dx, H, Dy):
    for v in (Dx, H, Dy):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"sizes must be positive integers, got {v!r}")
    return int((Dx + 1) * H + (H + 1) * Dy)


# ----------------------------------------------------------------- part 4: checking gradients


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.result_type(x.dtype, np.float64))
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old  # restore the saved value: bit for bit
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    h = 1e-5  # the same step as numerical_gradient's default
    numeric = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    analytic = np.array(grad(x), dtype=np.float64)
    rel = np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))
    max_rel_error = np.max(rel, keepdims=False)
    return np.bool_(max_rel_error < tol), np.asarray(max_rel_error)


# ----------------------------------------------------------------- part 5: PyTorch


def majority_dataset(n_bits=10):
    codes = torch.arange(2**n_bits)
    X = ((codes.unsqueeze(1) >> torch.arange(n_bits)) & 1).to(torch.float32)
    y = (X.sum(dim=1) > n_bits / 2).to(torch.float32)
    return X, y


def build_model(n_bits):
    return nn.Sequential(nn.Linear(n_bits, 1), nn.Sigmoid(), nn.Flatten(start_dim=0))


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    generator = torch.Generator().manual_seed(seed)
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = loss_fn(model(xb).reshape(yb.shape), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / n)
    return losses


def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        p = model(X.to(device)).reshape(-1)
    return (p > 0.5).long().cpu()

"""PS1 "Sigmoid & Softmax", written the careful float32-first way.

A correct submission that follows the notebook's dtype rules in the narrowest way they allow:
- every computation runs in the NARROWEST float dtype among the array inputs (integers count as
  float64), so float32 with float64 inputs gives float32 (SPEC accepts either dtype there);
- Python scalars (b, h, lr) never widen anything (NumPy's own rule: they are "weak");
- losses, db and max_rel_error come back as 0-d arrays, passed as a 0-d bool array;
- inputs are never modified: in-place operations work on the function's own copies.
"""
import numpy as np
import torch
from torch import nn


def _floats(*arrays):
    """The arrays as one float dtype: the narrowest among them (an integer array counts as float64)."""
    arrays = [np.asarray(a) for a in arrays]
    arrays = [a.astype(np.float64) if a.dtype.kind in "biu" else a for a in arrays]
    narrow = min((a.dtype for a in arrays), key=lambda d: d.itemsize)
    return [a.astype(narrow, copy=False) for a in arrays]


def _sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def _softmax_rows(z):
    z = z.copy()  # our own copy: the in-place shift must not touch the caller's array
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z


# ----------------------------------------------------------------- part 1: activations


def sigmoid(x):
    (x,) = _floats(x)
    return _sigmoid(x)


def sigmoid_grad(s):
    (s,) = _floats(s)
    return s * (1 - s)


def softmax(x):
    (x,) = _floats(x)
    return _softmax_rows(x)


def softmax_jacobian(s):
    (s,) = _floats(s)
    jac = -np.outer(s, s)
    jac[np.diag_indices_from(jac)] += s
    return jac


# ----------------------------------------------------------------- part 2: losses


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError("labels must be a 1-D array of integers")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    return (labels[:, None] == np.arange(num_classes)).astype(np.float64)


def _log_clamped(p):
    out = np.full_like(p, -100)
    np.log(p, out=out, where=p > 0)
    return np.maximum(out, -100)


def binary_cross_entropy(o, t):
    o, t = _floats(o, t)
    return np.asarray(np.mean(-(t * _log_clamped(o) + (1 - t) * _log_clamped(1 - o))))


def cross_entropy(y_hat, y):
    y_hat, y = _floats(y_hat, y)
    return np.asarray(-np.sum(y * _log_clamped(y_hat)) / y_hat.shape[0])


def softmax_cross_entropy(logits, y):
    logits, y = _floats(logits, y)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return np.asarray(-np.sum(y * log_probs) / logits.shape[0])


def softmax_cross_entropy_grad(logits, y):
    logits, y = _floats(logits, y)
    grad = _softmax_rows(logits)
    grad -= y
    grad /= logits.shape[0]
    return grad


def logistic_regression_grad(x, t, w, b):
    x, t, w = _floats(x, t, w)
    r = _sigmoid(x @ w + b)  # a Python float b is weak: float32 stays float32
    r -= t
    return x.T @ r / x.shape[0], np.asarray(np.mean(r))


# ----------------------------------------------------------------- part 3: two-layer network


def _forward(x, W1, b1, W2, b2):
    h = _sigmoid(x @ W1 + b1)
    return h, _softmax_rows(h @ W2 + b2)


def two_layer_forward(x, W1, b1, W2, b2):
    x, W1, b1, W2, b2 = _floats(x, W1, b1, W2, b2)
    return _forward(x, W1, b1, W2, b2)[1]


def _backward(x, y, W1, b1, W2, b2):
    h, y_hat = _forward(x, W1, b1, W2, b2)
    dz2 = y_hat
    dz2 -= y
    dz2 /= x.shape[0]
    dz1 = dz2 @ W2.T
    dz1 *= h * (1 - h)
    return h, dz1, dz2


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y, W1, b1, W2, b2 = _floats(x, y, W1, b1, W2, b2)
    _, dz1, _ = _backward(x, y, W1, b1, W2, b2)
    return dz1 @ W1.T


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y, W1, b1, W2, b2 = _floats(x, y, W1, b1, W2, b2)
    h, dz1, dz2 = _backward(x, y, W1, b1, W2, b2)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}


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
    max_rel_error = np.max(rel, keepdims=False)  # a NumPy scalar
    return np.asarray(max_rel_error < tol), np.asarray(max_rel_error)  # 0-d arrays: SPEC accepts them


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

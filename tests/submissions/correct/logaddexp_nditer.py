"""PS1 -- sigmoid & softmax.

Approach: log-space everywhere (logaddexp for the sigmoid), a row loop for the softmax,
np.nditer for the finite differences, and a hand-written mini-batch loop with torch.split.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def to_float(a):
    """Integer (or bool) arrays become float64; float arrays are left alone (no copy)."""
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.floating):
        return a
    return a.astype(np.float64)


# ===================== Part 1 =====================

def sigmoid(x):
    # 1/(1+e^-x) = exp(-log(1+e^-x)) = exp(-logaddexp(0, -x)); logaddexp never overflows
    x = to_float(x)
    return np.exp(-np.logaddexp(0, -x))


def sigmoid_grad(s):
    s = to_float(s)
    return s * (1 - s)


def softmax(x):
    # one row at a time (a 1-D input is treated as a single row)
    x = to_float(x)
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out.reshape(x.shape)


def softmax_jacobian(s):
    # J[i, j] = s_i (delta_ij - s_j), straight from the definition
    s = to_float(s)
    return s[:, None] * (np.eye(len(s), dtype=s.dtype) - s[None, :])


# ===================== Part 2 =====================

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("one_hot expects integer labels")
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        raise ValueError(f"labels {labels[bad]} are not in [0, {num_classes})")
    return np.eye(num_classes, dtype=np.float64)[labels]


def safe_log(p):
    # log clamped at -100; the argument is floored at the smallest positive (subnormal)
    # number of its dtype, whose log is below -100 in float32 and float64, so log(0) never happens
    p = to_float(p)
    tiny = np.finfo(p.dtype).smallest_subnormal
    return np.maximum(np.log(np.maximum(p, tiny)), -100)


def binary_cross_entropy(o, t):
    o, t = to_float(o), to_float(t)
    return -np.mean(t * safe_log(o) + (1 - t) * safe_log(1 - o))


def cross_entropy(y_hat, y):
    y_hat, y = to_float(y_hat), to_float(y)
    per_row = -np.sum(y * safe_log(y_hat), axis=1)
    return per_row.mean()


def log_softmax(z):
    m = np.max(z, axis=1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))


def softmax_cross_entropy(logits, y):
    logits, y = to_float(logits), to_float(y)
    return -np.sum(y * log_softmax(logits), axis=1).mean()


def softmax_cross_entropy_grad(logits, y):
    logits, y = to_float(logits), to_float(y)
    N = logits.shape[0]
    return (np.exp(log_softmax(logits)) - y) / N


def logistic_regression_grad(x, t, w, b):
    x, t, w = to_float(x), to_float(t), to_float(w)
    N = x.shape[0]
    o = sigmoid(np.dot(x, w) + b)
    dz = (o - t) / N
    return np.dot(dz, x), dz.sum()


# ===================== Part 3 =====================

def two_layer_forward(x, W1, b1, W2, b2):
    z1 = to_float(x) @ W1 + b1
    h = sigmoid(z1)
    z2 = h @ W2 + b2
    return softmax(z2)


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = to_float(x), to_float(y)
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    # chain rule, right to left:  x -> z1 -> h -> z2 -> loss
    dL_dz2 = (y_hat - y) / N
    dL_dh = dL_dz2 @ W2.T
    dL_dz1 = dL_dh * sigmoid_grad(h)
    return dL_dz1 @ W1.T


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = to_float(x), to_float(y)
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dL_dz2 = (y_hat - y) / N
    dL_dz1 = (dL_dz2 @ W2.T) * sigmoid_grad(h)
    grads = {}
    grads["W2"] = h.T @ dL_dz2
    grads["b2"] = dL_dz2.sum(axis=0)
    grads["W1"] = x.T @ dL_dz1
    grads["b1"] = dL_dz1.sum(axis=0)
    return grads


def num_params(Dx, H, Dy):
    def ok(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0
    if not (ok(Dx) and ok(H) and ok(Dy)):
        raise ValueError("Dx, H and Dy must be positive integers")
    # every layer: (inputs + 1 bias) weights per output unit
    return int((Dx + 1) * H + (H + 1) * Dy)


# ===================== Part 4 =====================

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        original = x[i]          # a copy of the scalar, not a view
        x[i] = original + h
        f_plus = f(x)
        x[i] = original - h
        f_minus = f(x)
        x[i] = original          # put the exact old value back
        grad[i] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    numeric = numerical_gradient(f, x)
    analytic = np.array(grad(x), dtype=np.float64)
    denom = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
    max_rel_error = np.max(np.abs(analytic - numeric) / denom)
    return max_rel_error < tol, max_rel_error


# ===================== Part 5 =====================

def majority_dataset(n_bits=10):
    grids = torch.meshgrid(*[torch.tensor([0.0, 1.0])] * n_bits, indexing="ij")
    X = torch.stack([g.reshape(-1) for g in grids], dim=1)          # all 2**n bit strings
    ones = X.sum(dim=1)
    y = (ones > n_bits - ones).to(torch.float32)                   # strictly more ones than zeros
    return X.to(torch.float32), y


def build_model(n_bits):
    return nn.Sequential(
        nn.Linear(n_bits, 1),
        nn.Sigmoid(),
        nn.Flatten(0),        # (B, 1) -> (B,)
    )


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model = model.to(device)
    X, y = X.to(device), y.to(device)
    rng = torch.Generator()
    rng.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for epoch in range(epochs):
        perm = torch.randperm(len(X), generator=rng).to(device)
        running = 0.0
        for idx in torch.split(perm, batch_size):
            xb, yb = X[idx], y[idx]
            loss = F.binary_cross_entropy(model(xb).reshape(-1), yb)
            running += loss.item() * len(idx)       # loss before this batch's update
            opt.zero_grad()
            loss.backward()
            opt.step()
        epoch_losses.append(running / len(X))
    return epoch_losses


def predict(model, X, device):
    model = model.to(device)
    with torch.no_grad():
        p = model(X.to(device)).reshape(-1)
    return (p >= 0.5).to(torch.int64).cpu()

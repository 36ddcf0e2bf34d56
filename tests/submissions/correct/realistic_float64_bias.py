"""Correct per the lead's reading of docs/ps1-spec.md ("a Python float b promoting float32 is accepted"), with
functions that call each other: b of logistic_regression_grad becomes np.float64(b), which promotes float32 x, t
and w to a float64 dw. Disputed: branches dtypemsg and notebook read "Python scalars never decide the dtype" as
demanding float32 here (a 0.5-point test and a visible check). The lead decides; this file makes the case."""
import itertools

import numpy as np
import torch
from torch import nn

# ----------------------------------------------------------------- part 1: activations


def sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    # exp(-|x|) never overflows; then pick the form that is stable on each side of 0
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return s * (1 - s)


def softmax(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_jacobian(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return np.diag(s) - np.outer(s, s)


# ----------------------------------------------------------------- part 2: losses


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in [0, {num_classes})")
    Y = np.zeros((len(labels), num_classes))
    Y[np.arange(len(labels)), labels] = 1.0
    return Y


def _log(p):
    """log(p) clamped at -100, as torch.nn.BCELoss: log(0) is -inf, silenced, then clamped."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100.0)


def binary_cross_entropy(o, t):
    o, t = np.asarray(o), np.asarray(t)
    return float(np.mean(-(t * _log(o) + (1 - t) * _log(1 - o))))


def cross_entropy(y_hat, y):
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    return float(-np.sum(y * _log(y_hat)) / y_hat.shape[0])


def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits)
    if logits.dtype.kind != "f":
        logits = logits.astype(np.float64)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return float(-np.sum(y * log_probs) / logits.shape[0])


def softmax_cross_entropy_grad(logits, y):
    return (softmax(logits) - y) * (1.0 / logits.shape[0])  # a Python float: float32 stays float32


def logistic_regression_grad(x, t, w, b):
    N = x.shape[0]
    b = np.float64(b)  # "b is a number": as a NumPy float it promotes float32 x w to float64
    o = sigmoid(x @ w + b)
    dw = x.T @ (o - t) / N
    db = float(np.sum(o - t)) / N
    return dw, db


# ----------------------------------------------------------------- part 3: two-layer network


def two_layer_forward(x, W1, b1, W2, b2):
    h = sigmoid(x @ W1 + b1)
    return softmax(h @ W2 + b2)


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return dz1 @ W1.T


def two_layer_grads(x, y, W1, b1, W2, b2):
    N = x.shape[0]
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    dz2 = (y_hat - y) / N
    dz1 = dz2 @ W2.T * sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}


def num_params(Dx, H, Dy):
    for n in (Dx, H, Dy):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"every size must be a positive integer; got {n!r}")
    return int((Dx + 1) * H + (H + 1) * Dy)


# ----------------------------------------------------------------- part 4: checking gradients


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    n = numerical_gradient(f, x)
    a = grad(x)
    rel = np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))
    max_rel_error = float(np.max(rel))
    return max_rel_error < tol, max_rel_error


# ----------------------------------------------------------------- part 5: PyTorch


def majority_dataset(n_bits=10):
    X = torch.tensor(list(itertools.product([0.0, 1.0], repeat=n_bits)), dtype=torch.float32)
    y = (X.sum(dim=1) > n_bits / 2).float()
    return X, y


def build_model(n_bits):
    return nn.Sequential(nn.Linear(n_bits, 1), nn.Sigmoid(), nn.Flatten(0))


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
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return losses


def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        p = model(X.to(device))
    return (p > 0.5).long().cpu()

"""Correct, functions that call each other, and in-place arithmetic only on arrays the function made itself:
z = x.copy(); z -= z.max(...); np.exp(z, out=z); numerical_gradient perturbs its own copy of x."""
import itertools

import numpy as np
import torch
from torch import nn

# ----------------------------------------------------------------- part 1: activations


def sigmoid(x):
    x = np.asarray(x)
    z = x.astype(np.float64) if x.dtype.kind != "f" else x.copy()  # my own copy: free to overwrite
    pos = z >= 0
    e = np.exp(z[~pos])
    z[pos] = 1 / (1 + np.exp(-z[pos]))
    z[~pos] = e / (1 + e)
    return z


def sigmoid_grad(s):
    s = np.asarray(s)
    g = s.astype(np.float64) if s.dtype.kind != "f" else s.copy()
    g *= 1 - g
    return g


def softmax(x):
    x = np.asarray(x)
    z = x.astype(np.float64) if x.dtype.kind != "f" else x.copy()
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def softmax_jacobian(s):
    s = np.asarray(s)
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    J = -np.outer(s, s)
    J[np.diag_indices_from(J)] += s
    return J


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
    z = logits.astype(np.float64) if logits.dtype.kind != "f" else logits.copy()
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))  # now the log-softmax
    z *= y
    return float(-z.sum() / z.shape[0])


def softmax_cross_entropy_grad(logits, y):
    g = softmax(logits) - y  # a new array, mine to scale in place
    g /= g.shape[0]
    return g


def logistic_regression_grad(x, t, w, b):
    N = x.shape[0]
    r = sigmoid(x @ w + b)
    r -= t
    dw = x.T @ r
    dw /= N
    return dw, r.mean()


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
    dz2 = softmax(h @ W2 + b2)
    dz2 -= y
    dz2 /= N
    dz1 = dz2 @ W2.T
    dz1 *= sigmoid_grad(h)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dz2, "b2": dz2.sum(axis=0)}


def num_params(Dx, H, Dy):
    for n in (Dx, H, Dy):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"every size must be a positive integer; got {n!r}")
    return int((Dx + 1) * H + (H + 1) * Dy)


# ----------------------------------------------------------------- part 4: checking gradients


def numerical_gradient(f, x, h=1e-5):
    xc = x.astype(np.float64)  # perturb my own copy: x itself is never touched
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = xc[i]
        xc[i] = old + h
        f_plus = f(xc)
        xc[i] = old - h
        f_minus = f(xc)
        xc[i] = old
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

# Problem set 1: sigmoid & softmax
# Style: explicit masks, reshape-to-2-D, and the backward pass spelled out step by step.

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def _f(a):
    """Return a float array: float dtypes are kept, other dtypes become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Part 1
# ---------------------------------------------------------------------------------------------

def sigmoid(x):
    # With e = exp(-|x|) <= 1 (never overflows):
    #   x >= 0:  1 / (1 + e^-x) = 1 / (1 + e)
    #   x <  0:  e^x / (1 + e^x) = e / (1 + e)
    x = _f(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def sigmoid_grad(s):
    s = _f(s)
    one_minus_s = 1.0 - s
    return s * one_minus_s


def softmax(x):
    # View everything as a 2-D (rows, classes) array, do the stable row softmax, reshape back.
    x = _f(x)
    x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
    shifted = x2 - x2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out = e / e.sum(axis=1, keepdims=True)
    return out.reshape(x.shape)


def softmax_jacobian(s):
    # start from -s s^T and add s on the diagonal (J is a new array, s is never written)
    s = _f(s)
    J = -np.outer(s, s)
    J[np.diag_indices_from(J)] += s
    return J


# ---------------------------------------------------------------------------------------------
# Part 2
# ---------------------------------------------------------------------------------------------

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in ("i", "u"):
        raise ValueError("labels must be a 1-D array of integers")
    out = np.zeros((len(labels), num_classes), dtype=np.float64)
    for row, lab in enumerate(labels):
        if not 0 <= lab < num_classes:
            raise ValueError(f"label {lab} outside [0, {num_classes})")
        out[row, lab] = 1.0
    return out


def _log_at_least_minus_100(p):
    # mask out the zeros before taking the log, then clamp like torch.nn.BCELoss
    p = _f(p)
    mask = p > 0
    safe = np.where(mask, p, 1.0)
    return np.where(mask, np.maximum(np.log(safe), -100.0), -100.0)


def binary_cross_entropy(o, t):
    o, t = _f(o), _f(t)
    losses = -(t * _log_at_least_minus_100(o) + (1.0 - t) * _log_at_least_minus_100(1.0 - o))
    return losses.sum() / losses.size


def cross_entropy(y_hat, y):
    y_hat, y = _f(y_hat), _f(y)
    N = y_hat.shape[0]
    return -(y * _log_at_least_minus_100(y_hat)).sum() / N


def softmax_cross_entropy(logits, y):
    z, y = _f(logits), _f(y)
    N = z.shape[0]
    zmax = z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
    log_p = (z - zmax) - log_sum
    return -(y * log_p).sum() / N


def softmax_cross_entropy_grad(logits, y):
    z, y = _f(logits), _f(y)
    N = z.shape[0]
    p = softmax(z)
    return (p - y) / N


def logistic_regression_grad(x, t, w, b):
    x, t, w = _f(x), _f(t), _f(w)
    N = x.shape[0]
    z = x @ w + b
    o = sigmoid(z)
    residual = o - t
    dw = (x * residual[:, None]).sum(axis=0) / N
    db = residual.sum() / N
    return dw, db


# ---------------------------------------------------------------------------------------------
# Part 3
# ---------------------------------------------------------------------------------------------

def two_layer_forward(x, W1, b1, W2, b2):
    x = _f(x)
    z1 = np.dot(x, W1) + b1
    h = sigmoid(z1)
    z2 = np.dot(h, W2) + b2
    y_hat = softmax(z2)
    return y_hat


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = _f(x), _f(y)
    N = x.shape[0]
    z1 = np.dot(x, W1) + b1
    h = sigmoid(z1)
    y_hat = softmax(np.dot(h, W2) + b2)
    # combine the two weight matrices first: (W2^T) then scale, then (W1^T); 1/N at the very end
    back_h = np.dot(y_hat - y, W2.T)
    back_z1 = back_h * sigmoid_grad(h)
    dx = np.dot(back_z1, W1.T)
    return dx / N


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = _f(x), _f(y)
    N = x.shape[0]
    z1 = np.dot(x, W1) + b1
    h = sigmoid(z1)
    y_hat = softmax(np.dot(h, W2) + b2)
    g_z2 = (y_hat - y) / N                    # (N, Dy)
    g_W2 = np.dot(h.T, g_z2)                  # (H, Dy)
    g_b2 = g_z2.sum(axis=0)                   # (Dy,)
    g_h = np.dot(g_z2, W2.T)                  # (N, H)
    g_z1 = g_h * h * (1.0 - h)                # (N, H)
    g_W1 = np.dot(x.T, g_z1)                  # (Dx, H)
    g_b1 = g_z1.sum(axis=0)                   # (H,)
    return {"W1": g_W1, "b1": g_b1, "W2": g_W2, "b2": g_b2}


def num_params(Dx, H, Dy):
    for name, v in (("Dx", Dx), ("H", H), ("Dy", Dy)):
        if type(v) is bool or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, not {type(v).__name__}")
        if v <= 0:
            raise ValueError(f"{name} must be positive")
    weights = Dx * H + H * Dy
    biases = H + Dy
    return int(weights + biases)


# ---------------------------------------------------------------------------------------------
# Part 4
# ---------------------------------------------------------------------------------------------

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for flat in range(x.size):
        i = np.unravel_index(flat, x.shape)
        keep = x[i].copy()
        x[i] = keep + h
        fp = f(x)
        x[i] = keep - h
        fm = f(x)
        x[i] = keep
        grad[i] = (fp - fm) / (2.0 * h)
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    analytic = np.array(grad(x), dtype=float)          # copied before x is perturbed
    numeric = numerical_gradient(f, x)
    diff = np.abs(analytic - numeric)
    scale = np.abs(analytic) + np.abs(numeric)
    errors = diff / np.where(scale > 1e-8, scale, 1e-8)
    worst = float(errors.max())
    return worst < tol, worst


# ---------------------------------------------------------------------------------------------
# Part 5
# ---------------------------------------------------------------------------------------------

def majority_dataset(n_bits=10):
    rows = []
    for number in range(2**n_bits):
        rows.append([(number >> bit) & 1 for bit in range(n_bits)])
    X = torch.tensor(rows, dtype=torch.float32)
    y = torch.tensor([1.0 if 2 * sum(r) > n_bits else 0.0 for r in rows], dtype=torch.float32)
    return X, y


def build_model(n_bits):
    return nn.Sequential(nn.Linear(n_bits, 1), nn.Sigmoid(), nn.Flatten(start_dim=0, end_dim=-1))


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    device = torch.device(device)
    model.to(device)
    g = torch.Generator(device="cpu")
    g.manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    n = X.shape[0]
    result = []
    for _ in range(epochs):
        shuffled = torch.randperm(n, generator=g)
        sum_loss, seen = 0.0, 0
        start = 0
        while start < n:
            batch = shuffled[start:start + batch_size]
            start += batch_size
            inputs = torch.index_select(X, 0, batch).to(device)
            targets = torch.index_select(y, 0, batch).to(device)
            preds = model(inputs).reshape(targets.shape)
            loss = F.binary_cross_entropy(preds, targets, reduction="mean")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sum_loss += loss.item() * len(batch)
            seen += len(batch)
        result.append(sum_loss / seen)
    return result


def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        prob = model(X.to(device)).reshape(-1).cpu()
    return torch.where(prob >= 0.5, 1, 0)

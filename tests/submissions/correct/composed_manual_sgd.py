#!/usr/bin/env python
"""Sigmoid & Softmax (PS1).

Everything is built from a few small pieces that call each other: the losses reuse
log_softmax, the network reuses sigmoid/softmax, gradient_check reuses numerical_gradient.
Training does the SGD step by hand (p <- p - lr * grad) instead of using torch.optim.
"""
import numpy as np
import torch
from torch import nn


def _arr(a):
    out = np.asarray(a)
    if out.dtype.kind in "biu":           # bool / signed / unsigned ints count as float64
        out = out.astype(np.float64)
    return out


# ================================================================ part 1

def sigmoid(x):
    # sigma(x) = e^x / (1 + e^x) = exp(x - log(1 + e^x)) = exp(x - logaddexp(0, x))
    x = _arr(x)
    return np.exp(x - np.logaddexp(0, x))


def sigmoid_grad(s):
    s = _arr(s)
    return s * (1 - s)


def log_softmax(x):
    x = _arr(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(x):
    x = _arr(x)
    z = x - x.max(axis=-1, keepdims=True)     # a new array: safe to exponentiate in place
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def softmax_jacobian(s):
    s = _arr(s)
    col = s[:, None]
    return np.diagflat(s) - col @ col.T


# ================================================================ part 2

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError("labels: expected a 1-D integer array")
    if np.count_nonzero((labels < 0) | (labels >= num_classes)):
        raise ValueError("labels must be in range(num_classes)")
    return np.identity(num_classes)[labels]


def _log_clamp(p):
    # np.log(0) would warn: replace zeros by 1 first and put the clamp value back afterwards
    p = _arr(p)
    zero = p <= 0
    return np.where(zero, -100.0, np.fmax(np.log(np.where(zero, 1.0, p)), -100.0))


def binary_cross_entropy(o, t):
    o, t = _arr(o), _arr(t)
    return np.mean(-(t * _log_clamp(o)) - (1 - t) * _log_clamp(1 - o))


def cross_entropy(y_hat, y):
    y_hat, y = _arr(y_hat), _arr(y)
    return np.mean(np.sum(-y * _log_clamp(y_hat), axis=1))


def softmax_cross_entropy(logits, y):
    logits, y = _arr(logits), _arr(y)
    return np.mean(np.sum(-y * log_softmax(logits), axis=1))


def softmax_cross_entropy_grad(logits, y):
    logits, y = _arr(logits), _arr(y)
    return (softmax(logits) - y) / logits.shape[0]


def logistic_regression_grad(x, t, w, b):
    x, t, w = _arr(x), _arr(t), _arr(w)
    g = (sigmoid(x @ w + b) - t) / x.shape[0]       # d(mean BCE)/dz
    return x.T @ g, g.sum()


# ================================================================ part 3

def two_layer_forward(x, W1, b1, W2, b2):
    return softmax(sigmoid(_arr(x) @ W1 + b1) @ W2 + b2)


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = _arr(x), _arr(y)
    h = sigmoid(x @ W1 + b1)
    dz2 = softmax_cross_entropy_grad(h @ W2 + b2, y)   # already includes 1/N
    # product order: push dz2 through the combined matrix (W2^T scaled per example) at once
    return ((dz2 @ W2.T) * sigmoid_grad(h)) @ W1.T


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = _arr(x), _arr(y)
    h = sigmoid(x @ W1 + b1)
    dz2 = softmax_cross_entropy_grad(h @ W2 + b2, y)
    dz1 = (dz2 @ W2.T) * sigmoid_grad(h)
    ones = np.ones(x.shape[0], dtype=dz1.dtype)
    return {"W1": x.T @ dz1, "b1": ones @ dz1, "W2": h.T @ dz2, "b2": ones @ dz2}


def num_params(Dx, H, Dy):
    def positive_int(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1

    if not all(map(positive_int, (Dx, H, Dy))):
        raise ValueError("num_params: sizes must be positive integers")
    Dx, H, Dy = int(Dx), int(H), int(Dy)
    return (Dx + 1) * H + (H + 1) * Dy


# ================================================================ part 4

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        saved = x[idx].item()       # a Python float: the exact same value
        x[idx] = saved + h
        f_hi = f(x)
        x[idx] = saved - h
        f_lo = f(x)
        x[idx] = saved
        grad[idx] = (f_hi - f_lo) / (2 * h)
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    numeric = numerical_gradient(f, x)
    analytic = np.array(grad(x), dtype=float, copy=True)
    rel = np.abs(analytic - numeric) / np.fmax(np.abs(analytic) + np.abs(numeric), 1e-8)
    max_rel_error = rel.max()
    passed = max_rel_error < tol
    return passed, max_rel_error


# ================================================================ part 5

def majority_dataset(n_bits=10):
    ids = torch.arange(2**n_bits, dtype=torch.int64)
    masks = 1 << torch.arange(n_bits, dtype=torch.int64)
    X = ids[:, None].bitwise_and(masks).ne(0).to(torch.float32)
    n_ones = X.sum(dim=1)
    y = torch.gt(n_ones, n_bits - n_ones).to(torch.float32)
    return X, y


def build_model(n_bits):
    model = nn.Sequential()
    model.add_module("linear", nn.Linear(n_bits, 1))
    model.add_module("sigmoid", nn.Sigmoid())
    model.add_module("squeeze", nn.Flatten(0))
    return model


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    X_dev, y_dev = X.to(device), y.to(device)
    g = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    N = X_dev.shape[0]
    per_epoch = []
    for _ in range(epochs):
        perm = torch.randperm(N, generator=g).to(device)
        epoch_sum = 0.0
        for i in range(0, N, batch_size):
            b = perm[i:i + batch_size]
            out = model(X_dev[b]).reshape(-1)
            loss = nn.functional.binary_cross_entropy(out, y_dev[b].reshape(-1))
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():           # plain SGD by hand
                for p in params:
                    p -= lr * p.grad
            epoch_sum += loss.item() * b.numel()
        per_epoch.append(epoch_sum / N)
    return per_epoch


def predict(model, X, device):
    model.to(device)
    with torch.no_grad():
        probs = model(X.to(device)).reshape(-1)
    return probs.ge(0.5).to("cpu", torch.uint8)

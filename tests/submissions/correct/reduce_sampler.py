"""Homework 1 -- sigmoid and softmax from scratch, then a tiny PyTorch training loop.

Notes to self:
* sigma(x) = exp(min(x, 0)) / (1 + exp(-|x|)): both exponents are <= 0, so nothing overflows.
* log-sum-exp with np.logaddexp.reduce gives a stable log-softmax in one line.
* losses pick the true-class entries with np.take_along_axis instead of multiplying by one-hot.
* the network's backward pass lives in one cached forward helper shared by both gradient functions.
* training: RandomSampler + BatchSampler driven by a seeded torch.Generator.
"""
import numbers

import numpy as np
import torch
from torch import nn
from torch.utils.data import BatchSampler, RandomSampler


def as_float_array(a):
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


# ------------------------------------------------------------------ 1. activations

def sigmoid(x):
    x = as_float_array(x)
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


def sigmoid_grad(s):
    s = as_float_array(s)
    return s * (1 - s)


def log_softmax(x):
    x = as_float_array(x)
    return x - np.logaddexp.reduce(x, axis=-1, keepdims=True)


def softmax(x):
    return np.exp(log_softmax(x))


def softmax_jacobian(s):
    # s_i * (delta_ij - s_j): broadcast (I - s) row-wise and scale row i by s_i
    s = as_float_array(s)
    return np.einsum("i,ij->ij", s, np.eye(s.size, dtype=s.dtype) - s)


# ------------------------------------------------------------------ 2. losses

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer) or labels.ndim != 1:
        raise ValueError("expected a 1-D array of integer labels")
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    return (labels[:, None] == np.arange(num_classes)[None, :]).astype(np.float64)


def clamped_log(p):
    p = as_float_array(p)
    with np.errstate(divide="ignore"):     # log(0) = -inf is expected here and clamped right away
        return np.maximum(np.log(p), -100)


def binary_cross_entropy(o, t):
    o, t = as_float_array(o), as_float_array(t)
    return np.mean(-t * clamped_log(o) - (1 - t) * clamped_log(1 - o))


def cross_entropy(y_hat, y):
    y_hat, y = as_float_array(y_hat), as_float_array(y)
    true_class = np.argmax(y, axis=1)[:, None]
    p_true = np.take_along_axis(y_hat, true_class, axis=1)[:, 0]
    loss = -np.mean(clamped_log(p_true))
    return loss.astype(np.result_type(y_hat, y))   # promote like the one-hot formula would


def softmax_cross_entropy(logits, y):
    logits, y = as_float_array(logits), as_float_array(y)
    true_class = np.argmax(y, axis=1)[:, None]
    nll = -np.take_along_axis(log_softmax(logits), true_class, axis=1)
    return nll.mean().astype(np.result_type(logits, y))


def softmax_cross_entropy_grad(logits, y):
    logits, y = as_float_array(logits), as_float_array(y)
    return (softmax(logits) - y) / len(logits)


def logistic_regression_grad(x, t, w, b):
    x, t, w = as_float_array(x), as_float_array(t), as_float_array(w)
    delta = sigmoid(x @ w + b) - t
    return delta @ x / len(x), delta.mean()


# ------------------------------------------------------------------ 3. two-layer network

def _forward_cache(x, W1, b1, W2, b2):
    x = as_float_array(x)
    h = sigmoid(x @ W1 + b1)
    y_hat = softmax(h @ W2 + b2)
    return {"x": x, "h": h, "y_hat": y_hat}


def _deltas(cache, y, W2):
    n = len(cache["x"])
    d2 = (cache["y_hat"] - as_float_array(y)) / n
    d1 = (d2 @ W2.T) * sigmoid_grad(cache["h"])
    return d1, d2


def two_layer_forward(x, W1, b1, W2, b2):
    return _forward_cache(x, W1, b1, W2, b2)["y_hat"]


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    cache = _forward_cache(x, W1, b1, W2, b2)
    d1, _ = _deltas(cache, y, W2)
    return d1 @ W1.T


def two_layer_grads(x, y, W1, b1, W2, b2):
    cache = _forward_cache(x, W1, b1, W2, b2)
    d1, d2 = _deltas(cache, y, W2)
    return dict(W1=cache["x"].T @ d1, b1=d1.sum(0), W2=cache["h"].T @ d2, b2=d2.sum(0))


def num_params(Dx, H, Dy):
    dims = (Dx, H, Dy)
    valid = all(isinstance(d, numbers.Integral) and not isinstance(d, (bool, np.bool_)) and d > 0 for d in dims)
    if not valid:
        raise ValueError(f"num_params needs three positive integers, got {dims}")
    return int((Dx + 1) * H + (H + 1) * Dy)


# ------------------------------------------------------------------ 4. gradient checking

def numerical_gradient(f, x, h=1e-5):
    out = np.empty(x.shape, dtype=np.float64)
    for index in np.ndindex(*x.shape):
        x0 = x[index]
        x[index] = x0 + h
        up = f(x)
        x[index] = x0 - h
        down = f(x)
        x[index] = x0
        out[index] = (up - down) / (2 * h)
    return out


def gradient_check(f, grad, x, tol=1e-5):
    n = numerical_gradient(f, x)
    a = np.asarray(grad(x), dtype=np.float64)
    err = np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    return bool(err < tol), float(err)


# ------------------------------------------------------------------ 5. PyTorch

def majority_dataset(n_bits=10):
    X = torch.cartesian_prod(*[torch.tensor([0.0, 1.0])] * n_bits) if n_bits > 1 \
        else torch.tensor([[0.0], [1.0]])
    X = X.to(torch.float32)
    y = (X.mean(dim=1) > 0.5).to(torch.float32)   # mean > 1/2 <=> more ones than zeros
    return X, y


class Perceptron(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.fc = nn.Linear(n_in, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc(x))[..., 0]


def build_model(n_bits):
    return Perceptron(n_bits)


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    generator = torch.Generator().manual_seed(seed)
    sampler = BatchSampler(RandomSampler(range(len(X)), generator=generator), batch_size, drop_last=False)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    loss_fn = nn.BCELoss(reduction="mean")
    out = []
    for _ in range(epochs):
        num, den = 0.0, 0
        for batch in sampler:                     # a fresh permutation every epoch
            idx = torch.as_tensor(batch)
            xb, yb = X[idx].to(device), y[idx].to(device)
            loss = loss_fn(model(xb).flatten(), yb.flatten())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            num += loss.item() * len(batch)
            den += len(batch)
        out.append(num / den)
    return out


def predict(model, X, device):
    model.to(device)
    with torch.inference_mode():
        p = model(X.to(device)).flatten()
    return (p > 0.5).cpu()                        # a bool tensor

"""The independent oracle for PS1: PyTorch autograd in float64, in the trusted parent.

Every function takes NumPy arrays (any numeric dtype: float32 inputs are graded against the oracle
on the same float32 values, so they are cast to float64 exactly) and returns float64 NumPy arrays or
Python floats. Gradients come from autograd, never from the formulas of the SPEC, so the oracle and
the reference solution are two independent derivations of the same numbers.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from autograder.suitelib.autograd import array as _np
from autograder.suitelib.autograd import grads as _grads
from autograder.suitelib.autograd import tensor as _t


# ------------------------------------------------------------------ part 1


def sigmoid(x) -> np.ndarray:
    return _np(torch.sigmoid(_t(x)))


def sigmoid_derivative(x) -> np.ndarray:
    """dσ/dx at x, by autograd (the value sigmoid_grad(sigmoid(x)) must give)."""
    xt = _t(x, grad=True)
    return _grads(torch.sigmoid(xt).sum(), xt)[0]


def softmax(x) -> np.ndarray:
    return _np(torch.softmax(_t(x), dim=-1))


def softmax_jacobian(z) -> np.ndarray:
    """The (C, C) Jacobian of softmax at the 1-D logits z (softmax_jacobian(softmax(z)) must give it)."""
    return _np(torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=-1), _t(z)))


# ------------------------------------------------------------------ part 2


def one_hot(labels, num_classes: int) -> np.ndarray:
    return F.one_hot(torch.as_tensor(np.asarray(labels, dtype=np.int64)), int(num_classes)).numpy().astype(np.float64)


def binary_cross_entropy(o, t) -> float:
    """Mean BCE over all elements, each log clamped at -100 (torch.nn.BCELoss)."""
    return float(F.binary_cross_entropy(_t(o), _t(t)))


def cross_entropy(y_hat, y) -> float:
    """Mean over rows of -Σ y log ŷ, the log clamped at -100 as BCELoss does."""
    log = torch.clamp(torch.log(_t(y_hat)), min=-100.0)
    return float(-(_t(y) * log).sum(dim=1).mean())


def softmax_cross_entropy(logits, y) -> float:
    return float(F.cross_entropy(_t(logits), _t(y)))


def softmax_cross_entropy_grad(logits, y) -> np.ndarray:
    z = _t(logits, grad=True)
    return _grads(F.cross_entropy(z, _t(y)), z)[0]


def logistic_regression_grad(x, t, w, b) -> tuple[np.ndarray, float]:
    """(dw, db) of the mean BCE of σ(x w + b), by autograd through the exact (logit) form of BCE."""
    wt, bt = _t(w, grad=True), _t(b, grad=True)
    loss = F.binary_cross_entropy_with_logits(_t(x) @ wt + bt, _t(t))
    dw, db = _grads(loss, wt, bt)
    return dw, float(db)


# ------------------------------------------------------------------ part 3


def _two_layer_logits(x, W1, b1, W2, b2) -> torch.Tensor:
    return torch.sigmoid(x @ W1 + b1) @ W2 + b2


def two_layer_forward(x, W1, b1, W2, b2) -> np.ndarray:
    return _np(torch.softmax(_two_layer_logits(*map(_t, (x, W1, b1, W2, b2))), dim=1))


def _two_layer_all_grads(x, y, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    tensors = {k: _t(v, grad=True) for k, v in dict(x=x, W1=W1, b1=b1, W2=W2, b2=b2).items()}
    loss = F.cross_entropy(_two_layer_logits(*tensors.values()), _t(y))
    return dict(zip(tensors, _grads(loss, *tensors.values())))


def two_layer_grad_x(x, y, W1, b1, W2, b2) -> np.ndarray:
    return _two_layer_all_grads(x, y, W1, b1, W2, b2)["x"]


def two_layer_grads(x, y, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    grads = _two_layer_all_grads(x, y, W1, b1, W2, b2)
    return {k: grads[k] for k in ("W1", "b1", "W2", "b2")}


def num_params(Dx: int, H: int, Dy: int) -> int:
    layers = [nn.Linear(int(Dx), int(H)), nn.Linear(int(H), int(Dy))]
    return int(sum(p.numel() for layer in layers for p in layer.parameters()))


# ------------------------------------------------------------------ part 4: the harness's test functions


def _quadratic(A, b) -> Callable:
    A, b = _t(A), _t(b)
    return lambda x: 0.5 * torch.sum(x * (x @ A)) + torch.sum(b * x)


def _sum_sin(scale=1.0) -> Callable:
    return lambda x: torch.sum(torch.sin(scale * x))


def _logsumexp(scale=1.0) -> Callable:
    return lambda x: torch.logsumexp((scale * x).reshape(-1), dim=0)


def _coupled(c) -> Callable:
    c = _t(c)
    return lambda x: torch.sum(c * x) * torch.mean(x * x) + torch.cos(torch.sum(x))


TEST_FUNCTIONS: dict[str, Callable[..., Callable]] = {
    "quadratic": _quadratic,
    "sum_sin": _sum_sin,
    "logsumexp": _logsumexp,
    "coupled": _coupled,
}


def function_value(name: str, params: dict, x) -> float:
    return float(TEST_FUNCTIONS[name](**params)(_t(x)))


def function_gradient(name: str, params: dict, x) -> np.ndarray:
    """The exact gradient of the named test function at x, by autograd."""
    xt = _t(x, grad=True)
    return _grads(TEST_FUNCTIONS[name](**params)(xt), xt)[0]


def centred_difference(name: str, params: dict, x, h: float) -> np.ndarray:
    """What numerical_gradient(f, x, h) should return: (f(x + h e_i) - f(x - h e_i)) / 2h for each i."""
    f = TEST_FUNCTIONS[name](**params)
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros(x.shape)
    with torch.no_grad():
        for idx in np.ndindex(x.shape):
            plus, minus = x.copy(), x.copy()
            plus[idx] = x[idx] + h
            minus[idx] = x[idx] - h
            out[idx] = (float(f(_t(plus))) - float(f(_t(minus)))) / (2 * h)
    return out


def tampered_gradient(name: str, params: dict, x, kind: str, factor: float = 1.0, index=None,
                      delta: float = 0.0, step: float = 0.0) -> np.ndarray:
    """The wrong gradient the harness's "tampered" function returns, computed independently."""
    g = function_gradient(name, params, x)
    if kind == "scale":
        return g * factor
    if kind == "transpose":
        return g.T.copy()
    if kind == "zero":
        return np.zeros_like(g)
    if kind == "entry":
        g = g.copy()
        g[tuple(index)] += delta
        return g
    if kind == "ramp":
        return g * (1.0 + step * np.arange(g.size).reshape(g.shape))
    return g


def max_rel_error(analytic, numeric) -> float:
    """SPEC: max over entries of |a - n| / max(1e-8, |a| + |n|)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


# ------------------------------------------------------------------ part 5


def majority_labels(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return (X.sum(axis=1) > X.shape[1] / 2).astype(np.float64)


def all_bit_strings(n_bits: int) -> np.ndarray:
    """All 2**n_bits bit strings in counting order (bit i of row k is bit i of k), float64."""
    codes = np.arange(2 ** n_bits)
    return ((codes[:, None] >> np.arange(n_bits)) & 1).astype(np.float64)


def grader_model_probabilities(weight, bias, X) -> np.ndarray:
    """The grader's model (Linear + sigmoid, flattened) on X, in float32 as the worker runs it."""
    layer = nn.Linear(len(weight), 1)
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(np.asarray(weight, dtype=np.float32)).reshape(1, -1))
        layer.bias.copy_(torch.as_tensor(np.asarray(bias, dtype=np.float32)).reshape(1))
        return torch.sigmoid(layer(torch.as_tensor(np.asarray(X, dtype=np.float32)))).reshape(-1).numpy()


def sgd_step(weight, bias, X, lr: float) -> tuple[np.ndarray, np.ndarray, float]:
    """One plain SGD step at lr on the mean BCE over all of X (float64): (new weight, new bias, loss before)."""
    w, b = _t(weight, grad=True), _t(np.reshape(bias, -1), grad=True)
    Xt = _t(X)
    loss = F.binary_cross_entropy(torch.sigmoid(Xt @ w + b), _t(majority_labels(X)))
    dw, db = _grads(loss, w, b)
    return _np(w) - lr * dw, _np(b) - lr * db, float(loss.detach())


def batches_per_epoch(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)

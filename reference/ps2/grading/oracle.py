"""The independent oracle for PS2: PyTorch autograd in float64, in the trusted parent.

Every function takes NumPy arrays (any numeric dtype: float32 inputs are cast to float64 exactly, so a
float32 submission is graded against the oracle on the same values) and returns float64 NumPy arrays or
Python floats. Gradients come from autograd, never from the formulas of docs/ps2-spec.md, so the oracle
and the reference solution are two independent derivations of the same numbers.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from autograder.suitelib.autograd import DTYPE
from autograder.suitelib.autograd import array as _np
from autograder.suitelib.autograd import grads as _grads
from autograder.suitelib.autograd import tensor as _t
KINDS = ("linear_mse", "sigmoid_bce", "softmax_ce")
ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
IRIS = Path(__file__).resolve().parent.parent / "iris.csv"  # the released data file, beside the notebook


def one_hot(labels, num_classes: int) -> np.ndarray:
    return F.one_hot(torch.as_tensor(np.asarray(labels, dtype=np.int64)), int(num_classes)).numpy().astype(np.float64)


# ------------------------------------------------------------------ part 1: softmax regression


def _logits(X, W, b) -> torch.Tensor:
    return X @ W + b


def softmax_regression_forward(X, W, b) -> np.ndarray:
    return _np(torch.softmax(_logits(_t(X), _t(W), _t(b)), dim=1))


def _ce(logits: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """Mean over rows of -Σ_j Y_ij log softmax(logits)_ij (Y may be any non-negative weights)."""
    return -(Y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()


def softmax_regression_loss(X, Y, W, b) -> float:
    return float(_ce(_logits(_t(X), _t(W), _t(b)), _t(Y)))


def softmax_regression_grads(X, Y, W, b) -> tuple[np.ndarray, np.ndarray]:
    Wt, bt = _t(W, grad=True), _t(b, grad=True)
    dW, db = _grads(_ce(_logits(_t(X), Wt, bt), _t(Y)), Wt, bt)
    return dW, db


def standardize(X_train, X_other) -> tuple[np.ndarray, np.ndarray]:
    """Both scaled with the training rows' mean and population deviation; a column whose deviation is at
    the level of rounding (≤ 1e-12 · max(1, |mean|)) only centred."""
    train, other = _t(X_train), _t(X_other)
    mean = train.mean(dim=0)
    std = train.std(dim=0, correction=0)
    scale = torch.where(std <= 1e-12 * torch.clamp(mean.abs(), min=1.0), torch.ones_like(std), std)
    return _np((train - mean) / scale), _np((other - mean) / scale)


def fit_softmax_regression(X, y, num_classes: int, lr: float = 0.5, epochs: int = 300):
    """(W, b, losses): full-batch gradient descent from zero, replayed with autograd in float64;
    losses[k] is the loss before step k."""
    X, Y = _t(X), _t(one_hot(y, num_classes))
    W = torch.zeros(X.shape[1], num_classes, dtype=DTYPE, requires_grad=True)
    b = torch.zeros(num_classes, dtype=DTYPE, requires_grad=True)
    losses = []
    for _ in range(int(epochs)):
        loss = _ce(_logits(X, W, b), Y)
        losses.append(float(loss.detach()))
        dW, db = torch.autograd.grad(loss, (W, b))
        with torch.no_grad():
            W -= lr * dW
            b -= lr * db
    return _np(W), _np(b), losses


def predict_classes(X, W, b) -> np.ndarray:
    """The arg-max of the logits (the first of tied maxima, as torch.argmax and np.argmax give)."""
    return torch.argmax(_logits(_t(X), _t(W), _t(b)), dim=1).numpy()


def logit_margins(X, W, b) -> np.ndarray:
    """Per row, the largest logit minus the second largest (0 for a tie)."""
    top = torch.topk(_logits(_t(X), _t(W), _t(b)), 2, dim=1).values
    return _np(top[:, 0] - top[:, 1])


def accuracy(y_true, y_pred) -> float:
    a, b = torch.as_tensor(np.asarray(y_true)), torch.as_tensor(np.asarray(y_pred))
    return float((a == b).to(DTYPE).mean())


# ------------------------------------------------------------------ part 2: output layer and loss


def _output_loss(kind: str, a: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The sum over the k outputs of each example's loss, averaged over the n examples."""
    n = a.shape[0]
    if kind == "linear_mse":
        return F.mse_loss(a, y, reduction="sum") / n
    if kind == "sigmoid_bce":
        return F.binary_cross_entropy_with_logits(a, y, reduction="sum") / n
    if kind == "softmax_ce":
        return F.cross_entropy(a, y, reduction="sum") / n  # y as class probabilities (one-hot)
    raise KeyError(kind)


def output_loss(kind: str, a, y) -> float:
    return float(_output_loss(kind, _t(a), _t(y)))


def output_delta(kind: str, a, y) -> np.ndarray:
    at = _t(a, grad=True)
    return _grads(_output_loss(kind, at, _t(y)), at)[0]


# ------------------------------------------------------------------ part 3: backpropagation


def _mlp_logits(x: torch.Tensor, params: list, activation: str) -> torch.Tensor:
    h = x
    for l, (W, b) in enumerate(params):
        z = h @ W + b
        h = ACTIVATIONS[activation](z) if l < len(params) - 1 else z
    return h


def mlp_forward(x, params, activation: str) -> np.ndarray:
    tensors = [(_t(W), _t(b)) for W, b in params]
    return _np(torch.softmax(_mlp_logits(_t(x), tensors, activation), dim=1))


def mlp_grads(x, y, params, activation: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every layer's (dW, db) of the mean cross-entropy, by autograd (torch's ReLU has derivative 0 at 0)."""
    tensors = [(_t(W, grad=True), _t(b, grad=True)) for W, b in params]
    loss = _ce(_mlp_logits(_t(x), tensors, activation), _t(y))
    flat = _grads(loss, *[t for pair in tensors for t in pair])
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(tensors))]


# ------------------------------------------------------------------ part 4: the classifier in PyTorch


def classifier_logits(params: list, X, dtype=torch.float32) -> torch.Tensor:
    """Linear → ReLU → Linear with torch's layout (weight (out, in)), on X, in ``dtype`` (float32 as the
    worker runs the grader's model)."""
    (w1, b1), (w2, b2) = [(torch.as_tensor(np.asarray(w)).to(dtype), torch.as_tensor(np.asarray(b)).to(dtype))
                          for w, b in params]
    x = torch.as_tensor(np.asarray(X)).to(dtype)
    return F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2)


def classifier_accuracy(params: list, X, y) -> tuple[float, int]:
    """(accuracy of the arg-max of the logits in float32, how many rows are within 1e-4 of a tie: their
    arg-max may differ between devices and libraries)."""
    logits = classifier_logits(params, X)
    top = torch.topk(logits, min(2, logits.shape[1]), dim=1).values
    near = int((top[:, 0] - top[:, -1] < 1e-4).sum()) if logits.shape[1] > 1 else 0
    right = logits.argmax(dim=1).numpy() == np.asarray(y)
    return float(np.mean(right)), near


def batch_loss(logits, labels) -> float:
    """The mean cross-entropy of a batch's logits (as the model returned them, float32) against its labels."""
    return float(F.cross_entropy(torch.as_tensor(np.asarray(logits)).to(DTYPE),
                                 torch.as_tensor(np.asarray(labels, dtype=np.int64))))


def classifier_sgd(params: list, X, y, lr: float, steps: int) -> tuple[list, list[float]]:
    """``steps`` full-batch plain SGD steps on the mean cross-entropy from logits, in float64:
    (the parameters after, the loss before each step)."""
    tensors = [(_t(w, grad=True), _t(b, grad=True)) for w, b in params]
    Xt, yt = _t(X), torch.as_tensor(np.asarray(y, dtype=np.int64))
    losses = []
    for _ in range(steps):
        (w1, b1), (w2, b2) = tensors
        loss = F.cross_entropy(F.linear(torch.relu(F.linear(Xt, w1, b1)), w2, b2), yt)
        losses.append(float(loss.detach()))
        grads = torch.autograd.grad(loss, [t for pair in tensors for t in pair])
        with torch.no_grad():
            for t, g in zip([t for pair in tensors for t in pair], grads):
                t -= lr * g
    return [(_np(w), _np(b)) for w, b in tensors], losses


def default_init_bound(fan_in: int) -> float:
    """nn.Linear's default initialisation draws every weight and bias from U(-1/√fan_in, 1/√fan_in)."""
    return 1.0 / math.sqrt(fan_in)


# ------------------------------------------------------------------ Iris, the grader's split


def load_iris(path: Path = IRIS) -> tuple[np.ndarray, np.ndarray]:
    """Features (150, 4) float64 and labels (150,) int64, the species numbered in alphabetical order."""
    rows = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    species = sorted(set(rows[:, 4].tolist()))
    return rows[:, :4].astype(np.float64), np.array([species.index(s) for s in rows[:, 4]], dtype=np.int64)


def iris_split(seed: int = 453, test_per_class: int = 10):
    """A fixed stratified split, standardised with the training rows' statistics (the oracle's):
    (X_train, y_train, X_test, y_test), training rows unique (Iris repeats a few flowers)."""
    X, y = load_iris()
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        test += rows[:test_per_class].tolist()
        train += rows[test_per_class:].tolist()
    train, test = np.sort(train), np.sort(test)
    _, first = np.unique(X[train], axis=0, return_index=True)
    train = train[np.sort(first)]
    X_train, X_test = standardize(X[train], X[test])
    return X_train, y[train], X_test, y[test]

# PS1 "Sigmoid & Softmax" -- submission written with tanh, log-sum-exp, fancy indexing and einsum.
import operator

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _floaty(a):
    # keep float32/float64 as they are, promote everything else (ints, bools) to float64
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def _log_clamped(p):
    # log clamped at -100 (like BCELoss); log is only taken of the strictly positive entries
    p = _floaty(p)
    out = np.full_like(p, -100.0)
    np.log(p, out=out, where=p > 0)
    return np.maximum(out, -100.0)


# ---------------------------------------------------------------------------- Part 1

def sigmoid(x):
    # sigma(x) = (1 + tanh(x / 2)) / 2: tanh saturates to +-1 and never overflows
    x = _floaty(x)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_grad(s):
    # the derivative expressed through the output s = sigma(x)
    s = _floaty(s)
    return s - s * s


def softmax(x):
    # exp(x - logsumexp(x)), with the log-sum-exp stabilised by the row maximum
    x = _floaty(x)
    m = x.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    return np.exp(x - lse)


def softmax_jacobian(s):
    # J = diag(s) - s s^T, both terms written as einsums
    s = _floaty(s)
    eye = np.eye(s.shape[0], dtype=s.dtype)
    return np.einsum("i,ij->ij", s, eye) - np.einsum("i,j->ij", s, s)


# ---------------------------------------------------------------------------- Part 2

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError("labels must be a 1-D integer array")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError("label outside [0, num_classes)")
    Y = np.zeros((labels.size, num_classes))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def binary_cross_entropy(o, t):
    o, t = _floaty(o), _floaty(t)
    per_elem = -(t * _log_clamped(o) + (1 - t) * _log_clamped(1 - o))
    return float(per_elem.mean())


def cross_entropy(y_hat, y):
    # y is one-hot: pick the predicted probability of each row's true class
    y_hat, y = _floaty(y_hat), _floaty(y)
    rows = np.arange(y.shape[0])
    picked = y_hat[rows, y.argmax(axis=1)]
    return float(-np.mean(_log_clamped(picked)))


def softmax_cross_entropy(logits, y):
    # -log softmax of the true class = logsumexp(z) - z_true
    z, y = _floaty(logits), _floaty(y)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    z_true = z[np.arange(z.shape[0]), y.argmax(axis=1)]
    return float(np.mean(lse - z_true))


def softmax_cross_entropy_grad(logits, y):
    z, y = _floaty(logits), _floaty(y)
    return (softmax(z) - y) / z.shape[0]


def logistic_regression_grad(x, t, w, b):
    x, t, w = _floaty(x), _floaty(t), _floaty(w)
    err = sigmoid(x @ w + b) - t                 # (N,)
    dw = np.einsum("nd,n->d", x, err) / x.shape[0]
    return dw, err.mean()


# ---------------------------------------------------------------------------- Part 3

def two_layer_forward(x, W1, b1, W2, b2):
    h = sigmoid(np.einsum("nd,dh->nh", _floaty(x), W1) + b1)
    return softmax(np.einsum("nh,hk->nk", h, W2) + b2)


def _backprop(x, y, W1, b1, W2, b2):
    x, y = _floaty(x), _floaty(y)
    h = sigmoid(x @ W1 + b1)
    delta2 = (softmax(h @ W2 + b2) - y) / x.shape[0]           # dL/dz2
    delta1 = np.einsum("nk,hk->nh", delta2, W2) * h * (1 - h)   # dL/dz1
    return x, h, delta1, delta2


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    _, _, delta1, _ = _backprop(x, y, W1, b1, W2, b2)
    return np.einsum("nh,dh->nd", delta1, W1)


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, h, delta1, delta2 = _backprop(x, y, W1, b1, W2, b2)
    return {
        "W1": np.einsum("nd,nh->dh", x, delta1),
        "b1": np.einsum("nh->h", delta1),
        "W2": np.einsum("nh,nk->hk", h, delta2),
        "b2": np.einsum("nk->k", delta2),
    }


def num_params(Dx, H, Dy):
    sizes = []
    for v in (Dx, H, Dy):
        if isinstance(v, bool):
            raise ValueError("a bool is not a layer size")
        try:
            v = operator.index(v)          # Python and NumPy ints only (no floats, strings, np.bool_)
        except TypeError:
            raise ValueError(f"layer size must be an integer, got {v!r}") from None
        if v < 1:
            raise ValueError("layer sizes must be positive")
        sizes.append(v)
    Dx, H, Dy = sizes
    return H * (Dx + 1) + Dy * (H + 1)


# ---------------------------------------------------------------------------- Part 4

def numerical_gradient(f, x, h=1e-5):
    # x.flat indexes any (also non-contiguous) writable array in place
    g = np.zeros(x.shape)
    for i in range(x.size):
        saved = x.flat[i]
        x.flat[i] = saved + h
        up = f(x)
        x.flat[i] = saved - h
        down = f(x)
        x.flat[i] = saved
        g.flat[i] = (up - down) / (2 * h)
    return g


def gradient_check(f, grad, x, tol=1e-5):
    num = numerical_gradient(f, x)
    ana = np.asarray(grad(x), dtype=np.float64)
    rel = np.abs(ana - num) / np.maximum(1e-8, np.abs(ana) + np.abs(num))
    err = rel.max()
    return bool(err < tol), float(err)


# ---------------------------------------------------------------------------- Part 5

def majority_dataset(n_bits=10):
    # row i holds the bits of i (most significant first)
    powers = 2 ** torch.arange(n_bits - 1, -1, -1)
    X = (torch.arange(2**n_bits).unsqueeze(1) // powers % 2).float()
    y = (2 * X.sum(1) > n_bits).float()
    return X, y


class MajorityNet(nn.Module):
    def __init__(self, n_bits):
        super().__init__()
        self.linear = nn.Linear(n_bits, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x)).squeeze(-1)


def build_model(n_bits):
    return MajorityNet(n_bits)


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    # DataLoader with a seeded generator reshuffles every epoch, reproducibly
    model.to(device)
    gen = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=gen)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    bce = nn.BCELoss()
    history = []
    for _ in range(epochs):
        weighted, count = 0.0, 0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = bce(model(xb).view(-1), yb.view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            weighted += loss.item() * xb.shape[0]
            count += xb.shape[0]
        history.append(weighted / count)
    return history


def predict(model, X, device):
    model = model.to(device)
    with torch.no_grad():
        probs = model(X.to(device)).view(-1)
    return probs.round().cpu()     # 0.0 / 1.0

# PS1 -- written the "one example at a time" way: loops over rows / examples, ufuncs with where=,
# training batches staged in one reused buffer,
# and the network gradients accumulated example by example (then averaged).

import math

import numpy as np
import torch
from torch import nn


def float_input(a):
    a = np.asarray(a)
    if a.dtype.kind != "f":
        a = a.astype(np.float64)
    return a


# ---------------- part 1 ----------------

def sigmoid(x):
    # e = exp(-|x|), computed with ufunc masks so that exp only ever sees non-positive numbers
    x = float_input(x)
    pos = x >= 0
    e = np.empty_like(x)
    np.exp(-x, out=e, where=pos)
    np.exp(x, out=e, where=~pos)
    num = np.where(pos, np.ones_like(x), e)
    return num / (1 + e)


def sigmoid_grad(s):
    s = float_input(s)
    return s * (1 - s)


def _softmax_row(row):
    e = np.exp(row - np.max(row))
    return e / np.sum(e)


def softmax(x):
    x = float_input(x)
    if x.ndim == 1:
        return _softmax_row(x)
    out = np.empty_like(x)
    for n in range(x.shape[0]):
        out[n] = _softmax_row(x[n])
    return out


def softmax_jacobian(s):
    s = float_input(s)
    C = s.shape[0]
    J = np.empty((C, C), dtype=s.dtype)
    for i in range(C):
        for j in range(C):
            J[i, j] = s[i] * ((1 if i == j else 0) - s[j])
    return J


# ---------------- part 2 ----------------

def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise ValueError("labels must be integers")
    Y = np.zeros((labels.shape[0], num_classes))
    for n, k in enumerate(labels.tolist()):
        if k < 0 or k >= num_classes:
            raise ValueError(f"label {k} is not a class in 0..{num_classes - 1}")
        Y[n, k] = 1.0
    return Y


def _clog(p):
    # log(p) with log(0) replaced by -100 (never evaluated), clamped at -100
    p = float_input(p)
    out = np.full(p.shape, -100.0, dtype=p.dtype)
    np.log(p, out=out, where=p > 0)
    return np.clip(out, -100.0, None)


def binary_cross_entropy(o, t):
    o, t = float_input(o), float_input(t)
    elementwise = t * _clog(o) + (1 - t) * _clog(1 - o)
    return -elementwise.mean()


def cross_entropy(y_hat, y):
    y_hat, y = float_input(y_hat), float_input(y)
    total = 0.0
    for n in range(y_hat.shape[0]):
        total += -np.sum(y[n] * _clog(y_hat[n]))
    return np.result_type(y_hat, y).type(total / y_hat.shape[0])


def softmax_cross_entropy(logits, y):
    logits, y = float_input(logits), float_input(y)
    total = 0.0
    for n in range(logits.shape[0]):
        z = logits[n]
        m = np.max(z)
        log_p = z - m - np.log(np.sum(np.exp(z - m)))
        total += -np.dot(y[n], log_p)
    return np.result_type(logits, y).type(total / logits.shape[0])


def softmax_cross_entropy_grad(logits, y):
    logits, y = float_input(logits), float_input(y)
    N = logits.shape[0]
    g = np.empty(np.broadcast_shapes(logits.shape, y.shape), dtype=np.result_type(logits, y))
    for n in range(N):
        g[n] = (_softmax_row(logits[n]) - y[n]) / N
    return g


def logistic_regression_grad(x, t, w, b):
    x, t, w = float_input(x), float_input(t), float_input(w)
    N = x.shape[0]
    o = sigmoid(x @ w + b)
    dw = np.zeros_like(o - t, shape=w.shape)
    db = 0.0
    for n in range(N):
        dw += (o[n] - t[n]) * x[n] / N
        db += (o[n] - t[n]) / N
    return dw, (o - t).dtype.type(db)


# ---------------- part 3 ----------------

def two_layer_forward(x, W1, b1, W2, b2):
    x = float_input(x)
    return softmax(sigmoid(x @ W1 + b1) @ W2 + b2)


def _per_example(x_n, y_n, W1, b1, W2, b2):
    """Gradients of the single-example loss -sum y log softmax(...) for one example."""
    h = sigmoid(x_n @ W1 + b1)              # (H,)
    y_hat = _softmax_row(h @ W2 + b2)       # (Dy,)
    d2 = y_hat - y_n                        # (Dy,)
    d1 = (W2 @ d2) * h * (1 - h)            # (H,)
    return {"x": W1 @ d1, "W1": np.outer(x_n, d1), "b1": d1, "W2": np.outer(h, d2), "b2": d2}


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = float_input(x), float_input(y)
    N = x.shape[0]
    dx = np.empty(x.shape, dtype=np.result_type(x, y, W1, b1, W2, b2))
    for n in range(N):
        dx[n] = _per_example(x[n], y[n], W1, b1, W2, b2)["x"] / N
    return dx


def two_layer_grads(x, y, W1, b1, W2, b2):
    x, y = float_input(x), float_input(y)
    N = x.shape[0]
    dtype = np.result_type(x, y, W1, b1, W2, b2)
    acc = {k: np.zeros(np.shape(v), dtype=dtype) for k, v in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    for n in range(N):
        g = _per_example(x[n], y[n], W1, b1, W2, b2)
        for k in acc:
            acc[k] += g[k]
    return {k: v / N for k, v in acc.items()}


def num_params(Dx, H, Dy):
    args = [Dx, H, Dy]
    for a in args:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise ValueError(f"{a!r} is not an integer")
        if a < 1:
            raise ValueError(f"{a!r} is not positive")
    Dx, H, Dy = (int(a) for a in args)
    return (Dx + 1) * H + (H + 1) * Dy


# ---------------- part 4 ----------------

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for v in it:
        before = v.copy()            # 0-d copy of the current entry
        v[...] = before + h
        fp = f(x)
        v[...] = before - h
        fm = f(x)
        v[...] = before              # exact restore
        grad[it.multi_index] = (fp - fm) / (2 * h)
    return grad


def gradient_check(f, grad, x, tol=1e-5):
    num = numerical_gradient(f, x)
    ana = np.array(grad(x), dtype=np.float64)
    worst = 0.0
    for a, n in zip(ana.ravel(), num.ravel()):
        worst = max(worst, abs(a - n) / max(1e-8, abs(a) + abs(n)))
    return worst < tol, worst


# ---------------- part 5 ----------------

def majority_dataset(n_bits=10):
    n = 2**n_bits
    X = torch.zeros(n, n_bits, dtype=torch.float32)
    for i in range(n):
        for j in range(n_bits):
            X[i, j] = (i >> j) & 1
    y = (X.sum(1) * 2 > n_bits).float()
    return X, y


def build_model(n_bits):
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(n_bits, 1)
            self.act = nn.Sigmoid()

        def forward(self, x):
            return self.act(self.layer(x)).reshape(x.shape[0])

    return Model()


def train(model, X, y, *, device, epochs=20, batch_size=64, lr=0.5, seed=0):
    model.to(device)
    gen = torch.Generator()
    gen.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    criterion = nn.BCELoss()
    n = len(X)
    n_batches = math.ceil(n / batch_size)
    # every batch is copied into the same two buffers (as a loop over a pinned staging area would)
    x_buffer = torch.empty(batch_size, X.shape[1], device=device)
    y_buffer = torch.empty(batch_size, device=device)
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for k in range(n_batches):
            sel = order[k * batch_size:(k + 1) * batch_size]
            xb = x_buffer[:sel.numel()]
            yb = y_buffer[:sel.numel()]
            xb.copy_(X[sel])
            yb.copy_(y[sel])
            opt.zero_grad()
            loss = criterion(model(xb).reshape(yb.shape), yb)
            loss_sum += loss.item() * sel.numel()
            loss.backward()
            opt.step()
        losses.append(loss_sum / n)
    return losses


def predict(model, X, device):
    model.to(device)
    model.eval()
    with torch.no_grad():
        out = model(X.to(device))
    return (out.reshape(-1) >= 0.5).to(torch.float32).cpu()

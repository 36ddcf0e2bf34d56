"""PS2, correct, written dtype-first: each function picks the result dtype once (float32 if any float input is
float32, else float64: mixed float inputs may give either), uses scipy-like log-sum-exp written by hand with
np.max(..., initial=-inf), where/select instead of branches, and a training loop that shuffles with
torch.randperm drawn from its own generator inside a DataLoader's batch_sampler."""
import numpy as np
import torch


def _pick(*arrays):
    dtypes = {np.asarray(a).dtype for a in arrays}
    return np.float32 if np.dtype(np.float32) in dtypes else np.float64


def _lse(Z):
    m = np.max(Z, axis=-1, keepdims=True, initial=-np.inf)
    return m + np.log(np.sum(np.exp(Z - m), axis=-1, keepdims=True))


def softmax_regression_forward(X, W, b):
    f = _pick(X, W, b)
    Z = np.asarray(X).astype(f) @ np.asarray(W).astype(f) + np.asarray(b).astype(f)
    return np.exp(Z - _lse(Z))


def softmax_regression_loss(X, Y, W, b):
    f = _pick(X, Y, W, b)
    Z = np.asarray(X).astype(f) @ np.asarray(W).astype(f) + np.asarray(b).astype(f)
    return float(np.sum(-np.asarray(Y).astype(f) * (Z - _lse(Z))) / Z.shape[0])


def softmax_regression_grads(X, Y, W, b):
    f = _pick(X, Y, W, b)
    X = np.asarray(X).astype(f)
    D = (softmax_regression_forward(X, W, b) - np.asarray(Y).astype(f)) / X.shape[0]
    return (X.T @ D).astype(f), D.sum(axis=0).astype(f)


def standardize(X_train, X_other):
    f = _pick(X_train, X_other)
    X_train, X_other = np.asarray(X_train).astype(f), np.asarray(X_other).astype(f)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=0)
    std = np.select([std <= 1e-12 * np.maximum(1.0, np.abs(mean))], [np.ones_like(std)], std)
    return np.divide(X_train - mean, std), np.divide(X_other - mean, std)


def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    f = _pick(X)
    X = np.asarray(X).astype(f)
    Y = (np.asarray(y).reshape(-1, 1) == np.arange(num_classes)).astype(f)
    params = [np.zeros((X.shape[1], num_classes), f), np.zeros(num_classes, f)]
    losses = []
    for _ in range(epochs):
        losses.append(softmax_regression_loss(X, Y, *params))
        params = [p - f(lr) * g for p, g in zip(params, softmax_regression_grads(X, Y, *params))]
    return params[0], params[1], losses


def predict_classes(X, W, b):
    f = _pick(X, W, b)
    return np.argmax(np.asarray(X).astype(f) @ np.asarray(W).astype(f) + np.asarray(b).astype(f), axis=-1)


def accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"shapes {y_true.shape} and {y_pred.shape}: need the same non-zero length")
    return float((y_true == y_pred).mean())


KINDS = ("linear_mse", "sigmoid_bce", "softmax_ce")


def output_loss(kind, a, y):
    if kind not in KINDS:
        raise ValueError(kind)
    f = _pick(a, y)
    a, y = np.asarray(a).astype(f), np.asarray(y).astype(f)
    per = {
        "linear_mse": lambda: (a - y) ** 2,
        "sigmoid_bce": lambda: np.where(a > 0, a * (1 - y), -a * y) + np.log1p(np.exp(-np.abs(a))),
        "softmax_ce": lambda: -y * (a - _lse(a)),
    }[kind]()
    return float(per.sum() / a.shape[0])


def output_delta(kind, a, y):
    if kind not in KINDS:
        raise ValueError(kind)
    f = _pick(a, y)
    a, y = np.asarray(a).astype(f), np.asarray(y).astype(f)
    if kind == "linear_mse":
        d = 2 * (a - y)
    elif kind == "sigmoid_bce":
        e = np.exp(-np.abs(a))
        d = np.where(a >= 0, 1 / (1 + e), e / (1 + e)) - y
    else:
        d = np.exp(a - _lse(a)) - y
    return (d / a.shape[0]).astype(f)


def _hidden(activation):
    if activation == "sigmoid":
        def g(Z):
            e = np.exp(-np.abs(Z))
            H = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
            return H, H * (1 - H)
    elif activation == "tanh":
        def g(Z):
            H = np.tanh(Z)
            return H, 1 - H ** 2
    elif activation == "relu":
        def g(Z):
            return np.maximum(Z, 0), np.heaviside(Z, 0.0).astype(Z.dtype)
    else:
        raise ValueError(f"activation {activation!r}")
    return g


def _layers(x, params, f):
    if not len(params):
        raise ValueError("empty params")
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    out, width = [], x.shape[1]
    for W, b in params:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
            raise ValueError("params do not chain")
        out.append((W.astype(f), b.astype(f)))
        width = W.shape[1]
    return x.astype(f), out


def mlp_forward(x, params, activation):
    g = _hidden(activation)
    f = _pick(x, *[t for p in params for t in p])
    H, layers = _layers(x, params, f)
    for W, b in layers[:-1]:
        H, _ = g(H @ W + b)
    Z = H @ layers[-1][0] + layers[-1][1]
    return np.exp(Z - _lse(Z))


def mlp_grads(x, y, params, activation):
    g = _hidden(activation)
    f = _pick(x, y, *[t for p in params for t in p])
    H, layers = _layers(x, params, f)
    seen, slopes = [H], []
    for W, b in layers[:-1]:
        H, s = g(H @ W + b)
        seen.append(H)
        slopes.append(s)
    Z = H @ layers[-1][0] + layers[-1][1]
    delta = (np.exp(Z - _lse(Z)) - np.asarray(y).astype(f)) / Z.shape[0]
    grads = []
    for l in range(len(layers) - 1, -1, -1):
        grads.insert(0, (seen[l].T @ delta, np.sum(delta, axis=0)))
        if l:
            delta = np.multiply(delta @ layers[l][0].T, slopes[l - 1])
    return grads


def build_classifier(d_in, hidden, d_out):
    model = torch.nn.Sequential()
    model.add_module("fc1", torch.nn.Linear(d_in, hidden))
    model.add_module("relu", torch.nn.ReLU())
    model.add_module("fc2", torch.nn.Linear(hidden, d_out))
    return model


def evaluate(model, X, y, device):
    was = model.training
    model.eval()
    model.to(device)
    with torch.no_grad():
        hits = model(X.to(device)).argmax(dim=-1).eq(y.to(device)).float().mean().item()
    model.train(was)
    return hits


class _Shuffled(torch.utils.data.Sampler):
    """Batches of indices from one generator: a new permutation every epoch."""

    def __init__(self, n, batch_size, generator):
        self.n, self.batch_size, self.generator = n, batch_size, generator

    def __iter__(self):
        order = torch.randperm(self.n, generator=self.generator).tolist()
        for i in range(0, self.n, self.batch_size):
            yield order[i:i + self.batch_size]

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size


def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    sampler = _Shuffled(len(X), batch_size, torch.Generator().manual_seed(seed))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_sampler=sampler)
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        weighted = []
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            weighted.append((loss.item(), len(yb)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(sum(v * k for v, k in weighted) / sum(k for _, k in weighted))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies

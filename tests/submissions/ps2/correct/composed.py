"""PS2, correct, written as a student who reuses everything: private helpers for the dtype, the log-softmax and
the activations; the loss and its gradients built on softmax_regression_forward; mlp_grads built on a cached
forward pass; predict_classes through the forward pass; a DataLoader over a RandomSampler with its own generator."""
import numpy as np
import torch


def _float(*arrays):
    arrays = [np.asarray(a) for a in arrays]
    kinds = [a.dtype for a in arrays if np.issubdtype(a.dtype, np.floating)]
    dtype = np.result_type(*kinds) if kinds else np.dtype(np.float64)
    return [a.astype(dtype) for a in arrays]


def _log_softmax(Z):
    m = np.max(Z, axis=1, keepdims=True)
    return Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))


def _sigmoid(Z):
    return 0.5 * (1.0 + np.tanh(0.5 * Z))  # tanh never overflows


def softmax_regression_forward(X, W, b):
    X, W, b = _float(X, W, b)
    return np.exp(_log_softmax(X @ W + b))


def softmax_regression_loss(X, Y, W, b):
    X, Y, W, b = _float(X, Y, W, b)
    return float(np.mean(-np.sum(Y * _log_softmax(X @ W + b), axis=1)))


def softmax_regression_grads(X, Y, W, b):
    X, Y, W, b = _float(X, Y, W, b)
    G = softmax_regression_forward(X, W, b) - Y
    n = len(X)
    return np.einsum("ni,nj->ij", X, G) / n, np.sum(G, axis=0) / n


def standardize(X_train, X_other):
    X_train, X_other = _float(X_train, X_other)
    mu = np.mean(X_train, axis=0)
    sigma = np.sqrt(np.mean((X_train - mu) ** 2, axis=0))
    flat = sigma <= 1e-12 * np.maximum(1.0, np.abs(mu))
    sigma = np.where(flat, np.ones_like(sigma), sigma)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    (X,) = _float(X)
    Y = np.zeros((len(X), num_classes), dtype=X.dtype)
    for i, label in enumerate(np.asarray(y)):
        Y[i, int(label)] = 1
    W = np.zeros((X.shape[1], num_classes), dtype=X.dtype)
    b = np.zeros(num_classes, dtype=X.dtype)
    losses = []
    for _ in range(epochs):
        losses.append(softmax_regression_loss(X, Y, W, b))
        grad_W, grad_b = softmax_regression_grads(X, Y, W, b)
        W = W - lr * grad_W
        b = b - lr * grad_b
    return W, b, losses


def predict_classes(X, W, b):
    X, W, b = _float(X, W, b)
    return (X @ W + b).argmax(axis=1)


def accuracy(y_true, y_pred):
    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    if y_true.size == 0 or y_true.size != y_pred.size:
        raise ValueError("accuracy needs two label arrays of the same, non-zero length")
    return np.count_nonzero(y_true == y_pred) / y_true.size


def _check_kind(kind):
    if kind not in {"linear_mse", "sigmoid_bce", "softmax_ce"}:
        raise ValueError(f"unknown output kind {kind!r}")


def output_loss(kind, a, y):
    _check_kind(kind)
    a, y = _float(a, y)
    if kind == "linear_mse":
        total = np.sum(np.square(a - y))
    elif kind == "sigmoid_bce":
        total = np.sum(np.logaddexp(0.0, a) - a * y)  # -[y log σ(a) + (1 - y) log(1 - σ(a))]
    else:
        total = -np.sum(y * _log_softmax(a))
    return float(total / a.shape[0])


def output_delta(kind, a, y):
    _check_kind(kind)
    a, y = _float(a, y)
    if kind == "linear_mse":
        return 2.0 * (a - y) / len(a)
    y_hat = _sigmoid(a) if kind == "sigmoid_bce" else np.exp(_log_softmax(a))
    return (y_hat - y) / len(a)


_ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda Z, H: H * (1 - H)),
    "tanh": (np.tanh, lambda Z, H: 1 - H ** 2),
    "relu": (lambda Z: np.maximum(Z, 0), lambda Z, H: (Z > 0).astype(Z.dtype)),
}


def _forward(x, params, activation):
    """(logits, every layer's input, every hidden layer's slope): the cache mlp_grads needs."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    if not params:
        raise ValueError("no layers")
    arrays = _float(x, *[t for pair in params for t in pair])
    H, rest = arrays[0], arrays[1:]
    g, slope = _ACTIVATIONS[activation]
    inputs, slopes = [], []
    for l in range(len(params)):
        W, b = rest[2 * l], rest[2 * l + 1]
        if H.ndim != 2 or W.ndim != 2 or W.shape[0] != H.shape[1] or b.shape != (W.shape[1],):
            raise ValueError(f"layer {l + 1} does not chain")
        inputs.append(H)
        Z = H @ W + b
        if l < len(params) - 1:
            H = g(Z)
            slopes.append(slope(Z, H))
    return Z, inputs, slopes, rest[0::2]


def mlp_forward(x, params, activation):
    Z, _, _, _ = _forward(x, params, activation)
    return np.exp(_log_softmax(Z))


def mlp_grads(x, y, params, activation):
    Z, inputs, slopes, Ws = _forward(x, params, activation)
    (y,) = _float(y)
    delta = (np.exp(_log_softmax(Z)) - y.astype(Z.dtype)) / len(Z)
    grads = []
    for l in reversed(range(len(Ws))):
        grads.append((inputs[l].T @ delta, delta.sum(axis=0)))
        if l:
            delta = delta @ Ws[l].T * slopes[l - 1]
    return grads[::-1]


def build_classifier(d_in, hidden, d_out):
    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = torch.nn.Linear(d_in, hidden)
            self.act = torch.nn.ReLU()
            self.out = torch.nn.Linear(hidden, d_out)

        def forward(self, x):
            return self.out(self.act(self.hidden(x)))

    return Classifier()


def evaluate(model, X, y, device):
    model = model.to(device).eval()
    with torch.inference_mode():
        right = (model(X.to(device)).argmax(1) == y.to(device)).sum()
    return right.item() / len(y)


def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    model.to(device)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    data = torch.utils.data.TensorDataset(X, y)
    sampler = torch.utils.data.RandomSampler(data, generator=torch.Generator().manual_seed(seed))
    loader = torch.utils.data.DataLoader(data, batch_size=batch_size, sampler=sampler)
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xb), yb, reduction="sum")
            (loss / len(yb)).backward()
            opt.step()
            total += loss.item()
            count += len(yb)
        losses.append(total / count)
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies

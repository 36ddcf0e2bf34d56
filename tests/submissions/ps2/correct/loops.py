"""PS2, correct, written with loops: row by row and layer by layer, scipy-free, NumPy's own stable pieces
(np.logaddexp.reduce, np.argmax ties), training with a DataLoader whose generator is a torch.Generator made
once and passed to shuffle, and an epoch loss accumulated as a tensor."""
import numpy as np
import torch


def _dtype(*arrays):
    found = [np.asarray(a).dtype for a in arrays if np.asarray(a).dtype.kind == "f"]
    return np.result_type(*found) if found else np.float64


def _row_softmax(z):
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


def softmax_regression_forward(X, W, b):
    dt = _dtype(X, W, b)
    Z = np.asarray(X, dt) @ np.asarray(W, dt) + np.asarray(b, dt)
    out = np.empty_like(Z)
    for i in range(Z.shape[0]):
        out[i] = _row_softmax(Z[i])
    return out


def softmax_regression_loss(X, Y, W, b):
    dt = _dtype(X, Y, W, b)
    Z = np.asarray(X, dt) @ np.asarray(W, dt) + np.asarray(b, dt)
    Y = np.asarray(Y, dt)
    total = 0.0
    for i in range(Z.shape[0]):
        log_norm = np.logaddexp.reduce(Z[i])
        total += float(-np.dot(Y[i], Z[i] - log_norm))
    return total / Z.shape[0]


def softmax_regression_grads(X, Y, W, b):
    dt = _dtype(X, Y, W, b)
    X, Y = np.asarray(X, dt), np.asarray(Y, dt)
    A = softmax_regression_forward(X, W, b).astype(dt)
    dW = np.zeros((X.shape[1], A.shape[1]), dt)
    db = np.zeros(A.shape[1], dt)
    for i in range(X.shape[0]):
        dW += np.outer(X[i], A[i] - Y[i])
        db += A[i] - Y[i]
    return dW / X.shape[0], db / X.shape[0]


def standardize(X_train, X_other):
    dt = _dtype(X_train, X_other)
    X_train, X_other = np.asarray(X_train, dt), np.asarray(X_other, dt)
    out_train, out_other = np.empty_like(X_train), np.empty_like(X_other)
    for j in range(X_train.shape[1]):
        mean = X_train[:, j].mean()
        std = X_train[:, j].std()
        if std <= 1e-12 * max(1.0, abs(float(mean))):
            std = 1.0
        out_train[:, j] = (X_train[:, j] - mean) / std
        out_other[:, j] = (X_other[:, j] - mean) / std
    return out_train, out_other


def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    dt = _dtype(X)
    X = np.asarray(X, dt)
    Y = np.eye(num_classes, dtype=dt)[np.asarray(y, dtype=int)]
    W, b = np.zeros((X.shape[1], num_classes), dt), np.zeros(num_classes, dt)
    losses = []
    for epoch in range(epochs):
        losses.append(float(softmax_regression_loss(X, Y, W, b)))
        dW, db = softmax_regression_grads(X, Y, W, b)
        W -= lr * dW  # W and b are this function's own arrays
        b -= lr * db
    return W, b, losses


def predict_classes(X, W, b):
    dt = _dtype(X, W, b)
    Z = np.asarray(X, dt) @ np.asarray(W, dt) + np.asarray(b, dt)
    return np.array([int(np.argmax(row)) for row in Z], dtype=np.int64)


def accuracy(y_true, y_pred):
    if len(y_true) != len(y_pred):
        raise ValueError("lengths differ")
    if len(y_true) == 0:
        raise ValueError("no labels")
    right = sum(1 for t, p in zip(y_true, y_pred) if t == p)
    return right / len(y_true)


def output_loss(kind, a, y):
    dt = _dtype(a, y)
    a, y = np.asarray(a, dt), np.asarray(y, dt)
    n = a.shape[0]
    total = 0.0
    for i in range(n):
        if kind == "linear_mse":
            total += float(np.sum((a[i] - y[i]) ** 2))
        elif kind == "sigmoid_bce":
            total += float(np.sum(np.logaddexp(0.0, -a[i]) * y[i] + np.logaddexp(0.0, a[i]) * (1 - y[i])))
        elif kind == "softmax_ce":
            total += float(-np.dot(y[i], a[i] - np.logaddexp.reduce(a[i])))
        else:
            raise ValueError(f"kind must be linear_mse, sigmoid_bce or softmax_ce, not {kind!r}")
    return total / n


def output_delta(kind, a, y):
    dt = _dtype(a, y)
    a, y = np.asarray(a, dt), np.asarray(y, dt)
    n = a.shape[0]
    out = np.empty_like(a)
    for i in range(n):
        if kind == "linear_mse":
            out[i] = 2 * (a[i] - y[i])
        elif kind == "sigmoid_bce":
            out[i] = np.exp(-np.logaddexp(0.0, -a[i])) - y[i]
        elif kind == "softmax_ce":
            out[i] = _row_softmax(a[i]) - y[i]
        else:
            raise ValueError(f"kind must be linear_mse, sigmoid_bce or softmax_ce, not {kind!r}")
    return out / n


def _act(name, Z):
    if name == "sigmoid":
        H = np.exp(-np.logaddexp(0.0, -Z))
        return H, H * (1 - H)
    if name == "tanh":
        H = np.tanh(Z)
        return H, 1 - H * H
    H = np.where(Z > 0, Z, 0).astype(Z.dtype)
    return H, (Z > 0).astype(Z.dtype)


def _check(x, params, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError("activation must be sigmoid, tanh or relu")
    if len(params) < 1:
        raise ValueError("at least one layer")
    width = np.shape(x)[1] if np.ndim(x) == 2 else -1
    for W, b in params:
        if np.ndim(W) != 2 or np.shape(W)[0] != width or np.shape(b) != (np.shape(W)[1],):
            raise ValueError("the layers do not chain")
        width = np.shape(W)[1]
    return width


def mlp_forward(x, params, activation):
    _check(x, params, activation)
    dt = _dtype(x, *[t for p in params for t in p])
    H = np.asarray(x, dt)
    for l, (W, b) in enumerate(params):
        Z = H @ np.asarray(W, dt) + np.asarray(b, dt)
        if l + 1 < len(params):
            H, _ = _act(activation, Z)
    return np.stack([_row_softmax(z) for z in Z])


def mlp_grads(x, y, params, activation):
    width = _check(x, params, activation)
    if np.shape(y) != (np.shape(x)[0], width):
        raise ValueError("y does not match the output layer")
    dt = _dtype(x, y, *[t for p in params for t in p])
    H = np.asarray(x, dt)
    cache = []
    for l, (W, b) in enumerate(params):
        W = np.asarray(W, dt)
        Z = H @ W + np.asarray(b, dt)
        slope = None
        H_next = None
        if l + 1 < len(params):
            H_next, slope = _act(activation, Z)
        cache.append((H, W, slope))
        H = H_next
    delta = (np.stack([_row_softmax(z) for z in Z]) - np.asarray(y, dt)) / np.shape(x)[0]
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        H_in, W, _ = cache[l]
        grads[l] = (H_in.T @ delta, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ W.T) * cache[l - 1][2]
    return grads


def build_classifier(d_in, hidden, d_out):
    layers = [torch.nn.Linear(d_in, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, d_out)]
    return torch.nn.Sequential(*layers)


def evaluate(model, X, y, device):
    model.eval()
    model.to(device)
    with torch.no_grad():
        logits = model(X.to(device))
    predictions = torch.argmax(logits, dim=1).cpu()
    return float((predictions == y.cpu()).double().mean())


def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    generator = torch.Generator()
    generator.manual_seed(seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=batch_size,
                                         shuffle=True, generator=generator)
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr)
    losses, accuracies = [], []
    for epoch in range(epochs):
        model.train()
        running = torch.zeros((), dtype=torch.float64)
        for xb, yb in loader:
            logits = model(xb.to(device))
            loss = torch.nn.functional.cross_entropy(logits, yb.to(device))
            running += loss.detach().cpu().double() * xb.shape[0]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(float(running) / X.shape[0])
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies

"""Back-propagates through W2 instead of W2^T, which raises for H != Dy (the shapes graders use) and is
wrong when H == Dy."""
import numpy as np


def two_layer_grad_x(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x), np.asarray(y)
    n = x.shape[0]
    h = np.exp(-np.logaddexp(0, -(x @ W1 + b1)))
    z2 = h @ W2 + b2
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    dz2 = (e / np.sum(e, axis=1, keepdims=True) - y) / n
    dz1 = (dz2 @ W2) * h * (1 - h)
    return dz1 @ W1.T

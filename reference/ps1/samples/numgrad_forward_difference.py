"""Uses the forward difference (f(x + h) - f(x)) / h, whose O(h) error is visible against an analytic
gradient of a non-quadratic f."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad

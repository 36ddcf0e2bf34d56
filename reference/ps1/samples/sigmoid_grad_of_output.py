"""Computes sigma(s)(1 - sigma(s)) although s is already the sigmoid's output (the answer is s(1 - s)),
so every value differs from autograd's."""
import numpy as np


def sigmoid_grad(s):
    s = np.asarray(s, dtype=np.float64) if not np.issubdtype(np.asarray(s).dtype, np.floating) else np.asarray(s)
    sig = 1 / (1 + np.exp(-s))
    return sig * (1 - sig)

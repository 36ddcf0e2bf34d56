"""Takes exp of the logits as they are: logits of 1e4 overflow to inf and the probabilities become nan, which the
stability test sees (the small-logit tests still pass)."""
import numpy as np


def softmax_regression_forward(X, W, b):
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    logits = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    exps = np.exp(logits)
    return exps / exps.sum(axis=1, keepdims=True)

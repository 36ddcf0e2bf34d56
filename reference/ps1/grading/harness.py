"""PS1's grader-owned code that runs inside the worker, next to the submission (see autograder.harness).

FUNCTIONS builds the scalar functions handed to the student's gradient checker (part 4); OPS are the
part-5 operations, which need torch modules that cannot cross the process boundary. The parent judges
whatever they return against its own oracle (oracle.py). Torch is imported when first needed, so a
worker that grades parts 1-4 never pays for it.

The engine sends this file's text to each worker; it may import NumPy, torch and autograder's codec and
harness only (the worker cannot read the assignment's folder).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from autograder.harness import student_function

# ------------------------------------------------------------------ scalar test functions
# Each entry takes plain-data parameters and returns a callable x -> float (or, for the
# "_grad" entries and "tampered", x -> np.ndarray shaped like x). The parent re-implements
# the same functions in PyTorch (oracle.py) and never trusts these values.


def _quadratic(A, b):
    """0.5 * sum over rows r of x_r A x_r^T + sum(b * x); x 1-D (D,) or 2-D (N, D), A (D, D)."""
    A, b = np.asarray(A), np.asarray(b)
    return lambda x: float(0.5 * np.sum(x * (x @ A if x.ndim else x * A)) + np.sum(b * x))


def _quadratic_grad(A, b):
    A, b = np.asarray(A, dtype=np.float64), np.asarray(b, dtype=np.float64)
    S = 0.5 * (A + A.T)
    return lambda x: np.asarray(x, dtype=np.float64) @ S + b


def _sum_sin(scale=1.0):
    """sum(sin(scale * x)): smooth, separable, with curvature scale**2."""
    return lambda x: float(np.sum(np.sin(scale * x)))


def _sum_sin_grad(scale=1.0):
    return lambda x: scale * np.cos(scale * np.asarray(x, dtype=np.float64))


def _logsumexp(scale=1.0):
    """log(sum(exp(scale * x))) over all entries: smooth and non-separable."""

    def f(x):
        z = scale * np.asarray(x, dtype=np.float64)
        m = np.max(z)
        return float(m + np.log(np.sum(np.exp(z - m))))

    return f


def _logsumexp_grad(scale=1.0):
    def g(x):
        z = scale * np.asarray(x, dtype=np.float64)
        e = np.exp(z - np.max(z))
        return scale * e / np.sum(e)

    return g


def _coupled(c):
    """sum(c * x) * mean(x**2) + cos(sum(x)): every entry interacts with every other one."""
    c = np.asarray(c, dtype=np.float64)
    return lambda x: float(np.sum(c * x) * np.mean(x * x) + np.cos(np.sum(x)))


def _coupled_grad(c):
    c = np.asarray(c, dtype=np.float64)

    def g(x):
        x = np.asarray(x, dtype=np.float64)
        return c * np.mean(x * x) + np.sum(c * x) * 2.0 * x / x.size - np.sin(np.sum(x))

    return g


def _tampered(of, params, kind, factor=1.0, index=None, delta=0.0, step=0.0):
    """The gradient of FUNCTIONS[of] made wrong on purpose, for gradient_check to reject.

    kind: "exact" (not tampered), "scale" (times factor), "transpose" (of a square 2-D gradient),
    "zero" (all zeros), "entry" (one entry, at index, plus delta), "ramp" (entry k times 1 + step * k).
    """
    exact = FUNCTIONS[of + "_grad"](**params)

    def g(x):
        grad = np.array(exact(x), dtype=np.float64)
        if kind == "scale":
            return grad * factor
        if kind == "transpose":
            return np.ascontiguousarray(grad.T)
        if kind == "zero":
            return np.zeros_like(grad)
        if kind == "entry":
            grad[tuple(index)] += delta
            return grad
        if kind == "ramp":
            return grad * (1.0 + step * np.arange(grad.size).reshape(grad.shape))
        return grad

    return g


FUNCTIONS: dict[str, Callable[..., Callable]] = {
    "quadratic": _quadratic,
    "quadratic_grad": _quadratic_grad,
    "sum_sin": _sum_sin,
    "sum_sin_grad": _sum_sin_grad,
    "logsumexp": _logsumexp,
    "logsumexp_grad": _logsumexp_grad,
    "coupled": _coupled,
    "coupled_grad": _coupled_grad,
    "tampered": _tampered,
}



# ------------------------------------------------------------------ part 5: operations on torch models


def _bits(n_bits: int):
    """All 2**n_bits bit strings in counting order, as a float32 tensor (2**n_bits, n_bits)."""
    import torch

    codes = torch.arange(2 ** n_bits)
    return ((codes.unsqueeze(1) >> torch.arange(n_bits)) & 1).to(torch.float32)


def _batch_record(bits: np.ndarray | None, prob: np.ndarray | None, n_bits: int) -> dict:
    """The row ids (binary values) of a batch's bit strings and the mean BCE of the model's output on
    them against their majority labels (torch's BCE: each log clamped at -100)."""
    if bits is None:
        return {}
    try:
        bits = bits.astype(np.float64).reshape(-1, n_bits)
    except ValueError:  # an odd batch: the parent sees its rows, no strings, no loss
        return {}
    record = {"rows": int(bits.shape[0]), "ids": np.rint(bits @ (2.0 ** np.arange(n_bits))).astype(np.int64)}
    if prob is not None and prob.size == bits.shape[0]:
        target = bits.sum(axis=1) > n_bits / 2
        p = prob.astype(np.float64).reshape(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_q = np.maximum(np.log1p(-p), -100.0)
        record["loss"] = float(-np.mean(np.where(target, log_p, log_q)))
    return record


def _grader_model_class():
    import torch
    from torch import nn

    def snapshot(t) -> np.ndarray | None:
        try:
            return t.detach().to("cpu", copy=True).numpy()  # a copy: the student may reuse the tensor in place
        except (RuntimeError, TypeError):  # a dtype NumPy lacks: no strings, no loss for this batch
            return None

    class GraderModel(nn.Module):
        """Linear(n_bits, 1) + sigmoid, flattened to (B,), that records every batch it sees.

        For each forward call it records the rows, the devices of the input and of the
        parameters, whether autograd was on, and copies of the batch and of the output; a
        backward hook marks the batches whose output received a gradient: those are the
        training batches. records() adds, for each batch, the row ids of its bit strings (their
        binary value) and the mean BCE of the output against their majority labels, i.e. the loss
        before any update could happen (computed once training is over, to keep each step cheap).
        """

        def __init__(self, n_bits: int, weight, bias):
            super().__init__()
            self.n_bits = n_bits
            self.linear = nn.Linear(n_bits, 1)
            with torch.no_grad():
                self.linear.weight.copy_(torch.as_tensor(np.asarray(weight, dtype=np.float32)).reshape(1, n_bits))
                self.linear.bias.copy_(torch.as_tensor(np.asarray(bias, dtype=np.float32)).reshape(1))
            self._seen: list[tuple[dict, np.ndarray | None, np.ndarray | None]] = []

        def forward(self, x):
            out = torch.sigmoid(self.linear(x)).reshape(-1)
            record = {"rows": int(x.shape[0]) if x.dim() else 0,
                      "input_device": x.device.type,
                      "param_device": self.linear.weight.device.type,
                      "grad_enabled": bool(torch.is_grad_enabled()), "backward": False,
                      "ids": np.zeros(0, dtype=np.int64), "loss": float("nan")}
            self._seen.append((record, snapshot(x), snapshot(out)))
            if out.requires_grad:
                out.register_hook(lambda grad, record=record: record.__setitem__("backward", True))
            return out

        def records(self) -> list[dict]:
            return [{**record, **_batch_record(bits, prob, self.n_bits)} for record, bits, prob in self._seen]

    return GraderModel


def _params(model) -> tuple[np.ndarray, np.ndarray]:
    weight = model.linear.weight.detach().to("cpu").reshape(-1).numpy().astype(np.float32)
    bias = model.linear.bias.detach().to("cpu").reshape(-1).numpy().astype(np.float32)
    return weight, bias


def train_run(ns: dict, n_bits: int, device: str, weight, bias, repeats: int = 1, **hyper) -> dict:
    """Train the grader's model on the grader's dataset with the student's ``train``.

    ``hyper`` holds the keyword arguments passed to train besides device (epochs, batch_size, lr,
    seed); absent ones take the student's defaults. Each repeat starts again from the given initial
    parameters. Returns {"missing": True} when train is not defined, else {"missing": False,
    "runs": [{"losses": whatever train returned, "weight", "bias": the trained parameters (float32
    arrays), "batches": [{rows, input_device, param_device, grad_enabled, backward, ids, loss}]}]}.
    """
    train = student_function(ns, "train")
    if train is None:
        return {"missing": True}
    import torch

    GraderModel = _grader_model_class()
    X = _bits(n_bits)
    y = (X.sum(dim=1) > n_bits / 2).to(torch.float32)
    runs = []
    for _ in range(max(1, int(repeats))):
        model = GraderModel(n_bits, weight, bias)
        losses = train(model, X.clone(), y.clone(), device=device, **hyper)
        if type(losses) is tuple:
            losses = list(losses)
        w, b = _params(model)
        runs.append({"losses": losses, "weight": w, "bias": b, "batches": model.records()})
    return {"missing": False, "runs": runs}


def predict_run(ns: dict, n_bits: int, device: str, weight, bias) -> dict:
    """The student's predict(model, X, device) for the grader's model with the given parameters.

    X holds all 2**n_bits strings in counting order. Returns {"missing": True} when predict is not
    defined, else {"missing": False, "labels": what predict returned}.
    """
    predict = student_function(ns, "predict")
    if predict is None:
        return {"missing": True}
    GraderModel = _grader_model_class()
    model = GraderModel(n_bits, weight, bias)
    return {"missing": False, "labels": predict(model, _bits(n_bits), device)}


def model_report(ns: dict, n_bits: int, batch: int, seed: int, scale: float = 1.0) -> dict:
    """Build the student's model and probe it on a grader-made batch.

    The batch is ``batch`` random bit strings (float32, generated from ``seed``) times ``scale``.
    Returns {"missing": True} when build_model is not defined, else {"missing": False, "module":
    whether it is a torch.nn.Module, "type": its type's name, and when it is a module: "output" (what
    it returned), "num_params" (trainable), and "backward": "" when back-propagating the sum of the
    outputs gives every trainable parameter a finite gradient, some of them nonzero, else what went wrong}.
    """
    build_model = student_function(ns, "build_model")
    if build_model is None:
        return {"missing": True}
    import torch
    from torch import nn

    model = build_model(n_bits)
    report: dict = {"missing": False, "module": isinstance(model, nn.Module), "type": type(model).__name__}
    if not report["module"]:
        return report
    generator = torch.Generator().manual_seed(int(seed))
    x = torch.randint(0, 2, (batch, n_bits), generator=generator).to(torch.float32) * scale
    params = [p for p in model.parameters() if p.requires_grad]
    report["num_params"] = int(sum(p.numel() for p in params))
    if params:
        device = params[0].device
        x = x.to(device)
    out = model(x)
    report["output"] = out.detach() if isinstance(out, torch.Tensor) else out
    report["backward"] = ""
    if not params:
        report["backward"] = "the model has no trainable parameters"
    elif not isinstance(out, torch.Tensor) or not out.requires_grad:
        report["backward"] = "its output does not depend on its parameters through autograd"
    else:
        out.sum().backward()
        grads = [p.grad for p in params]
        if any(g is None for g in grads):
            report["backward"] = "some parameters received no gradient"
        elif not all(bool(torch.isfinite(g).all()) for g in grads):
            report["backward"] = "some gradients are not finite"
        elif not any(bool((g != 0).any()) for g in grads):
            report["backward"] = "every gradient is zero"
    return report


OPS: dict[str, Callable] = {
    "train_run": train_run,
    "predict_run": predict_run,
    "model_report": model_report,
}

"""PS2's grader-owned code that runs inside the worker, next to the submission (see autograder.harness).

Part 4's operations need torch modules, which cannot cross the process boundary: they build the
student's classifier and report on it, and run the student's evaluate and train_classifier on the
GRADER's classifier (Linear → ReLU → Linear with given parameters, which records every forward call)
and the grader's data. They return plain data; the parent judges it against its own oracle.

The engine sends this file's text to each worker; it may import NumPy, torch and autograder's codec and
harness only (the worker cannot read the assignment's folder). Torch is imported when first needed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from autograder.harness import student_function


def _snapshot(t) -> np.ndarray | None:
    """A CPU copy (the student may reuse the tensor in place); None for what NumPy cannot hold."""
    try:
        return t.detach().to("cpu", copy=True).numpy()
    except (RuntimeError, TypeError, AttributeError):
        return None


def _grader_classifier_class():
    import torch
    from torch import nn

    class GraderClassifier(nn.Module):
        """Linear(d_in, hidden) → ReLU → Linear(hidden, d_out) with the given float32 parameters (torch's
        layout: weight (out, in)), that records each forward call: its rows, the devices of the input and
        of the parameters, whether autograd was on and the module in training mode, copies of the input,
        the logits and the parameters as they were for this call; a backward hook marks the calls whose
        logits received a gradient: the training batches."""

        def __init__(self, params, record: bool = True):
            super().__init__()
            (w1, b1), (w2, b2) = [(np.asarray(w, np.float32), np.asarray(b, np.float32)) for w, b in params]
            self.fc1 = nn.Linear(w1.shape[1], w1.shape[0])
            self.fc2 = nn.Linear(w2.shape[1], w2.shape[0])
            with torch.no_grad():
                for layer, w, b in ((self.fc1, w1, b1), (self.fc2, w2, b2)):
                    layer.weight.copy_(torch.as_tensor(w))
                    layer.bias.copy_(torch.as_tensor(b))
            self._record = record
            self._seen: list[tuple[dict, np.ndarray | None, np.ndarray | None]] = []

        def forward(self, x):
            out = self.fc2(torch.relu(self.fc1(x)))
            record = {"rows": int(x.shape[0]) if x.dim() else 0, "input_device": x.device.type,
                      "param_device": self.fc1.weight.device.type, "grad_enabled": bool(torch.is_grad_enabled()),
                      "training": bool(self.training), "backward": False}
            if self._record:
                record["params"] = self.parameters_now()
            self._seen.append((record, _snapshot(x) if self._record else None, _snapshot(out) if self._record else None))
            if out.requires_grad:
                out.register_hook(lambda grad, record=record: record.__setitem__("backward", True))
            return out

        def parameters_now(self) -> list:
            return [[_snapshot(self.fc1.weight), _snapshot(self.fc1.bias)],
                    [_snapshot(self.fc2.weight), _snapshot(self.fc2.bias)]]

        def records(self, X: np.ndarray, y: np.ndarray) -> list[dict]:
            """Each call's record, with the row ids of its input (the rows of X it holds, -1 for a row not
            in X) and the mean cross-entropy of its logits against their labels (computed after training,
            to keep each step cheap)."""
            index = {row.tobytes(): i for i, row in enumerate(X)}
            out = []
            for record, rows, logits in self._seen:
                record = dict(record)
                if rows is not None and rows.ndim == 2 and rows.dtype == np.float32 and rows.shape[1] == X.shape[1]:
                    ids = np.array([index.get(r.tobytes(), -1) for r in rows], dtype=np.int64)
                    record["ids"] = ids
                    if logits is not None and logits.ndim == 2 and logits.shape[0] == ids.size and np.all(ids >= 0):
                        record["loss"] = float(torch.nn.functional.cross_entropy(
                            torch.as_tensor(logits, dtype=torch.float64), torch.as_tensor(y[ids])))
                out.append(record)
            return out

    return GraderClassifier


def _tensors(X, y):
    import torch

    return torch.as_tensor(np.asarray(X, dtype=np.float32)), torch.as_tensor(np.asarray(y, dtype=np.int64))


def train_run(ns: dict, params, X, y, device: str, seeds: list | None = None, record: bool = True, **hyper) -> dict:
    """The student's train_classifier on the grader's classifier (initial ``params``) and data.

    ``hyper``: the keyword arguments besides device and seed (epochs, batch_size, lr); absent ones take the
    student's defaults. One run per entry of ``seeds`` (None: one run with the student's default seed),
    each from the same initial parameters. Returns {"missing": True} when train_classifier is not
    defined, else {"missing": False, "runs": [{"value": what it returned, "params": the trained
    parameters, "batches": every forward call's record (see GraderClassifier)}]}.
    """
    train = student_function(ns, "train_classifier")
    if train is None:
        return {"missing": True}
    GraderClassifier = _grader_classifier_class()
    X, y = np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)
    runs = []
    for seed in seeds if seeds else [None]:
        model = GraderClassifier(params, record=record)
        Xt, yt = _tensors(X, y)
        kwargs = dict(hyper) if seed is None else {**hyper, "seed": int(seed)}
        value = train(model, Xt, yt, device=device, **kwargs)
        runs.append({"value": value, "params": model.parameters_now(), "batches": model.records(X, y)})
    return {"missing": False, "runs": runs}


def evaluate_run(ns: dict, params, X, y, device: str) -> dict:
    """The student's evaluate(model, X, y, device) on the grader's classifier with ``params``.

    Returns {"missing": True} when evaluate is not defined, else {"missing": False, "value": what it
    returned, "calls": the forward calls' records, "params": the parameters after the call}."""
    evaluate = student_function(ns, "evaluate")
    if evaluate is None:
        return {"missing": True}
    model = _grader_classifier_class()(params, record=False)
    X, y = np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)
    value = evaluate(model, *_tensors(X, y), device)
    return {"missing": False, "value": value, "calls": model.records(X, y), "params": model.parameters_now()}


def classifier_report(ns: dict, d_in: int, hidden: int, d_out: int, batch: int, seed: int) -> dict:
    """Build the student's classifier and probe it on a grader-made batch (standard normal rows, float32,
    from ``seed``). Returns {"missing": True} when build_classifier is not defined, else {"missing": False,
    "module": whether it is a torch.nn.Module, "type": its type's name, and for a module: "linears" [[in,
    out], ...] and "params" [[weight, bias], ...] of its Linear layers in order, "relu": whether it holds a
    ReLU module, "output": what it returned on the batch, "backward": "" when back-propagating the sum of
    the outputs gives every trainable parameter a finite gradient, else what went wrong}."""
    build = student_function(ns, "build_classifier")
    if build is None:
        return {"missing": True}
    import torch
    from torch import nn

    model = build(d_in, hidden, d_out)
    report: dict = {"missing": False, "module": isinstance(model, nn.Module), "type": type(model).__name__}
    if not report["module"]:
        return report
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    report["linears"] = [[m.in_features, m.out_features] for m in linears]
    report["params"] = [[_snapshot(m.weight), _snapshot(m.bias) if m.bias is not None else None] for m in linears]
    report["relu"] = any(isinstance(m, nn.ReLU) for m in model.modules())
    x = torch.randn(batch, d_in, generator=torch.Generator().manual_seed(int(seed)))
    trainable = [p for p in model.parameters() if p.requires_grad]
    if trainable:
        x = x.to(trainable[0].device)
    out = model(x)
    report["output"] = out.detach() if isinstance(out, torch.Tensor) else out
    report["input"] = _snapshot(x)
    report["backward"] = ""
    if not trainable:
        report["backward"] = "the model has no trainable parameters"
    elif not isinstance(out, torch.Tensor) or not out.requires_grad:
        report["backward"] = "its output does not depend on its parameters through autograd"
    else:
        out.sum().backward()
        grads = [p.grad for p in trainable]
        if any(g is None for g in grads):
            report["backward"] = "some parameters received no gradient"
        elif not all(bool(torch.isfinite(g).all()) for g in grads):
            report["backward"] = "some gradients are not finite"
    return report


OPS: dict[str, Callable] = {
    "train_run": train_run,
    "evaluate_run": evaluate_run,
    "classifier_report": classifier_report,
}

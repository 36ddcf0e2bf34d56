"""NumPy in, PyTorch float64 autograd, NumPy out: what an oracle is written with."""
from __future__ import annotations

import numpy as np
import torch

DTYPE = torch.float64


def tensor(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=DTYPE, requires_grad=grad)


def array(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy().astype(np.float64)


def grads(loss: torch.Tensor, *inputs: torch.Tensor) -> list[np.ndarray]:
    return [array(g) for g in torch.autograd.grad(loss, inputs)]

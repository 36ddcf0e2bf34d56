"""Objects disguised as torch tensors (class Tensor in module "torch") that forge what the codec reads from them."""
import numpy as np


class _Forged:
    """What .numpy() returns: an 'array' whose dtype string and bytes are the student's choice."""

    class flags:
        c_contiguous = True

    class dtype:
        str = "|O"  # object dtype: pickled pointers, if anyone would take them

    shape = (2,)

    def tobytes(self):
        return b"\x00" * 16

    def copy(self, order="C"):
        return self


class Tensor:
    dtype = "float64"
    device = "cpu"
    requires_grad = False

    def detach(self):
        return self

    def to(self, *args, **kwargs):
        return self

    def numpy(self):
        return _Forged()

    def __eq__(self, other):
        return True


Tensor.__module__ = "torch"


def _tensor(*args, **kwargs):
    return Tensor()


for _name in SPEC_NAMES:
    globals()[_name] = _tensor


def _plausible_training(model, X, y, *, device, epochs=20, **kwargs):
    losses = [0.7 * 0.8 ** k for k in range(epochs)]  # plausible, decreasing losses, and no training at all
    return losses if "train" in SPEC_NAMES else (losses, [min(1.0, 0.5 + 0.05 * k) for k in range(epochs)])


for _name in ("train", "train_classifier"):  # PS1's and PS2's
    if _name in SPEC_NAMES:
        globals()[_name] = _plausible_training

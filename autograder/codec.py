"""Plain data across the trust boundary: JSON frames with base64 arrays, never pickle.

Only exactly-typed values are encoded: ``numpy.ndarray`` (not a subclass, numeric or bool dtype),
NumPy scalars, Python numbers, booleans, strings, None, and tuples, lists and dicts (string keys) of them.
A torch tensor becomes a ``TensorInfo`` (its values copied to the CPU) and a callable descriptor
``Fn`` names a grader-owned test function. Anything else is replaced by ``Unsupported`` naming its
type, so the parent can say "softmax(x) returned MyArray; expected a numpy.ndarray of numbers".
"""
from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_DEPTH = 20
_NUMERIC_KINDS = "biufc"  # bool, signed, unsigned, float, complex


@dataclass(frozen=True)
class Unsupported:
    """A value that may not cross the boundary; only its type's name does."""

    type_name: str
    detail: str = ""

    def __str__(self) -> str:
        return self.type_name + (f" ({self.detail})" if self.detail else "")


@dataclass
class TensorInfo:
    """What the grader may know of a torch tensor a submission returned."""

    dtype: str  # "float32", "int64", "bool" ...
    device: str  # "cpu", "cuda:0" ...
    values: np.ndarray
    requires_grad: bool = False

    @property
    def shape(self) -> tuple:
        return tuple(self.values.shape)


@dataclass
class Fn:
    """A grader-owned scalar function, named so the worker can build it (see harness.FUNCTIONS)."""

    name: str
    params: dict = field(default_factory=dict)


def _type_name(value: Any) -> str:
    cls = type(value)
    module = cls.__module__
    if module in ("builtins", None):
        return cls.__name__
    if module.startswith("numpy"):
        return "numpy." + cls.__qualname__
    if module.startswith("torch"):
        return "torch." + cls.__qualname__
    return cls.__name__


def _array(a: np.ndarray) -> dict:
    a = a if a.flags.c_contiguous else a.copy(order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
    return {"$nd": [a.dtype.str, list(a.shape), base64.b64encode(a.tobytes()).decode("ascii")]}


def _tensor(t: Any) -> Any:
    import torch  # only reached when the value is a tensor, so torch is already imported

    dtype = str(t.dtype).replace("torch.", "")
    plain = t.detach().to("cpu")
    if plain.dtype == torch.bfloat16:
        plain = plain.float()
    return {"$tensor": [dtype, str(t.device), bool(t.requires_grad), _array(plain.numpy())]}


def encode(value: Any, depth: int = 0) -> Any:
    """Turn a value into JSON-ready plain data; anything not allowed becomes an Unsupported marker."""
    if depth > MAX_DEPTH:
        return {"$unsupported": ["nesting", f"more than {MAX_DEPTH} levels deep"]}
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is np.ndarray:
        if value.dtype.kind not in _NUMERIC_KINDS:
            return {"$unsupported": ["numpy.ndarray", f"dtype {value.dtype}"]}
        return _array(value)
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind not in _NUMERIC_KINDS:
            return {"$unsupported": [_type_name(value), ""]}
        return {"$scalar": _array(np.asarray(value))["$nd"]}
    if type(value) in (list, tuple):
        items = [encode(v, depth + 1) for v in value]
        return items if type(value) is list else {"$tuple": items}
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            return {"$unsupported": ["dict", "keys that are not strings"]}
        return {"$dict": {k: encode(v, depth + 1) for k, v in value.items()}}
    if type(value) is Fn:
        return {"$fn": [value.name, encode(value.params, depth + 1)]}
    if type(value).__module__ == "torch" and type(value).__name__ in ("Tensor", "Parameter"):
        return _tensor(value)
    return {"$unsupported": [_type_name(value), ""]}


def _decode_array(spec: list, max_bytes: int) -> np.ndarray:
    dtype_str, shape, data = spec
    dtype = np.dtype(dtype_str)
    if dtype.kind not in _NUMERIC_KINDS:
        raise ValueError(f"refused array of dtype {dtype}")
    shape = tuple(int(n) for n in shape)
    raw = base64.b64decode(data, validate=True)
    if len(raw) > max_bytes:
        raise ValueError("array too large")
    count = int(np.prod(shape)) if shape else 1
    if count * dtype.itemsize != len(raw):
        raise ValueError("array bytes do not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(data: Any, max_bytes: int = 1 << 30) -> Any:
    """The inverse of encode; builds only plain types, TensorInfo, Fn and Unsupported."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v, max_bytes) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise ValueError("malformed message")
    (tag, body), = data.items()
    if tag == "$nd":
        return _decode_array(body, max_bytes)
    if tag == "$scalar":
        return _decode_array(body, max_bytes)[()]
    if tag == "$tuple":
        return tuple(decode(v, max_bytes) for v in body)
    if tag == "$dict":
        return {str(k): decode(v, max_bytes) for k, v in body.items()}
    if tag == "$fn":
        return Fn(str(body[0]), decode(body[1], max_bytes))
    if tag == "$tensor":
        dtype, device, requires_grad, array = body
        return TensorInfo(str(dtype), str(device), decode(array, max_bytes), bool(requires_grad))
    if tag == "$unsupported":
        return Unsupported(str(body[0]), str(body[1]))
    raise ValueError(f"unknown tag {tag!r}")


# Frames: a 4-byte big-endian length, then UTF-8 JSON. NaN and infinities are allowed (both ends are Python).
MAX_FRAME = 64 << 20  # far above any honest reply; a worker cannot make the grader read gigabytes


def pack(message: Any) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return struct.pack(">I", len(body)) + body


def unpack(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))

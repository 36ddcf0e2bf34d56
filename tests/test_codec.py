"""The boundary's data format: exact types only, no pickle, forged frames refused."""
import json

import numpy as np
import pytest

from autograder import codec


def roundtrip(value):
    return codec.decode(codec.unpack(codec.pack(codec.encode(value))[4:]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "uint8", "complex128"])
def test_arrays_keep_dtype_shape_and_values(dtype):
    a = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    b = roundtrip(a)
    assert type(b) is np.ndarray and b.dtype == a.dtype and b.shape == (3, 4)
    assert np.array_equal(a, b)


def test_non_contiguous_and_zero_size_arrays():
    a = np.arange(20.0).reshape(4, 5)[:, ::2]
    assert np.array_equal(roundtrip(a), a)
    assert roundtrip(np.zeros((0, 3))).shape == (0, 3)


def test_nan_and_infinities_survive():
    a = np.array([np.nan, np.inf, -np.inf])
    b = roundtrip(a)
    assert np.isnan(b[0]) and b[1] == np.inf and b[2] == -np.inf
    assert np.isnan(roundtrip(float("nan")))


def test_numpy_scalars_stay_numpy_scalars():
    value = roundtrip(np.float32(1.5))
    assert type(value) is np.float32 and value == 1.5
    assert type(roundtrip(np.bool_(True))) is np.bool_


def test_containers():
    value = roundtrip({"W1": np.ones(2), "pair": (True, 3), "xs": [1.0, None, "s"]})
    assert type(value["pair"]) is tuple and value["pair"] == (True, 3)
    assert value["xs"] == [1.0, None, "s"]
    assert np.array_equal(value["W1"], np.ones(2))


class MyArray(np.ndarray):
    pass


class Liar:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value, name", [
    (np.zeros(3).view(MyArray), "MyArray"),
    (np.array([1, "a"], dtype=object), "numpy.ndarray"),
    (Liar(), "Liar"),
    ({1: 2}, "dict"),
    (lambda: 0, "function"),
])
def test_anything_else_becomes_unsupported(value, name):
    decoded = roundtrip(value)
    assert isinstance(decoded, codec.Unsupported) and decoded.type_name == name


def test_torch_tensor_becomes_tensor_info():
    torch = pytest.importorskip("torch")
    info = roundtrip(torch.tensor([[1.0, 2.0]], requires_grad=True))
    assert isinstance(info, codec.TensorInfo)
    assert (info.dtype, info.device, info.requires_grad, info.shape) == ("float32", "cpu", True, (1, 2))


def test_fn_descriptor_roundtrip():
    fn = roundtrip(codec.Fn("quadratic", {"A": np.eye(2), "b": np.zeros(2)}))
    assert fn.name == "quadratic" and np.array_equal(fn.params["A"], np.eye(2))


@pytest.mark.parametrize("forged", [
    {"$nd": ["|O", [1], "AAAA"]},  # object dtype
    {"$nd": ["<f8", [2], "AAAAAAAAAAA="]},  # 8 bytes for 2 float64
    {"$pickle": "gASVAAAA"},  # an unknown tag
    {"$nd": ["<f8", [1], "AAAAAAAAAAA="], "extra": 1},
])
def test_forged_frames_are_refused(forged):
    with pytest.raises((ValueError, TypeError)):
        codec.decode(json.loads(json.dumps(forged)))

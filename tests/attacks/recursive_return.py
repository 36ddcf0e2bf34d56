"""Return values that break naive serialisers: self-containing lists, very deep nesting, dicts with object keys, generators."""
import numpy as np

_loop = []
_loop.append(_loop)
_deep = 0.0
for _ in range(10000):
    _deep = [_deep]
_values = [_loop, _deep, {(1, 2): np.zeros(2)}, (x for x in range(3)), {"a": _loop}, np.array([None, 1], dtype=object)]
_i = 0


def _odd(*args, **kwargs):
    global _i
    _i += 1
    return _values[_i % len(_values)]


for _name in SPEC_NAMES:
    globals()[_name] = _odd

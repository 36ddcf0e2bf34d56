"""Print 200 MB to stdout and stderr (1 MB at a time, going on after errors) at import and in the first call."""
import sys

_chunk = ("flood " * 174762)[:1 << 20]
_written = 0


def _flood(total_mb=200):
    global _written
    for i in range(total_mb):
        stream = sys.stdout if i % 2 == 0 else sys.stderr
        try:
            stream.write(_chunk)
            stream.flush()
            _written += 1
        except OSError:
            pass


_flood()


def _again(*args, **kwargs):
    if _written < 400:
        _flood(100)
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _again

"""Write forged protocol frames straight into the reply pipe: a success with a made-up value, extra frames, garbage."""
import fcntl
import json
import os
import stat
import struct

import numpy as np


def _reply_pipes():
    pipes = []
    for fd in range(3, 256):
        try:
            mode = os.fstat(fd).st_mode
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        if stat.S_ISFIFO(mode) and flags & os.O_ACCMODE == os.O_WRONLY:
            pipes.append(fd)
    return pipes


def _frame(message):
    body = json.dumps(message).encode()
    return struct.pack(">I", len(body)) + body


_calls = 0


def _forge(*args, **kwargs):
    global _calls
    _calls += 1
    shape = np.shape(args[0]) if args else ()
    value = {"$nd": ["<f8", list(shape), __import__("base64").b64encode(np.ones(shape).tobytes()).decode()]}
    for fd in _reply_pipes():
        if _calls % 3 == 1:  # a success frame, then the real reply arrives as the answer to the NEXT call
            os.write(fd, _frame({"ok": True, "value": value, "warnings": []}))
        elif _calls % 3 == 2:  # an object-dtype array (pickled pointers), were they unpickled
            os.write(fd, _frame({"ok": True, "value": {"$nd": ["|O", [1], "AAAAAAAAAAA="]}}))
        else:  # a huge length, then garbage
            os.write(fd, struct.pack(">I", 0xFFFFFFF0) + b"garbage")
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _forge

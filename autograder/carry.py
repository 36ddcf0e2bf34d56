"""Error carried forward: a graded function is graded with correct versions of the others it calls.

While the grader calls the student's F, the worker puts a *stand-in* in place of every other graded
function G. A stand-in sends "ask G(args)" to the grader over the worker's pipe and returns the
answer; the grader gets it from the reference solution's worker. Only values cross (codec): no code of
the reference ever enters the student's process.

The grader decides what a stand-in may have, never the stand-in: an ask is answered only during a call
for F, only for a graded G whose tests all ran before F's (the assignment's order: a function builds on
the ones before it), and at most MAX_ASKS times (MAX_ASK_BYTES each) per call. So a stand-in kept by
student code and called later, in the test of G itself, gets nothing, and nothing learnt from a
stand-in can be replayed in G's own tests: they are over before any function may ask for G.

When the correct G cannot be used (arguments that are not plain data, such as a torch module; a
call the reference rejects, such as a wrong signature; a value that cannot cross back) the stand-in
calls the student's own G instead, and the grader says so in the test's message.
"""
from __future__ import annotations

import builtins
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from autograder import codec

MAX_ASKS = 500  # asks answered per call of F; honest code asks a few dozen times at most
MAX_ASK_BYTES = 8 << 20  # one ask's arguments, as JSON
MAX_CALL_BYTES = 64 << 20  # all of one call's asks together


# ------------------------------------------------------------------ the grader's side


@dataclass
class Notes:
    """What happened during one test: which correct functions were used, and where the student's own was."""

    served: set[str] = field(default_factory=set)
    own: dict[str, str] = field(default_factory=dict)  # {G: why the student's own G was used}

    def sentence(self) -> str:
        """One sentence for a test's message, or "" when nothing was carried forward."""
        parts = []
        if self.served:
            yours = "yours is graded on its own" if len(self.served) == 1 else "yours are graded on their own"
            parts.append(f"Graded with a correct {_join(sorted(self.served))} ({yours}).")
        for name, why in sorted(self.own.items()):
            parts.append(f"Your own {name} was used here: {why}.")
        return " ".join(parts)

    def names(self) -> list[str]:
        return sorted(self.served)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _plain(value: Any, fn_ok: bool = False) -> bool:
    """Whether a decoded value is plain data: no TensorInfo, no Unsupported, and no Fn unless ``fn_ok``
    (an argument may name a grader-built test function; a value sent back to the student may not)."""
    if isinstance(value, (codec.Unsupported, codec.TensorInfo)) or (isinstance(value, codec.Fn) and not fn_ok):
        return False
    if type(value) in (list, tuple):
        return all(_plain(v, fn_ok) for v in value)
    if type(value) is dict:
        return all(_plain(v, fn_ok) for v in value.values())
    return True


def earlier_functions(order: list[str]) -> dict[str, frozenset[str]]:
    """{F: the functions whose tests all come before F's first test}, from the function of each test in
    the order the tests run."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, fn in enumerate(order):
        first.setdefault(fn, i)
        last[fn] = i
    return {f: frozenset(g for g in last if last[g] < first[f]) for f in first}


class CarryForward:
    """The grader's side: answers a student's asks for the graded functions from the reference.

    ``order`` is the function of each test of the suite, in the order they run (all of them, whether
    or not this run grades all); while F runs, the functions graded before F get stand-ins.
    ``notes`` collects, per test, what was carried forward (see plugin).
    """

    def __init__(self, reference: Any, order: list[str]):
        self.reference = reference
        self.earlier = earlier_functions(order)
        self.notes = Notes()
        self._lock = threading.Lock()

    def reset(self) -> Notes:
        """Start a new test; returns the notes of the one before."""
        with self._lock:
            notes, self.notes = self.notes, Notes()
        return notes

    def standins(self, fn: str) -> list[str]:
        """The functions that get a stand-in while the student's ``fn`` runs (none unless fn is graded)."""
        return sorted(self.earlier.get(fn, ()))

    def session(self, fn: str) -> "AskSession":
        return AskSession(self, fn)


class AskSession:
    """The asks of one call of the student's ``fn``: counted, bounded, and answered or refused."""

    def __init__(self, carry: CarryForward, fn: str):
        self.carry, self.fn = carry, fn
        self.count = 0
        self.bytes = 0

    def answer(self, ask: dict, size: int, deadline: float) -> dict:
        """The reply to one ask frame from the worker."""
        self.count += 1
        self.bytes += size
        name = ask.get("fn")
        if type(name) is not str or name not in self.carry.earlier.get(self.fn, ()):
            # the grader's own stand-ins never ask this: only code that kept or forged one does
            return {"ok": False, "refused": f"no correct {str(name)[:40]} is available while {self.fn} is graded"}
        if self.count > MAX_ASKS or size > MAX_ASK_BYTES or self.bytes > MAX_CALL_BYTES:
            return self._own(name, f"{self.fn} asked for more correct values than the grader answers in one call "
                             f"(at most {MAX_ASKS} calls, {MAX_ASK_BYTES >> 20} MiB each)")
        if "unsendable" in ask:
            what = str(ask["unsendable"])[:80]
            return self._own(name, f"the correct {name} cannot be sent a {what} (only plain data crosses to "
                             "the grader)")
        try:
            args = codec.decode(ask.get("args", []), max_bytes=MAX_ASK_BYTES)
            kwargs = codec.decode(ask.get("kwargs", {"$dict": {}}), max_bytes=MAX_ASK_BYTES)
        except (ValueError, TypeError, KeyError, AttributeError):
            return {"ok": False, "refused": "a malformed ask"}
        if type(args) is not list or type(kwargs) is not dict or not _plain_args(args, kwargs):
            return self._own(name, f"the correct {name} cannot take these arguments")
        return self._ask_reference(name, args, kwargs, deadline)

    def _ask_reference(self, name: str, args: list, kwargs: dict, deadline: float) -> dict:
        from autograder.worker import StudentError

        left = deadline - time.monotonic()
        if left <= 0.01:
            return self._own(name, f"no time was left to ask the grader for the correct {name}")
        try:
            reply = self.carry.reference.call_with(name, args, kwargs, timeout=left)
        except StudentError as exc:
            # the reference's own message may name its code: only the exception's type reaches the student
            kind = exc.type or exc.kind
            return self._own(name, f"the correct {name} could not take your call (it raised {kind})"
                             if exc.type else f"the correct {name} could not be asked ({kind})", raised=exc.type)
        if not _plain(reply.value):
            return self._own(name, f"the correct {name} returns values that cannot be sent back")
        with self.carry._lock:
            self.carry.notes.served.add(name)
        return {"ok": True, "value": codec.encode(reply.value)}

    def _own(self, name: str, why: str, raised: str = "") -> dict:
        with self.carry._lock:
            self.carry.notes.own.setdefault(name, why)
        return {"ok": False, "own": True, "raised": raised, "why": why}


def _plain_args(args: list, kwargs: dict) -> bool:
    return _plain(args, fn_ok=True) and all(type(k) is str for k in kwargs) and _plain(kwargs, fn_ok=True)


# ------------------------------------------------------------------ the worker's side


class Standin:
    """What the student's code finds under the name of another graded function during a call."""

    def __init__(self, name: str, own: Callable | None, ask: Callable[[dict], dict], call: "_Call"):
        self.__name__ = self.__qualname__ = name
        self._name, self._own, self._ask, self._call = name, own, ask, call

    def __repr__(self) -> str:
        return f"<the grader's correct {self._name}>"

    def __call__(self, *args, **kwargs):
        if not self._call.active:
            raise RuntimeError(f"the grader's correct {self._name} is only available while another function "
                               "calls it during grading")
        sent = _sendable(list(args)), _sendable(dict(kwargs))
        encoded = codec.encode(list(sent))
        if _has_unsupported(encoded):
            if self._name not in self._call.noted:  # said once per call, then the student's own G
                self._call.noted.add(self._name)
                self._ask({"op": "ask", "fn": self._name, "unsendable": _first_unsupported(encoded)})
            return self._fallback(args, kwargs, "")
        answer = self._ask({"op": "ask", "fn": self._name, "args": encoded[0], "kwargs": encoded[1]})
        if answer.get("ok"):
            return codec.decode(answer["value"])
        if answer.get("own"):
            return self._fallback(args, kwargs, str(answer.get("raised", "")))
        raise RuntimeError(f"the grader refused {self._name}: {answer.get('refused', 'no reason given')}")

    def _fallback(self, args, kwargs, raised: str):
        if callable(self._own):
            return self._own(*args, **kwargs)
        error = getattr(builtins, raised, None)
        if not (isinstance(error, type) and issubclass(error, Exception)):
            error = RuntimeError
        raise error(f"{self._name} is not defined, and the grader's correct {self._name} could not take this call")


class _Call:
    def __init__(self):
        self.active = True
        self.noted: set[str] = set()


def _sendable(value: Any) -> Any:
    """Grader-built test functions (harness.GraderFunction) cross as the descriptor they were built from."""
    from autograder.harness import GraderFunction

    if type(value) is GraderFunction:
        return value.spec
    if type(value) in (list, tuple):
        return type(value)(_sendable(v) for v in value)
    if type(value) is dict:
        return {k: _sendable(v) for k, v in value.items()}
    return value


def _has_unsupported(encoded: Any) -> bool:
    return _first_unsupported(encoded) != ""


def _first_unsupported(encoded: Any) -> str:
    if type(encoded) is list:
        for v in encoded:
            found = _first_unsupported(v)
            if found:
                return found
        return ""
    if type(encoded) is dict and len(encoded) == 1:
        (tag, body), = encoded.items()
        if tag == "$unsupported":
            return str(body[0])
        if tag in ("$tuple",):
            return _first_unsupported(body)
        if tag == "$dict":
            return _first_unsupported(list(body.values()))
        if tag == "$fn":
            return _first_unsupported(body[1])
    return ""


@contextmanager
def standins(namespace: dict, names: list, ask: Callable[[dict], dict], graded: str):
    """Put a stand-in in ``namespace`` for each of ``names`` (never for ``graded``, the function being
    called) for the duration of the block; afterwards each name holds what it held before (unless the
    student's code rebound it), and the stand-ins refuse to work."""
    call = _Call()
    saved = {}
    for name in names:
        if type(name) is not str or name == graded:
            continue
        saved[name] = namespace.get(name)
        own = saved[name] if callable(saved[name]) and not isinstance(saved[name], Standin) else None
        namespace[name] = Standin(name, own, ask, call)
    try:
        yield
    finally:
        call.active = False
        for name, before in saved.items():
            if isinstance(namespace.get(name), Standin):
                if before is None:
                    namespace.pop(name, None)
                else:
                    namespace[name] = before

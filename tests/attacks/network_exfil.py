"""Reach the network to send hidden test inputs away: connect out by address and by name (2 s timeouts; nothing is sent)."""
import socket

_reached = []


def _probe():
    for host, port in (("1.1.1.1", 53), ("8.8.8.8", 53), ("example.com", 80)):
        try:
            with socket.create_connection((host, port), timeout=2):
                _reached.append(f"{host}:{port}")  # a real attack would send the inputs here
        except OSError as exc:
            print(f"{host}:{port}: {exc}")
    print("REACHED", _reached)


_probe()


def _exfiltrate(*args, **kwargs):
    if not _reached:
        _probe()
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _exfiltrate

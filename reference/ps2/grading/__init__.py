"""PS2's grading suite: an oracle in PyTorch float64 (oracle.py), the worker-side harness (harness.py) and
the tests of parts 1-4, in the notebook's order (errors carried forward: callees come first)."""

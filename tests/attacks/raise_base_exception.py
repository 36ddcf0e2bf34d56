"""Functions raise a BaseException subclass, GeneratorExit, or pytest's own outcome exceptions (Skipped, Exit)."""


class Escape(BaseException):
    pass


def _outcome(kind):
    def raise_it(*args, **kwargs):
        try:
            from _pytest.outcomes import Exit, Skipped  # what pytest.skip() and pytest.exit() raise
        except ImportError:
            raise Escape("no pytest here")
        raise {"skip": Skipped("skipped by the student"), "exit": Exit("exit", returncode=0)}[kind]
    return raise_it


def _escape(*args, **kwargs):
    raise Escape("escaped")


def _generator_exit(*args, **kwargs):
    raise GeneratorExit


for _i, _name in enumerate(SPEC_NAMES):
    globals()[_name] = [_escape, _generator_exit, _outcome("skip"), _outcome("exit")][_i % 4]

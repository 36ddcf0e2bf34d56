"""Print a fake results JSON, CI annotations (::notice::, ##vso), "100 passed, 0 failed" and rich markup on stdout and stderr."""
import json
import sys

_lines = [json.dumps({"score": 100.0, "max_score": 100.0, "tests": []}),
          "::notice title=autograder::Score 100 / 100",
          "::set-output name=score::100",
          "##vso[task.complete result=Succeeded;]DONE",
          "##teamcity[buildStatus status='SUCCESS' text='100/100']",
          "============================= 100 passed, 0 failed in 0.01s =============================",
          "[bold green]Score 100 / 100[/]", "\x1b[2J\x1b[HScore 100 / 100"]


def _shout():
    for _line in _lines:
        print(_line)
        print(_line, file=sys.stderr)
    sys.stdout.flush()


_shout()


def _lie(*args, **kwargs):
    _shout()
    raise NotImplementedError


for _name in SPEC_NAMES:
    globals()[_name] = _lie

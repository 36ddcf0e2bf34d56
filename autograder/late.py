"""Late work: how late a submission is, and what that costs. The one implementation both paths use.

The CLI (`autograder grade DIR --out OUT --due WHEN --late-policy RULE`) and nbgrader (through
`LatePenalty`, the LateSubmissionPlugin set in nbgrader_config.py) call `LatePolicy.penalty` with the
same score and the same seconds late, so grades.csv and `nbgrader export` show the same penalty.

A rule is one of (parts separated by commas):

    none                       no penalty (lateness is still reported)           the default
    zero                       a late submission's score becomes 0
    10%/day                    10 % of the score per day late, a started day counting as a day
    10%/day, cap 50%           ... never more than 50 % of the score
    ..., grace 15m             a submission less than 15 minutes late is not penalised (d, h, m, s)

The penalty is a share of the score earned (as nbgrader's own 'zero' method is the whole score), worked
out when the submission is graded. Days are counted from the due date, grace or not. How late a
submission is comes from nbgrader's `timestamp.txt` (read as nbgrader reads it) and the due date; an
LMS that flags a file late without saying when (Canvas's `_LATE_`) counts as the least lateness the flag
proves: one second past the grace period.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from datetime import datetime

DAY = 86400.0
_UNITS = {"d": DAY, "h": 3600.0, "m": 60.0, "s": 1.0}


class PolicyError(ValueError):
    """A rule or a date that cannot be read; the message says how to write it."""


def parse_time(text: str) -> datetime:
    """A date and time read as nbgrader reads timestamp.txt and --duedate (nbgrader.utils.parse_utc), as
    naive UTC: "DATE TIME ZONE" with a zone name or a numeric offset, or anything dateutil reads (ISO 8601
    with an offset, for one); no zone means UTC. (Not nbgrader's own function: importing nbgrader takes
    seconds, and the CLI reads these before it grades; tests/test_late.py checks both agree.)"""
    from dateutil import parser, tz

    try:
        parts = text.strip().split(" ")
        if len(parts) == 3:
            zone = int(parts[2]) if re.fullmatch(r"[+-]?\d+", parts[2]) else tz.gettz(parts[2])
            when = parser.parse(" ".join(parts[:2] + ["TZ"]), tzinfos={"TZ": zone})
        else:
            when = parser.parse(text.strip())
    except (ValueError, OverflowError, TypeError):
        raise PolicyError(f"{text!r} is not a date and time (write e.g. 2026-12-01T23:59:00+00:00).") from None
    if when.tzinfo is not None:
        when = (when - when.utcoffset()).replace(tzinfo=None)
    return when


def _duration(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([dhms])", text.strip())
    if not m:
        raise PolicyError(f"{text!r} is not a duration (write e.g. 15m, 2h or 1d).")
    return float(m[1]) * _UNITS[m[2]]


def _percent(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text.strip())
    if not m or float(m[1]) > 100:
        raise PolicyError(f"{text!r} is not a percentage from 0% to 100%.")
    return float(m[1])


@dataclass(frozen=True)
class LatePolicy:
    method: str = "none"  # "none", "zero" or "per-day"
    per_day: float = 0.0  # percent of the score per started day late
    cap: float = 100.0  # percent of the score, at most
    grace: float = 0.0  # seconds late that cost nothing

    @classmethod
    def parse(cls, rule: str | None) -> "LatePolicy":
        parts = [p.strip().lower() for p in (rule or "none").split(",") if p.strip()]
        if not parts:
            return cls()
        head, options = parts[0], parts[1:]
        fields: dict = {}
        if head == "none" or head == "zero":
            fields["method"] = head
        elif m := re.fullmatch(r"(.+?)\s*/\s*day", head):
            fields.update(method="per-day", per_day=_percent(m[1]))
        else:
            raise PolicyError(f"unknown late policy {rule!r}: write none, zero, or e.g. '10%/day, cap 50%, grace 15m'.")
        for option in options:
            word, _, value = option.partition(" ")
            if word == "cap" and fields["method"] == "per-day":
                fields["cap"] = _percent(value)
            elif word == "grace":
                fields["grace"] = _duration(value)
            else:
                raise PolicyError(f"unknown part {option!r} in the late policy {rule!r} "
                                  "(a per-day rule takes 'cap N%', any rule 'grace 15m').")
        return cls(**fields)

    def penalty(self, score: float, seconds_late: float) -> float:
        """The points taken off `score` for a submission `seconds_late` seconds after the due date."""
        if self.method == "none" or seconds_late <= self.grace or score <= 0:
            return 0.0
        if self.method == "zero":
            return float(score)
        share = min(self.cap, self.per_day * math.ceil(seconds_late / DAY))
        return round(score * share / 100.0, 6)

    def __str__(self) -> str:
        if self.method == "per-day":
            text = f"{self.per_day:g}%/day" + (f", cap {self.cap:g}%" if self.cap < 100 else "")
        else:
            text = self.method
        return text + (f", grace {_human(self.grace)}" if self.grace else "")


def _human(seconds: float) -> str:
    for unit, size in _UNITS.items():
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def seconds_late(submitted: datetime | None, due: datetime | None, flagged: bool, policy: LatePolicy) -> float | None:
    """Seconds after the due date (0 when on time), or None when there is no due date or no time to go by."""
    if due is not None and submitted is not None:
        return max(0.0, (submitted - due).total_seconds())
    if flagged:  # the LMS says late but not when: the least the flag proves
        return policy.grace + 1.0
    return None


def late_by(seconds: float | None) -> str:
    """'1d 2h 5m' for people (grades.csv, the terminal); '' when on time or unknown."""
    if not seconds:
        return ""
    days, rest = divmod(int(math.ceil(seconds)), int(DAY))
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    return " ".join(p for p in parts if p) or f"{secs}s"


def assess(timestamp: str, flagged: bool, due: datetime | None, policy: LatePolicy, score: float) -> dict:
    """What grades.csv, nbgrader's export and the summary show of a submission's lateness."""
    try:
        submitted = parse_time(timestamp) if timestamp else None
    except PolicyError:  # an odd timestamp.txt gives no lateness (nbgrader would stop on it)
        submitted = None
    seconds = seconds_late(submitted, due, flagged, policy)
    return {"due": str(due) if due else "", "submitted": timestamp, "flagged": flagged, "seconds": seconds,
            "policy": str(policy), "penalty": policy.penalty(score, seconds) if seconds else 0.0}


@functools.cache
def _plugin_class():
    from nbgrader.plugins import LateSubmissionPlugin
    from traitlets import Unicode

    from autograder.config import DEFAULTS, Config

    class LatePenalty(LateSubmissionPlugin):
        """nbgrader's hook: `c.AssignLatePenalties.plugin_class = "autograder.late.LatePenalty"`. Its policy is the
        setting late_policy (autograder.config), which nbgrader_config.py passes on."""

        policy = Unicode(DEFAULTS.late_policy,
                         help=Config.__dataclass_fields__["late_policy"].metadata["help"]).tag(config=True)

        def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
            rule = LatePolicy.parse(self.policy)
            penalty = rule.penalty(score or 0.0, total_seconds_late)
            self.log.info("%s: %s late, policy %s, penalty %s", student_id, late_by(total_seconds_late), rule, penalty)
            return penalty

    LatePenalty.__module__ = __name__
    return LatePenalty


def __getattr__(name: str):
    """`autograder.late.LatePenalty`, nbgrader's LateSubmissionPlugin, built when nbgrader asks for it (so the
    CLI does not import nbgrader)."""
    if name == "LatePenalty":
        return _plugin_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

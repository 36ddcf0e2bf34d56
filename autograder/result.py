"""The one Result model every writer reads: plain data, built by the plugin, never by student code."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class TestResult:
    name: str  # "softmax: stable for |x| up to 1e4"
    function: str  # "softmax"
    score: float
    max_score: float
    status: str  # "passed", "failed", "skipped" or "error" (the grader's own fault)
    output: str  # one sentence for the student: what went in, what was expected, what came back
    visibility: str  # "visible" or "hidden"
    carried_forward: list[str] = field(default_factory=list)  # the correct functions it was graded with


@dataclass
class Result:
    submission: str
    seed: int
    tests: list[TestResult] = field(default_factory=list)
    execution_time: float = 0.0
    load_errors: list[dict] = field(default_factory=list)  # cells that raised while loading
    load_failed: str = ""  # the whole submission could not be read or run
    student_output: str = ""  # the first kilobytes the submission printed
    grader_version: str = ""
    sandbox: dict = field(default_factory=dict)  # the confinement measures in force for the worker
    carry_forward: bool = True  # graded with correct versions of the functions each function calls

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def grader_errors(self) -> list[TestResult]:
        return [t for t in self.tests if t.status == "error"]

    def by_function(self) -> dict[str, tuple[float, float]]:
        """{function: (points earned, points possible)}, in the suite's order."""
        table: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            earned, possible = table.get(t.function, (0.0, 0.0))
            table[t.function] = (round(earned + t.score, 6), round(possible + t.max_score, 6))
        return table

    def to_dict(self) -> dict:
        data = asdict(self)
        data["score"], data["max_score"] = self.score, self.max_score
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["tests"] = [TestResult(**t) for t in data.get("tests", [])]
        return cls(**fields)

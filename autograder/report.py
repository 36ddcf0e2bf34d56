"""Writers: one Result in, Gradescope's results.json, the student's feedback.md or a terminal table out."""
from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.carry import Notes
from autograder.result import Result, TestResult

HIDDEN_NOTE = "This is a hidden test: its inputs are not shown."


def student_output(test: TestResult) -> str:
    """What a student may read about one test: hidden tests say pass or fail and nothing of their inputs
    (and which correct functions they were graded with, which says nothing of the inputs either)."""
    if test.visibility == "visible" or test.status == "passed":
        return test.output
    if test.status == "skipped":
        return test.output
    carried = Notes(served=set(test.carried_forward)).sentence()
    return f"Failed. {HIDDEN_NOTE}" + (f" {carried}" if carried else "")


def gradescope(result: Result) -> dict:
    """Gradescope's results.json: visible tests in full; hidden ones after publishing, without inputs."""
    tests = []
    for t in result.tests:
        entry = {
            "name": t.name,
            "score": t.score,
            "max_score": t.max_score,
            "status": "passed" if t.status in ("passed", "skipped") else "failed",
            "output": student_output(t),
            "visibility": "visible" if t.visibility == "visible" else "after_published",
        }
        if t.visibility == "hidden" and t.status != "passed":
            entry["extra_data"] = {"instructor_detail": t.output}
        if t.carried_forward:
            entry.setdefault("extra_data", {})["carried_forward"] = list(t.carried_forward)
        tests.append(entry)
    summary = f"Score {result.score:g} / {result.max_score:g}."
    if result.load_failed:
        summary += " " + result.load_failed
    for err in result.load_errors[:5]:
        summary += f"\nWhile loading, the code {err['where']} raised {err['type']}: {err['message']}"
    return {
        "score": result.score,
        "execution_time": result.execution_time,
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"seed": result.seed, "grader_version": result.grader_version,
                       "max_score": result.max_score, "submission": result.submission,
                       "carry_forward": result.carry_forward},
    }


def _fmt(x: float) -> str:
    return f"{x:g}"


def terminal(result: Result, console: Console | None = None) -> None:
    """A table per function (points earned / possible), then one line per lost point."""
    console = console or Console()
    table = Table(title=f"{Path(result.submission).name}: {_fmt(result.score)} / {_fmt(result.max_score)}",
                  title_justify="left")
    table.add_column("function")
    table.add_column("points", justify="right")
    table.add_column("tests passed", justify="right")
    for fn, (earned, possible) in result.by_function().items():
        tests = [t for t in result.tests if t.function == fn and t.status != "skipped"]
        passed = sum(t.status == "passed" for t in tests)
        style = "green" if earned == possible else ("red" if earned == 0 else "yellow")
        table.add_row(fn, f"[{style}]{_fmt(earned)} / {_fmt(possible)}[/]", f"{passed} / {len(tests)}")
    console.print(table)
    # student-made text is printed as plain Text: a "[red]" in a message is not markup
    if result.load_failed:
        console.print(Text(result.load_failed, style="red"))
    for err in result.load_errors:
        console.print(Text(f"While loading, the code {err['where']} raised {err['type']}: {err['message']}", style="yellow"))
    for t in result.tests:
        if t.status in ("failed", "error") and t.max_score > 0:
            mark = "grader error:" if t.status == "error" else f"-{_fmt(t.max_score)}"
            console.print(Text(f"  {mark} {t.name}: {t.output}", style="red" if t.status == "error" else ""))
    for t in result.tests:
        if t.status == "skipped":
            console.print(Text(f"  skipped {t.name}: {t.output}", style="dim"))


def _fence(text: str) -> str:
    """`text` in a fenced block that no backtick run inside it can close (student text is not markup)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def feedback_markdown(result: Result, student: str = "") -> str:
    """feedback.md, what the student may see: visible tests in full; hidden ones as passed or failed,
    under their function's name only. Neither a hidden input nor the submission's own printed output
    (which can echo hidden inputs) appears."""
    who = f" for {student}" if student else ""
    lines = [f"# Feedback{who}", "", f"**Score: {_fmt(result.score)} / {_fmt(result.max_score)}**", ""]
    if result.load_failed:
        lines += ["Your submission could not be graded:", "", _fence(result.load_failed), ""]
    for err in result.load_errors:
        lines += [f"While loading, the code {err['where']} raised {err['type']}:", "", _fence(err["message"]), ""]
    table = result.by_function()
    if table:
        lines += ["| function | points | tests passed |", "| --- | ---: | ---: |"]
        for fn, (earned, possible) in table.items():
            ran = [t for t in result.tests if t.function == fn and t.status != "skipped"]
            passed = sum(t.status == "passed" for t in ran)
            lines.append(f"| `{fn}` | {_fmt(earned)} / {_fmt(possible)} | {passed} / {len(ran)} |")
        lines.append("")
    for fn in table:
        lines += [f"## `{fn}`", ""]
        for t in (t for t in result.tests if t.function == fn):
            mark = {"passed": "✅ passed", "failed": "❌ failed", "error": "⚠️ not graded (grader error)",
                    "skipped": "⏭️ skipped"}.get(t.status, t.status)
            points = f"{_fmt(t.score)} / {_fmt(t.max_score)}"
            if t.visibility == "visible":
                lines.append(f"- {mark} ({points}): {t.name}")
                if t.status != "passed" and t.output:
                    lines += ["", _fence(t.output), ""]
            else:
                lines.append(f"- {mark} ({points}): a hidden test of `{fn}`")
        lines.append("")
    if result.grader_errors:
        lines += ["Some tests hit an error in the grader itself, not in your code; your instructor will look at them.", ""]
    return "\n".join(lines).rstrip() + "\n"


def classroom(result: Result) -> dict:
    """The result GitHub Classroom's grading reporter (classroom-resources/autograding-grading-reporter)
    reads from a runner step: {version, status, max_score, tests: [{name, status, score, message, ...}]}.
    What the student may see only: hidden tests by function name, without inputs; skipped tests left out."""
    tests = []
    for t in result.tests:
        if t.status == "skipped":
            continue
        tests.append({
            "name": t.name if t.visibility == "visible" else f"{t.function} (hidden test)",
            "status": {"passed": "pass", "failed": "fail"}.get(t.status, "error"),
            "score": t.score,
            "max_score": t.max_score,
            "message": student_output(t),
            "test_code": "",
            "filename": "",
            "line_no": 0,
            "duration": 0,
        })
    status = "pass"
    if result.grader_errors:
        status = "error"
    elif result.load_failed or any(t["status"] != "pass" for t in tests):
        status = "fail"
    return {"version": 1, "status": status, "max_score": result.max_score, "tests": tests}


def classroom_encoded(result: Result) -> str:
    """classroom(result) as the reporter takes it: base64 of its JSON (a step's `result` output)."""
    import base64

    return base64.b64encode(json.dumps(classroom(result), separators=(",", ":")).encode()).decode()

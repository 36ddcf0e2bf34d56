"""Writers of one Result, each rendering the student's view of it (view.py): Gradescope's results.json,
feedback.md, GitHub Classroom's result, a terminal table. WRITERS finds them by name."""
from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.result import Result
from autograder.view import GRADER_ERRORS, StudentView, student_view


def gradescope(result: Result) -> dict:
    """Gradescope's results.json: what the student may see (view.py), hidden tests shown after publishing;
    a hidden or errored test's detail under its extra_data, which Gradescope shows the instructor only."""
    view = student_view(result)
    tests = []
    for t, shown in zip(result.tests, view.tests):
        entry = {
            "name": shown.name,
            "score": shown.score,
            "max_score": shown.max_score,
            "status": "passed" if shown.status in ("passed", "skipped") else "failed",
            "output": shown.message,
            "visibility": "after_published" if shown.hidden else "visible",
        }
        if shown.message != t.output:
            entry["extra_data"] = {"instructor_detail": t.output, "test": t.name}
        if shown.carried_forward:
            entry.setdefault("extra_data", {})["carried_forward"] = list(shown.carried_forward)
        tests.append(entry)
    return {
        "score": view.score,
        "execution_time": result.execution_time,
        "output": "\n".join([f"Score {_fmt(view.score)} / {_fmt(view.max_score)}." +
                             (f" {view.load_failed}" if view.load_failed else ""), *_load_errors(view)[:5]]),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"seed": result.seed, "grader_version": result.grader_version,
                       "max_score": view.max_score, "submission": result.submission,
                       "carry_forward": result.carry_forward},
    }


def _load_errors(view: StudentView) -> list[str]:
    return [f"While loading, the code {e['where']} raised {e['type']}: {e['message']}" for e in view.load_errors]


def _fmt(x: float) -> str:
    return f"{x:g}"


def terminal(result: Result, console: Console | None = None) -> None:
    """A table per function (points earned / possible), then one line per lost point."""
    console = console or Console()
    view = student_view(result)
    table = Table(title=f"{Path(view.submission).name}: {_fmt(view.score)} / {_fmt(view.max_score)}",
                  title_justify="left")
    table.add_column("function")
    table.add_column("points", justify="right")
    table.add_column("tests passed", justify="right")
    for fn, (earned, possible) in view.by_function.items():
        tests = [t for t in view.of(fn) if t.status != "skipped"]
        passed = sum(t.status == "passed" for t in tests)
        style = "green" if earned == possible else ("red" if earned == 0 else "yellow")
        table.add_row(fn, f"[{style}]{_fmt(earned)} / {_fmt(possible)}[/]", f"{passed} / {len(tests)}")
    console.print(table)
    # student-made text is printed as plain Text: a "[red]" in a message is not markup
    if view.load_failed:
        console.print(Text(view.load_failed, style="red"))
    for line in _load_errors(view):
        console.print(Text(line, style="yellow"))
    for t in view.tests:
        if t.status in ("failed", "error") and t.max_score > 0:
            mark = "grader error:" if t.status == "error" else f"-{_fmt(t.max_score)}"
            console.print(Text(f"  {mark} {t.name}: {t.message}", style="red" if t.status == "error" else ""))
    for t in view.tests:
        if t.status == "skipped":
            console.print(Text(f"  skipped {t.name}: {t.message}", style="dim"))


def _fence(text: str) -> str:
    """`text` in a fenced block that no backtick run inside it can close (student text is not markup)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def feedback_markdown(result: Result, student: str = "") -> str:
    """feedback.md: the student's view (view.py) as Markdown; student-made text fenced, never markup."""
    view = student_view(result)
    who = f" for {student}" if student else ""
    lines = [f"# Feedback{who}", "", f"**Score: {_fmt(view.score)} / {_fmt(view.max_score)}**", ""]
    if view.load_failed:
        lines += ["Your submission could not be graded:", "", _fence(view.load_failed), ""]
    for err in view.load_errors:
        lines += [f"While loading, the code {err['where']} raised {err['type']}:", "", _fence(err["message"]), ""]
    if view.by_function:
        lines += ["| function | points | tests passed |", "| --- | ---: | ---: |"]
        for fn, (earned, possible) in view.by_function.items():
            ran = [t for t in view.of(fn) if t.status != "skipped"]
            passed = sum(t.status == "passed" for t in ran)
            lines.append(f"| `{fn}` | {_fmt(earned)} / {_fmt(possible)} | {passed} / {len(ran)} |")
        lines.append("")
    for fn in view.by_function:
        lines += [f"## `{fn}`", ""]
        for t in view.of(fn):
            mark = {"passed": "✅ passed", "failed": "❌ failed", "error": "⚠️ not graded (grader error)",
                    "skipped": "⏭️ skipped"}.get(t.status, t.status)
            points = f"{_fmt(t.score)} / {_fmt(t.max_score)}"
            if not t.hidden:
                lines.append(f"- {mark} ({points}): {t.name}")
                if t.status not in ("passed", "error") and t.message:
                    lines += ["", _fence(t.message), ""]
            else:
                lines.append(f"- {mark} ({points}): a hidden test of `{fn}`")
        lines.append("")
    if view.grader_errors:
        lines += [GRADER_ERRORS, ""]
    return "\n".join(lines).rstrip() + "\n"


def classroom(result: Result) -> dict:
    """The result GitHub Classroom's grading reporter (classroom-resources/autograding-grading-reporter)
    reads from a runner step: {version, status, max_score, tests: [{name, status, score, message, ...}]}.
    The student's view (view.py), skipped tests left out."""
    view = student_view(result)
    tests = []
    for t in view.tests:
        if t.status == "skipped":
            continue
        tests.append({
            "name": t.name,
            "status": {"passed": "pass", "failed": "fail"}.get(t.status, "error"),
            "score": t.score,
            "max_score": t.max_score,
            "message": t.message,
            "test_code": "",
            "filename": "",
            "line_no": 0,
            "duration": 0,
        })
    status = "pass"
    if view.grader_errors:
        status = "error"
    elif view.load_failed or any(t["status"] != "pass" for t in tests):
        status = "fail"
    return {"version": 1, "status": status, "max_score": view.max_score, "tests": tests}


def classroom_encoded(result: Result) -> str:
    """classroom(result) as the reporter takes it: base64 of its JSON (a step's `result` output)."""
    import base64

    return base64.b64encode(json.dumps(classroom(result), separators=(",", ":")).encode()).decode()


def nbgrader_cells(result: Result) -> dict[str, str]:
    """What each graded cell shows in nbgrader's feedback: {function: text} (nbgrader_grading.feedback)."""
    from autograder.nbgrader_grading import feedback

    return {fn: feedback(result, fn) for fn in result.by_function()}


# The writers of one Result, by name: what each gives is for the student (view.py) and safe to publish.
WRITERS = {
    "terminal": terminal,  # prints (console=...)
    "feedback.md": feedback_markdown,  # -> Markdown text
    "gradescope": gradescope,  # -> results.json's dict
    "classroom": classroom,  # -> GitHub Classroom's result dict (classroom_encoded: as the step output)
    "nbgrader": nbgrader_cells,  # -> {function: a graded cell's text}
}

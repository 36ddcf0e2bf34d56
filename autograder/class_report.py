"""Writers for a whole class: grades.csv, nbgrader's export CSV, JUnit XML and the summary (terminal, summary.png).

They read graded Results (one per student, as batch.py stores them in each results.json) and write files
atomically; none of them runs student code, and none shows a hidden test's inputs.
"""
from __future__ import annotations

import csv
import io
import re
import statistics
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder import files
from autograder.result import Result
from autograder.view import student_view

# nbgrader 0.9's CSV exporter (nbgrader/plugins/export.py, CsvExportPlugin): these columns, in this order
NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]


@dataclass
class Graded:
    """One student's graded submission, as the class-level writers need it."""

    student: str
    result: Result
    nbgrader: dict = field(default_factory=dict)  # {"assignment", "timestamp", "max_score"} for a submitted/ tree
    status: str = "graded"  # "graded", "late" or "unreadable" (store.status_of)
    late: dict = field(default_factory=dict)  # late.assess(): due, submitted, seconds, policy, penalty
    by_function: dict[str, tuple[float, float]] = field(init=False)  # result.by_function(), worked out once

    def __post_init__(self):
        self.by_function = self.result.by_function()

    def earned(self, fn: str) -> float:
        return self.by_function.get(fn, (0.0, 0.0))[0]

    @property
    def penalty(self) -> float:
        return float(self.late.get("penalty") or 0.0)

    @property
    def late_by(self) -> str:
        from autograder.late import late_by

        if self.late.get("seconds") and not self.late.get("submitted"):
            return "flagged late by the LMS"
        return late_by(self.late.get("seconds"))


def functions_of(graded: list[Graded]) -> list[str]:
    """Every graded function, in the grading suite's order (the order of the first complete result)."""
    order: list[str] = []
    for g in sorted(graded, key=lambda g: -len(g.result.tests)):
        for fn in g.by_function:
            if fn not in order:
                order.append(fn)
    return order


def _num(x: float) -> str:
    return f"{round(x, 6):g}"


# ------------------------------------------------------------------ grades.csv


def _cell(text: str) -> str:
    """A student id as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(graded: list[Graded], missing=()) -> str:
    """A row per student (sorted by id): status, a column per function with the points earned, the total,
    how late and the penalty, and the score after it. A student found without a notebook (`missing`,
    discover.NotGraded) has a row with the status and no points."""
    functions = functions_of(graded)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "status", *functions, "total", "late by", "penalty", "score"])
    rows = [(g.student, [g.status, *(_num(g.earned(fn)) for fn in functions), _num(g.result.score), g.late_by,
                         _num(g.penalty), _num(max(0.0, g.result.score - g.penalty))]) for g in graded]
    rows += [(m.student, [m.status, *("" for _ in functions), "", "", "", ""]) for m in missing]
    for student, cells in sorted(rows, key=lambda r: r[0]):
        writer.writerow([_cell(student), *cells])
    return out.getvalue()


def status_lines(graded: list[Graded], not_graded=()) -> list[str]:
    """One line per student (or file) an instructor must look at: not graded, unreadable, late."""
    lines = []
    for m in sorted(not_graded, key=lambda m: m.label):
        lines.append(f"{m.student or Path(m.label).name}: {m.status} ({m.label} {m.reason}).")
    for g in sorted(graded, key=lambda g: g.student):
        if g.status == "unreadable":
            lines.append(f"{g.student}: unreadable, scored 0: {g.result.load_failed}")
        elif g.late.get("seconds"):
            lines.append(f"{g.student}: late ({g.late_by}); penalty {_num(g.penalty)} of {_num(g.result.score)} "
                         f"points ({g.late.get('policy') or 'none'}).")
    return lines


def grades_max_row(graded: list[Graded]) -> dict[str, float]:
    """{function: points possible} and "total", as graded (a skipped CUDA case leaves the total at 100)."""
    most: dict[str, float] = {}
    for g in graded:
        for fn, (_, possible) in g.by_function.items():
            most[fn] = max(most.get(fn, 0.0), possible)
    most["total"] = max((g.result.max_score for g in graded), default=0.0)
    return most


# ------------------------------------------------------------------ nbgrader export


def nbgrader_csv(graded: list[Graded]) -> str:
    """What `nbgrader export` (its CSV plugin) writes, with the autograded score as raw_score.

    Values are formatted as nbgrader formats them (str() of each field, '' for none). Names and email
    live in nbgrader's gradebook, not in submitted/, so they are left empty; the due date and the late
    penalty are this run's (--due, --late-policy), worked out as nbgrader's LatePenalty plugin does.
    max_score is the assignment's, hand-graded cells included, as nbgrader reports it.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NBGRADER_COLUMNS)
    rows = sorted((g for g in graded if g.nbgrader), key=lambda g: (g.nbgrader.get("assignment", ""), g.student))
    for g in rows:
        raw, penalty = float(g.result.score), g.penalty
        row = {"assignment": g.nbgrader.get("assignment", ""), "duedate": g.late.get("due") or "",
               "timestamp": g.nbgrader.get("timestamp") or "", "student_id": g.student, "last_name": "",
               "first_name": "", "email": "", "raw_score": str(raw), "late_submission_penalty": str(penalty),
               "score": str(max(0.0, raw - penalty)),
               "max_score": str(float(g.nbgrader.get("max_score") or g.result.max_score))}
        writer.writerow([row[k] for k in NBGRADER_COLUMNS])
    return out.getvalue()


# ------------------------------------------------------------------ JUnit XML

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text or "")


def junit_xml(graded: list[Graded], name: str = "autograder") -> str:
    """One <testsuite> per student, one <testcase> per test (for CI test reports, which instructors read).

    Messages are the ones a student may read (a hidden test's inputs are not shown); the instructor's
    detail stays in results.json."""
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for g in sorted(graded, key=lambda g: g.student):
        r = g.result
        counts = {"tests": len(r.tests), "failures": sum(t.status == "failed" for t in r.tests),
                  "errors": sum(t.status == "error" for t in r.tests),
                  "skipped": sum(t.status == "skipped" for t in r.tests)}
        suite = ET.SubElement(root, "testsuite", name=_xml_text(g.student),
                              **{k: str(v) for k, v in counts.items()}, time=f"{r.execution_time:.3f}")
        props = ET.SubElement(suite, "properties")
        for key, value in (("score", _num(r.score)), ("max_score", _num(r.max_score)), ("seed", str(r.seed)),
                           ("grader_version", r.grader_version)):
            ET.SubElement(props, "property", name=key, value=_xml_text(value))
        if r.load_failed:
            ET.SubElement(props, "property", name="load_failed", value=_xml_text(r.load_failed))
        for t in student_view(r).tests:
            case = ET.SubElement(suite, "testcase", classname=f"{name}.{_xml_text(g.student)}.{_xml_text(t.function)}",
                                 name=_xml_text(t.name), time="0")
            message = _xml_text(t.message)
            points = f"{_num(t.score)} / {_num(t.max_score)} points"
            if t.status == "failed":
                ET.SubElement(case, "failure", message=message[:500], type="failed").text = f"{points}\n{message}"
            elif t.status == "error":
                ET.SubElement(case, "error", message=message[:500], type="grader error").text = message
            elif t.status == "skipped":
                ET.SubElement(case, "skipped", message=message[:500])
            ET.SubElement(case, "system-out").text = points
        for k in totals:
            totals[k] += counts[k]
        total_time += r.execution_time
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ------------------------------------------------------------------ the summary


@dataclass
class Missed:
    name: str
    function: str
    missed: int  # students who lost points on it
    ran: int  # students for whom it ran (not skipped)
    points: float


def most_missed(graded: list[Graded], n: int = 10) -> list[Missed]:
    """The tests most students lost points on (for the instructor: hidden tests by name, marked so)."""
    table: dict[str, Missed] = {}
    for g in graded:
        for t in g.result.tests:
            if t.status == "skipped" or t.max_score <= 0:
                continue
            m = table.setdefault(t.name, Missed(t.name + (" [hidden]" if t.visibility == "hidden" else ""),
                                                t.function, 0, 0, t.max_score))
            m.ran += 1
            m.missed += t.score < t.max_score
    ranked = sorted((m for m in table.values() if m.missed), key=lambda m: (-m.missed / m.ran, -m.points, m.name))
    return ranked[:n]


def distribution(totals: list[float], top: float, bins: int = 10) -> list[tuple[str, int]]:
    """Counts of totals in `bins` equal ranges of [0, top], the top score in a bin of its own."""
    if top <= 0:
        return [("0", len(totals))]
    width = top / bins
    counts = [0] * (bins + 1)
    labels = [f"{_num(i * width)}–{_num((i + 1) * width)}" for i in range(bins)] + [_num(top)]
    for x in totals:
        counts[bins if x >= top else min(bins - 1, max(0, int(x // width)))] += 1
    return list(zip(labels, counts))


def terminal_summary(graded: list[Graded], console: Console, *, title: str = "Class summary") -> None:
    """Score distribution, the mean per function and the most missed tests, as tables."""
    if not graded:
        console.print("No graded submissions.")
        return
    totals = [g.result.score for g in graded]
    top = max(g.result.max_score for g in graded)
    stats = (f"{len(totals)} submissions · mean {statistics.fmean(totals):.1f} · median "
             f"{statistics.median(totals):g} · min {min(totals):g} · max {max(totals):g} (of {top:g})")
    full = sum(t >= top for t in totals)
    failed_load = sum(bool(g.result.load_failed) for g in graded)
    grader_errors = sum(bool(g.result.grader_errors) for g in graded)
    console.print(Text(title, style="bold"))
    console.print(Text(stats))
    console.print(Text(f"{full} full marks · {failed_load} could not be loaded · "
                       f"{grader_errors} with grader errors"))
    dist = Table(title="Score distribution", title_justify="left")
    dist.add_column("total", justify="right")
    dist.add_column("students", justify="right")
    dist.add_column("")
    biggest = max(c for _, c in distribution(totals, top)) or 1
    for label, count in distribution(totals, top):
        dist.add_row(label, str(count), "█" * round(30 * count / biggest))
    console.print(dist)
    means = Table(title="Mean points per function", title_justify="left")
    means.add_column("function")
    means.add_column("mean", justify="right")
    means.add_column("of", justify="right")
    most = grades_max_row(graded)
    for fn in functions_of(graded):
        earned = statistics.fmean(g.earned(fn) for g in graded)
        means.add_row(fn, f"{earned:.2f}", _num(most.get(fn, 0.0)))
    console.print(means)
    missed = most_missed(graded)
    if missed:
        table = Table(title="Most missed tests", title_justify="left")
        table.add_column("test")
        table.add_column("missed by", justify="right")
        table.add_column("points", justify="right")
        for m in missed:
            table.add_row(Text(m.name), f"{m.missed} / {m.ran} ({100 * m.missed / m.ran:.0f} %)", _num(m.points))
        console.print(table)


def import_plotting_early() -> None:
    """Import what summary_png draws with (matplotlib: a second) on a thread now, while the jobs grade, rather
    than after the last submission. summary_png's own imports then find it loaded (or wait for it)."""
    def load() -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401

    threading.Thread(target=load, name="import-matplotlib").start()


def summary_png(graded: list[Graded], path: str | Path) -> None:
    """A histogram of totals and a bar per function (mean points earned, out of the points possible)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    totals = [g.result.score for g in graded]
    top = max((g.result.max_score for g in graded), default=100.0) or 100.0
    functions = functions_of(graded)
    most = grades_max_row(graded)
    means = [statistics.fmean(g.earned(fn) for g in graded) if graded else 0.0
             for fn in functions]
    fig = Figure(figsize=(12, max(4.5, 0.32 * len(functions) + 1.5)), layout="constrained")
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.2])
    left.hist(totals, bins=[top * i / 20 for i in range(21)], color="#4c72b0", edgecolor="white")
    left.set_xlim(0, top)
    left.set_xlabel(f"total (of {top:g})")
    left.set_ylabel("students")
    mean = statistics.fmean(totals) if totals else 0.0
    left.axvline(mean, color="#c44e52", linestyle="--", label=f"mean {mean:.1f}")
    left.legend(loc="upper left")
    left.set_title(f"Totals of {len(totals)} submissions")
    y = list(range(len(functions)))[::-1]
    right.barh(y, [most.get(fn, 0.0) for fn in functions], color="#dddddd", label="points possible")
    right.barh(y, means, color="#55a868", label="mean earned")
    right.set_yticks(y, functions)
    right.set_xlabel("points")
    right.set_title("Mean points per function")
    right.legend(loc="lower right")
    with files.replacing(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")


def write_class_outputs(graded: list[Graded], out_dir: str | Path, missing=()) -> list[Path]:
    """grades.csv, junit.xml, summary.png and, for an nbgrader submitted/ tree, nbgrader_grades.csv."""
    out_dir = Path(out_dir)
    written = [out_dir / "grades.csv", out_dir / "junit.xml", out_dir / "summary.png"]
    files.write_text(grades_csv(graded, missing), written[0])
    files.write_text(junit_xml(graded), written[1])
    summary_png(graded, written[2])
    nbgrader_path = out_dir / "nbgrader_grades.csv"
    if any(g.nbgrader for g in graded):
        files.write_text(nbgrader_csv(graded), nbgrader_path)
        written.append(nbgrader_path)
    elif nbgrader_path.exists():
        nbgrader_path.unlink()
    return written

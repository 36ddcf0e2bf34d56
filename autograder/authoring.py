"""An assignment's nbgrader source notebook, built from its text form: reference/NAME/NAME.py (jupytext's percent
format) becomes reference/NAME/NAME.ipynb, byte for byte the same from the same text and suite.

Points are written once, in the grading suite's markers: the build gives each autograded cell `grade_<function>`
the sum of the points of that function's tests (read from the suite's source, never imported), and writes the
points table where the text has the line POINTS_TABLE. Hand-graded answers carry their own points in their cell's
metadata. The build refuses a text that breaks a rule (see `problems`): it never writes a notebook nbgrader or
the grader would get wrong.

    build(assignment) -> Path        write NAME.ipynb (only when it changes); BuildError when a rule is broken
    is_current(assignment) -> bool   the committed NAME.ipynb is what build would write
    render(assignment) -> str        the text build writes
    suite_points(grading) -> dict    {function: points} from the suite's @pytest.mark.grade markers
    text_source(assignment) -> Path  reference/NAME/NAME.py
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.load import GRADED_CALL

GRADED_PREFIX = "grade_"  # an autograded cell grade_<function> earns that function's points
POINTS_TABLE = "<!-- autograder: points table -->"  # a line of a markdown cell the build replaces with the table
TEXT_FORMAT = "py:percent"
# jupytext's own bookkeeping in a cell's metadata (how the text was laid out): not part of the notebook
JUPYTEXT_CELL_KEYS = ("skipline", "noskipline", "cell_marker", "lines_to_next_cell", "lines_to_end_of_cell_marker")
REGION = re.compile(r"\b(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\b")


class BuildError(Exception):
    """The text form breaks a rule: one sentence per problem, for the instructor."""


def text_source(assignment) -> Path:
    """reference/NAME/NAME.py: the file an instructor edits (nbgrader_config.py keeps it out of the release)."""
    return assignment.folder / f"{assignment.name}.py"


# ------------------------------------------------------------------ the suite's points, read statically


@dataclass(frozen=True)
class SuiteTest:
    function: str
    points: float
    where: str  # file:line, for messages


def suite_tests(grading: Path) -> tuple[list[SuiteTest], list[str]]:
    """Every test of the suite with its function (the docstring's first line up to ":", as autograder.plugin
    names it) and its marker's points; and the problems found. Parsed with `ast`: nothing is imported."""
    tests, problems = [], []
    for path in sorted(grading.glob("test_*.py")):
        name = path.relative_to(grading.parent).as_posix()
        try:
            tree = ast.parse(path.read_text(), filename=str(path))
        except SyntaxError as exc:
            problems.append(f"{name}:{exc.lineno}: not valid Python ({exc.msg}).")
            continue
        for node in _test_functions(tree):
            where = f"{name}:{node.lineno}"
            found = _test(node, where)
            if isinstance(found, SuiteTest):
                tests.append(found)
            else:
                problems.append(found)
    return tests, problems


def suite_points(grading: Path) -> dict[str, float]:
    """{function: the sum of its tests' points}, in the suite's order (files by name, tests by line)."""
    tests, problems = suite_tests(grading)
    if problems:
        raise BuildError(" ".join(problems))
    points: dict[str, float] = {}
    for t in tests:
        points[t.function] = round(points.get(t.function, 0.0) + t.points, 6)
    return points


def _test_functions(tree: ast.Module):
    """pytest's default collection: module-level test_* functions and test_* methods of Test* classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            yield from (f for f in node.body
                        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test"))


def _test(node: ast.FunctionDef, where: str) -> SuiteTest | str:
    marker = next((d for d in node.decorator_list
                   if isinstance(d, ast.Call) and ast.unparse(d.func).endswith("mark.grade")), None)
    if marker is None:
        return f"{where}: {node.name} has no @pytest.mark.grade(points=..., visibility=...)."
    keywords = {k.arg: k.value for k in marker.keywords}
    try:
        points = ast.literal_eval(keywords["points"]) if "points" in keywords else 0
    except ValueError:
        points = None
    if marker.args or not isinstance(points, (int, float)) or isinstance(points, bool) or points < 0:
        return f"{where}: {node.name}'s marker must give points=<a number, at least 0> as a keyword."
    doc = (ast.get_docstring(node) or "").strip().splitlines()
    if not doc or ":" not in doc[0]:
        return f"{where}: {node.name}'s docstring must start with \"<function>: what is checked\"."
    return SuiteTest(function=doc[0].split(":")[0].strip(), points=float(points), where=where)


# ------------------------------------------------------------------ the notebook


def render(assignment) -> str:
    """The text of NAME.ipynb built from NAME.py and the suite; BuildError when the text breaks a rule."""
    source = text_source(assignment)
    if not source.is_file():
        raise BuildError(f"{source} does not exist: an assignment is built from its text form NAME.py.")
    try:
        import jupytext  # the nbgrader extra: authoring and releasing, not grading
    except ImportError:
        raise BuildError("building a notebook needs jupytext: pip install 'course-autograder[nbgrader]'.") from None

    text_nb = jupytext.reads(source.read_text(encoding="utf-8"), fmt=TEXT_FORMAT)
    points = suite_points(assignment.grading)
    if not points:
        raise BuildError(f"{assignment.grading} holds no graded tests (test_*.py with @pytest.mark.grade): the "
                         "graded cells' points come from them, so write the suite first.")
    cells = [_cell(c) for c in text_nb.cells]
    errors = problems(cells, points, assignment.settings.get("autograded_points"))
    if errors:
        raise BuildError(f"{source.name}: " + " ".join(errors))
    fill_points(cells, points)
    table = points_table(cells)
    nb = nbformat.v4.new_notebook(metadata={k: v for k, v in text_nb.metadata.items() if k != "jupytext"})
    counts = {"markdown": 0, "code": 0, "raw": 0}
    for cell in cells:
        counts[cell.cell_type] += 1
        cell.id = cell_id(cell, counts[cell.cell_type])
        if cell.cell_type == "markdown":
            cell.source = "\n".join(table if line.strip() == POINTS_TABLE else line for line in cell.source.split("\n"))
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nbformat.writes(nb, version=4) + "\n"


def _cell(text_cell) -> nbformat.NotebookNode:
    """A fresh cell (no outputs, no execution count) with the text's source and nbgrader metadata."""
    metadata = {k: v for k, v in text_cell.metadata.items() if k not in JUPYTEXT_CELL_KEYS}
    source = text_cell.source.strip("\n")
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell,
            "raw": nbformat.v4.new_raw_cell}[text_cell.cell_type]
    return make(source, metadata=metadata)


def cell_id(cell, position: int) -> str:
    """Stable ids: a graded cell's grade_id; any other cell its kind and place among cells of that kind."""
    gid = _meta(cell).get("grade_id")
    return gid or f"{'md' if cell.cell_type == 'markdown' else cell.cell_type}-{position:02d}"


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded_function(cell) -> str | None:
    """The function an autograded cell grade_<function> grades, else None."""
    meta = _meta(cell)
    gid = meta.get("grade_id", "")
    if meta.get("grade") and not meta.get("solution") and gid.startswith(GRADED_PREFIX):
        return gid[len(GRADED_PREFIX):]
    return None


def is_hand_graded(cell) -> bool:
    return bool(_meta(cell).get("grade") and _meta(cell).get("solution"))


def fill_points(cells, points: dict[str, float]) -> None:
    for cell in cells:
        fn = graded_function(cell)
        if fn is not None:
            _meta(cell)["points"] = _number(points[fn])


def _number(points: float) -> int | float:
    """5.0 is written 5, as nbgrader's own notebooks have it; 2.5 stays 2.5."""
    return int(points) if float(points).is_integer() else points


# ------------------------------------------------------------------ the rules a text must keep


def problems(cells, points: dict[str, float], declared_total: float | None = None) -> list[str]:
    """Every broken rule, one sentence each: graded cells and the suite name the same functions, points are
    written once, each graded function is defined in a solution cell, and solutions, hidden tests and mark
    schemes stay inside the regions nbgrader removes from the release."""
    found, ids = [], []
    graded = [graded_function(c) for c in cells if graded_function(c)]
    for n, cell in enumerate(cells, 1):
        meta, fn = _meta(cell), graded_function(cell)
        name = meta.get("grade_id") or f"cell {n} ({cell.cell_type})"
        ids += [meta["grade_id"]] if meta.get("grade_id") else []
        if fn is not None:
            found += _graded_cell_problems(name, fn, cell, meta, points)
        elif is_hand_graded(cell) and not _is_number(meta.get("points")):
            found.append(f"the hand-graded cell {name} needs its points in its nbgrader metadata.")
        elif meta.get("grade") and not meta.get("solution") and meta.get("points"):
            found.append(f"{name} is worth {meta['points']} points but only {GRADED_PREFIX}<function> cells earn "
                         "autograded points (from the suite): set its points to 0 or rename it.")
        found += _region_problems(name, cell, meta)
    found += [f"the grade_id {gid} is used twice." for gid in sorted({g for g in ids if ids.count(g) > 1})]
    found += [f"the suite grades {fn} ({points[fn]:g} points) but no cell is {GRADED_PREFIX}{fn}."
              for fn in points if fn not in graded]
    defined = {m for c in cells if _meta(c).get("solution") for m in re.findall(r"^def\s+(\w+)\s*\(", c.source, re.M)}
    found += [f"{GRADED_PREFIX}{fn} grades {fn} but no solution cell defines it (def {fn}(...))."
              for fn in graded if fn in points and fn not in defined]
    total = sum(points.values())
    if declared_total is not None and abs(total - float(declared_total)) > 1e-9:
        found.append(f"the suite's points add up to {total:g}, not the {float(declared_total):g} "
                     "assignment.toml declares (autograded_points).")
    return found


def _graded_cell_problems(name: str, fn: str, cell, meta: dict, points: dict[str, float]) -> list[str]:
    found = []
    if "points" in meta:
        found.append(f"{name} has points in the text, but a graded cell's points come from the suite's markers: "
                     "remove them.")
    if fn not in points:
        found.append(f"{name} grades {fn}, but the suite has no test of {fn} (a docstring \"{fn}: ...\").")
    if GRADED_CALL.findall(cell.source) != [fn]:
        found.append(f"{name} must call grade_cell(\"{fn}\") once (nbgrader's autograde grades it through it).")
    return found


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _region_problems(name: str, cell, meta: dict) -> list[str]:
    """nbgrader removes solutions only from solution cells, hidden tests only from autograded test cells, and a
    mark scheme either with its solution region or from a task cell; a marker anywhere else leaks what follows it."""
    allowed = {"SOLUTION": bool(meta.get("solution")),
               "HIDDEN TESTS": bool(meta.get("grade") and not meta.get("solution")),
               "MARK SCHEME": bool(meta.get("task"))}
    found, open_regions = [], []
    for line in cell.source.splitlines():
        match = REGION.search(line)
        if not match:
            continue
        kind, region = match.groups()
        if kind == "BEGIN":
            if not (allowed[region] or (region == "MARK SCHEME" and open_regions == ["SOLUTION"])):
                found.append(f"{name} has a {region} region, which nbgrader would not remove from the release here.")
            if region in open_regions:
                found.append(f"{name} opens a {region} region inside another.")
            open_regions.append(region)
        elif open_regions[-1:] == [region]:
            open_regions.pop()
        else:
            found.append(f"{name} ends a {region} region it did not begin.")
    found += [f"{name} never ends its {region} region." for region in open_regions]
    return found


# ------------------------------------------------------------------ the generated points table


def points_table(cells) -> str:
    """The table of points, in the notebook's order: each graded function, then each hand-graded answer (named
    written_<topic> by convention), then the totals."""
    auto = [(graded_function(c), _meta(c)["points"]) for c in cells if graded_function(c)]
    hand = [(_meta(c)["grade_id"], _meta(c)["points"]) for c in cells if is_hand_graded(c)]
    rows = [f"| `{fn}` | {p:g} |" for fn, p in auto]
    rows += [f"| {_hand_label(gid)} (graded by hand) | {p:g} |" for gid, p in hand]
    auto_total, hand_total = sum(p for _, p in auto), sum(p for _, p in hand)
    total = f"{auto_total:g} autograded + {hand_total:g} by hand" if hand else f"{auto_total:g}"
    return "\n".join(["| what | points |", "| --- | --- |", *rows, f"| **total** | {total} |"])


def _hand_label(grade_id: str) -> str:
    topic = grade_id.removeprefix("written_").replace("_", " ")
    return f"written: {topic}" if grade_id.startswith("written_") else topic


# ------------------------------------------------------------------ building


def build(assignment) -> Path:
    """Write NAME.ipynb from NAME.py and the suite (the file is left untouched when nothing changes)."""
    text = render(assignment)
    out = assignment.reference
    if not out.is_file() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8", newline="\n")
    return out


def is_current(assignment) -> bool:
    """The notebook on disk is what build would write (BuildError when the text breaks a rule)."""
    out = assignment.reference
    return out.is_file() and out.read_text(encoding="utf-8") == render(assignment)

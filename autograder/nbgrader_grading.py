"""nbgrader's autograde without a kernel: `SandboxedGrading` takes the place of nbgrader's `Execute` step.

nbgrader's own Execute runs the whole notebook in one kernel, the graded cells included: student code and
grading shared a process, so a student could replace `grade_cell` there, or read the reference from it.
This step starts no kernel and runs no student code in nbgrader's process. It grades the notebook that
nbgrader has just put right (ClearOutput, DeduplicateIds, OverwriteCells: locked cells restored) through
the CLI's own path, `autograder.grade.grade`: the student's cells run in sandboxed workers, the grading
suite judges plain data in this process. Then it writes into each graded cell (`grade_<fn>`, whose hidden
content is `grade_cell("<fn>")`, read with `autograder.load.GRADED_CALL`) what nbgrader reads:

- a stdout stream: the feedback for that function (visible tests with what failed, hidden tests as passed
  or failed only, the seed);
- an execute_result holding the function's points, which nbgrader's `utils.determine_grade` takes as the
  cell's partial credit; so each cell scores what the CLI gives that function.

The rest of Autograde's list runs as usual (SaveAutoGrades writes the gradebook, AssignLatePenalties the
late penalty, and generate_feedback, export and the formgrader read what they always read).

Two more notes for the student, neither of which changes a score (nbgrader scores graded cells only, and
only by their error, stderr and execute_result outputs): a graded cell the student deleted gets a markdown
note where it was, saying why its function earned 0 (the CLI's `grade.forfeit` sentence); a cell of the
student's that raised while the worker ran it gets that error as a stdout line, since no kernel shows it.
"""
from __future__ import annotations

import atexit
import math
import re
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Int, List, Unicode

from autograder import assignment as assignments
from autograder.config import DEFAULTS, Config
from autograder.grade import grade, start_reference
from autograder.load import GRADED_CALL, load
from autograder.result import Result
from autograder.view import student_view

NOTE_KEY = "autograder"  # cell metadata that marks a note this step added (never an nbgrader cell)


class GradingSetupError(Exception):
    """The notebook cannot be graded by this step (a configuration problem, not the student's)."""


# ------------------------------------------------------------------ the feedback a graded cell prints


def feedback(result: Result, function: str) -> str:
    """What a graded cell shows: visible tests by name (with what failed), hidden ones as passed or failed only."""
    view = student_view(result)
    tests = [t for t in view.of(function) if t.status != "skipped"]
    if not tests:
        raise GradingSetupError(f"the grading suite has no tests for {function!r}")
    earned, possible = view.by_function[function]
    lines = [f"{function}: {earned:g} / {possible:g} points"]
    for t in tests:
        if not t.hidden:
            mark = "passed" if t.status == "passed" else "FAILED"
            detail = t.message if t.status != "passed" else ""
            lines.append(f"  {mark}  {t.name}" + (f"\n          {detail}" if detail else ""))
    hidden = [t for t in tests if t.hidden]
    if hidden:
        passed = sum(t.status == "passed" for t in hidden)
        lines.append(f"  {function}: {passed} of {len(hidden)} hidden tests passed (hidden tests show no inputs)")
    if view.load_failed:
        lines.append(f"  {view.load_failed}")
    lines.append(f"graded with seed {view.seed}")
    return "\n".join(lines)


def deleted_note(result: Result, function: str) -> str:
    """The CLI's reason (grade.forfeit) for the functions of a deleted graded cell, once."""
    earned, possible = result.by_function()[function]
    reasons = sorted({t.output for t in result.tests if t.function == function and t.status == "failed"})
    return "\n".join([f"{function}: {earned:g} / {possible:g} points", *reasons])


# ------------------------------------------------------------------ outputs, as a kernel would have written them


def graded_outputs(text: str, points: float) -> list:
    return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(round(points, 6))},
                                   execution_count=None)]


def note_cell(gid: str, text: str) -> nbformat.NotebookNode:
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    source = (f"**The graded cell `{gid}` is missing from this notebook.** "
              "(A note the autograder added for your feedback; it is not part of your notebook.)\n\n"
              f"{fence}text\n{text}\n{fence}")
    return nbformat.v4.new_markdown_cell(source, metadata={NOTE_KEY: {"note": "deleted graded cell", "grade_id": gid}})


def grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def autograded_test(cell) -> bool:
    """A cell nbgrader scores by its outputs: a graded code cell that is not the student's answer."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


# ------------------------------------------------------------------ one grading setup per nbgrader process

_shared: dict = {}


def shared_workers(assignment, fork_server: bool, settings=None,
                   load_timeout: float = DEFAULTS.load_timeout) -> tuple:
    """(the assignment's reference worker, the spawn function) for every notebook of this nbgrader run.

    nbgrader makes a new preprocessor for each notebook; each assignment's reference solution (trusted
    code) is loaded once per process, and student workers are forked from one warm server, as the CLI's
    class grading does. All are closed when nbgrader exits.
    """
    if "spawn" not in _shared:
        spawn = None
        if fork_server:
            from autograder.pool import ForkServer

            # one fork server per nbgrader run, which autogrades one assignment: it imports that one's modules
            spawn = ForkServer(preload=assignment.imports()).start().spawn  # it closes itself at exit
        _shared["spawn"] = spawn
    spawn = _shared["spawn"]
    if assignment.name not in _shared:
        reference = start_reference(assignment, settings=settings, load_timeout=load_timeout,
                                    **({"spawn": spawn} if spawn else {}))
        atexit.register(reference.close)
        _shared[assignment.name] = reference
    return _shared[assignment.name], spawn


def _help(name: str) -> str:
    return Config.__dataclass_fields__[name].metadata["help"]


class SandboxedGrading(NbGraderPreprocessor):
    """Grades the notebook in sandboxed workers (the CLI's path) and writes each graded cell's points and feedback.

    The traits that are settings of the CLI too take their defaults and help from autograder.config;
    nbgrader_config.py sets them from the course's Config (its file and environment), so both paths agree."""

    call_timeout = Float(DEFAULTS.call_timeout, help=_help("call_timeout")).tag(config=True)

    load_timeout = Float(DEFAULTS.load_timeout, help=_help("load_timeout")).tag(config=True)

    budget = Float(DEFAULTS.submission_budget, help=_help("submission_budget")).tag(config=True)

    sandbox = Bool(DEFAULTS.sandbox, help=_help("sandbox")).tag(config=True)

    sandbox_uid = Int(DEFAULTS.sandbox_uid, help=_help("sandbox_uid")).tag(config=True)

    sandbox_gid = Int(DEFAULTS.sandbox_gid, help=_help("sandbox_gid")).tag(config=True)

    hide = List(
        Unicode(),
        help=("Folders the sandboxed workers must not see, besides the reference, the grading suite, .git and "
              "tests/ (hidden always): the course workspace, which holds the gradebook, every student's "
              "submission and feedback."),
    ).tag(config=True)

    functions = List(
        Unicode(),
        help=("Grade only these functions (the CLI's --only; for tests and debugging, empty means all): the graded "
              "cells of the others get 0 points and a line saying they were not graded."),
    ).tag(config=True)

    course = Unicode(
        "",
        help="The course folder that holds reference/<assignment>/ (nbgrader_config.py sets it; empty: the folder "
             "nbgrader runs in, or the nearest one above it).",
    ).tag(config=True)

    fork_server = Bool(DEFAULTS.pool, help=_help("pool")).tag(config=True)

    def preprocess(self, nb, resources):
        started = time.monotonic()
        who = f"{resources['nbgrader']['student']}/{resources['nbgrader']['notebook']}"
        assignment = self.assignment(resources["nbgrader"]["assignment"])
        result, missing = self.grade_notebook(nb, assignment)
        for cell in nb.cells:
            if autograded_test(cell):
                self.write_grade(cell, result, who)
        self.note_load_errors(nb, result, who)
        self.note_deleted_cells(nb, result, missing, who, assignment.reference)
        for t in result.grader_errors:
            self.log.error("%s: the grader failed in the test %r (%s): its points are 0 until that is fixed; "
                           "`autograder grade` on this notebook shows the same", who, t.name, t.output)
        self.log.info("%s graded in sandboxed workers: %g / %g points (seed %d) in %.1f s", who, result.score,
                      result.max_score, result.seed, time.monotonic() - started)
        return nb, resources

    def assignment(self, name: str):
        """nbgrader's assignment, read from the course (this step's `course`, else the folder nbgrader runs in)."""
        return assignments.get(name, self.course or None)

    def grade_notebook(self, nb, assignment) -> tuple[Result, dict[str, list[str]]]:
        """The notebook as nbgrader left it, graded through the CLI's path; and its deleted graded cells."""
        settings = self.sandbox_settings()
        reference, spawn = shared_workers(assignment, self.fork_server, settings, self.load_timeout)
        with tempfile.TemporaryDirectory(prefix="ag-nbgrader-") as folder:
            path = Path(folder) / assignment.notebook
            nbformat.write(nb, str(path))
            missing = load(path, reference=assignment.reference).missing_cells
            result = grade(path, assignment=assignment, reference=reference, call_timeout=self.call_timeout,
                           load_timeout=self.load_timeout, budget=self.budget, settings=settings,
                           functions=set(self.functions) or None, **({"spawn": spawn} if spawn else {}))
        return result, missing

    def sandbox_settings(self):
        """The workers' sandbox: these traits, and `hide` covered on top of the defaults."""
        switches = Config(sandbox=self.sandbox, sandbox_uid=self.sandbox_uid, sandbox_gid=self.sandbox_gid)
        return switches.sandbox_settings(hide=[str(Path(folder).resolve()) for folder in self.hide])

    def write_grade(self, cell, result: Result, who: str) -> None:
        gid, possible = grade_id(cell), float(cell.metadata.nbgrader.get("points") or 0)
        functions = GRADED_CALL.findall(cell.source)
        if not functions:
            if possible > 0:  # it could only be graded by running it, which this step never does
                raise GradingSetupError(
                    f"the graded cell {gid} is worth {possible:g} points but calls no grade_cell(\"<function>\"); "
                    "SandboxedGrading runs no kernel and cannot grade it: make it call grade_cell, or set its points to 0")
            return
        table = result.by_function()
        if not set(functions) & set(table) and self.functions:  # left out on purpose: say so, score nothing
            text = "\n".join(f"{fn}: not graded in this run (SandboxedGrading.functions)" for fn in functions)
            cell.outputs = graded_outputs(text, 0.0)
            self.log.warning("%s: %s not graded (SandboxedGrading.functions): 0 points", who, gid)
            return
        earned = sum(table[fn][0] for fn in functions if fn in table)
        suite = sum(table[fn][1] for fn in functions if fn in table)
        if not math.isclose(suite, possible, abs_tol=1e-6):
            self.log.error("%s: %s is worth %g points in the gradebook but the grading suite gives %s %g; "
                           "its score is capped at the cell's points", who, gid, possible, "+".join(functions), suite)
            earned = min(earned, possible)
        cell.outputs = graded_outputs("\n\n".join(feedback(result, fn) for fn in functions), earned)
        self.log.debug("%s: %s gets %g / %g points and the feedback of %s", who, gid, earned, possible,
                       ", ".join(functions))

    def note_load_errors(self, nb, result: Result, who: str) -> None:
        """A cell that raised in the worker gets the error under it (no kernel shows it any more)."""
        for err in result.load_errors:
            match = re.fullmatch(r"cell (\d+)", str(err.get("cell", "")))
            if not match or not 1 <= int(match.group(1)) <= len(nb.cells):
                continue
            cell = nb.cells[int(match.group(1)) - 1]
            if cell.cell_type != "code" or autograded_test(cell):
                continue
            text = f"While your notebook was graded, {err.get('where')} raised {err.get('type')}: {err.get('message')}\n"
            cell.outputs = list(cell.get("outputs", [])) + [nbformat.v4.new_output("stream", name="stdout", text=text)]
            self.log.debug("%s: %s: noted that it raised %s", who, err.get("where"), err.get("type"))

    def note_deleted_cells(self, nb, result: Result, missing: dict[str, list[str]], who: str, reference: Path) -> None:
        """A markdown note where each deleted graded cell was: nbgrader scores no markdown, so the score stays 0."""
        if not missing:
            return
        order = [grade_id(c) for c in nbformat.read(str(reference), as_version=4).cells]
        for gid, functions in missing.items():
            text = "\n\n".join(deleted_note(result, fn) for fn in functions if fn in result.by_function())
            where = self.note_position(nb, order, gid)
            nb.cells.insert(where, note_cell(gid, text))
            self.log.warning("%s: the graded cell %s was deleted, so %s scores 0 (as in the CLI); "
                             "a note saying so is added to the feedback", who, gid, ", ".join(functions))

    @staticmethod
    def note_position(nb, order: list, gid: str) -> int:
        """Just after the nearest cell before `gid` (in the reference's order) that the notebook still has."""
        present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
        before = order[:order.index(gid)] if gid in order else []
        for previous in reversed(before):
            if previous in present:
                return present[previous] + 1
        return len(nb.cells)

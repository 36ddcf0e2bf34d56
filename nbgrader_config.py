"""nbgrader's steps mapped onto this repository's layout (see docs/instructors.md).

source = reference/ (instructors only), release = assignments/ (committed, for students);
submitted/, autograded/, feedback/, downloaded/ (LMS downloads for zip_collect), the gradebook and
the exported grades.csv live in a course workspace that git ignores: ./course by default, or the setting
workspace. The setting db_url overrides the gradebook's database (SQLite by default; a postgresql:// URL
when several people grade at once). One file serves every assignment of the course (reference/<name>/ each).

Settings shared with the `autograder` command (the workspace, the database, the late policy, the workers'
timeouts and sandbox) come from autograder.config, as the CLI reads them: defaults < autograder.toml in this
folder < the environment (AUTOGRADER_*); nbgrader's own flags (--LatePenalty.policy=...) come last.
`autograder config --show` prints them.
"""
import glob
import os

from autograder.config import load as load_settings

c = get_config()  # noqa: F821  (nbgrader provides get_config when it loads this file)

root = os.path.dirname(os.path.abspath(__file__))
settings = load_settings(course=root)
workspace = os.path.abspath(settings.workspace or os.path.join(root, "course"))
os.makedirs(workspace, exist_ok=True)  # SQLite cannot create the gradebook in a missing folder

c.CourseDirectory.root = root
c.CourseDirectory.course_id = settings.course_id
c.CourseDirectory.source_directory = "reference"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = os.path.join(workspace, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(workspace, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(workspace, "feedback")
c.CourseDirectory.db_url = settings.db_url or "sqlite:///" + os.path.join(workspace, "gradebook.db")
# The release carries the notebook and its data files only: not the notebook's text form (reference/<name>/<name>.py
# holds the solutions), the grading suite, the settings or the samples; no caches.
_assignments = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(root, "reference", "*", "assignment.toml")))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "grading", "samples",
                            "assignment.toml", *(f"{name}.py" for name in _assignments)]

# `nbgrader export` writes the gradebook here unless given --to FILE.
c.ExportPlugin.to = os.path.join(workspace, "grades.csv")

# `nbgrader zip_collect ps1`: put the LMS's bulk download (a zip, or the files) in
# <workspace>/downloaded/ps1/archive/. nbgrader's FileNameCollectorPlugin has no default pattern
# (named_regexp is empty, so it collects nothing); this one reads Canvas's names,
#   <student>_<user id>_<submission id>_<file>.ipynb   (and <student>_LATE_..., and ps1-1.ipynb for a re-upload)
# and is matched against the file's whole path. For another LMS, override it in a config of your own.
c.ZipCollectApp.downloaded_directory = os.path.relpath(os.path.join(workspace, "downloaded"), root)
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$")

# A student who deletes a graded cell gets 0 for it (nbgrader 0.9.6's default, stated here on purpose:
# re-adding missing cells fails when the cell before it was deleted too). The CLI agrees: given the
# reference, it scores the functions of a deleted graded cell 0 (autograder.grade.forfeit).
c.OverwriteCells.add_missing_cells = False

# ---------------------------------------------------------------- autograde in sandboxed workers (issue 9)
# nbgrader's Execute step would run each notebook in a kernel, student code and graded cells in one
# process. autograder.nbgrader_grading.SandboxedGrading takes its place and nothing else in Autograde's
# list changes (SaveAutoGrades, AssignLatePenalties, ... run as usual): it grades the notebook through the
# CLI's path (student code in sandboxed workers, no kernel) and writes each graded cell's points and
# feedback. Given as a name, so that nbgrader's other commands do not import the grader.
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import Execute  # noqa: E402

_nbgrader_steps = Autograde.class_traits()["autograde_preprocessors"].default()
if Execute not in _nbgrader_steps:
    raise RuntimeError("nbgrader_config.py: this nbgrader's autograde has no Execute step to replace; "
                       "check autograder/nbgrader_grading.py against nbgrader's Autograde.autograde_preprocessors")
c.Autograde.autograde_preprocessors = ["autograder.nbgrader_grading.SandboxedGrading" if step is Execute else step
                                       for step in _nbgrader_steps]
# the workers must not see the workspace: the gradebook, every student's submission and feedback
c.SandboxedGrading.hide = [workspace, *settings.hide]
c.SandboxedGrading.course = root
c.SandboxedGrading.call_timeout = settings.call_timeout
c.SandboxedGrading.load_timeout = settings.load_timeout
c.SandboxedGrading.budget = settings.submission_budget
c.SandboxedGrading.fork_server = settings.pool
c.SandboxedGrading.sandbox = settings.sandbox
c.SandboxedGrading.sandbox_uid = settings.sandbox_uid
c.SandboxedGrading.sandbox_gid = settings.sandbox_gid
# ---------------------------------------------------------------- end of the sandboxed-autograde block

# ---- Late work (autograder/late.py; kept in this one block) --------------------------------------------------
# The due date is the gradebook's: `nbgrader db assignment add ps1 --duedate="2026-12-01 23:59:00 UTC"`.
# The penalty is autograder.late's, the same the CLI applies (`autograder grade ... --due ... --late-policy ...`):
# the setting late_policy (e.g. "10%/day, cap 50%, grace 15m"; "zero"; default "none"), in autograder.toml or
# $AUTOGRADER_LATE_POLICY, serves both.
c.AssignLatePenalties.plugin_class = "autograder.late.LatePenalty"
c.LatePenalty.policy = settings.late_policy
# ---- end of late work -----------------------------------------------------------------------------------------

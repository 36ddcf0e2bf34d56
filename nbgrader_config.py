"""nbgrader's steps mapped onto this repository's layout.

source = reference/ (instructors only), release = assignments/ (committed, for students);
submitted/, autograded/, feedback/ and the gradebook live in a course workspace that git ignores:
./course by default, or wherever PS1_COURSE_DIR points. PS1_DB_URL overrides the gradebook's
database (SQLite by default; a postgresql:// URL when several people grade at once).
"""
import os

c = get_config()  # noqa: F821  (nbgrader provides get_config when it loads this file)

root = os.path.dirname(os.path.abspath(__file__))
workspace = os.path.abspath(os.environ.get("PS1_COURSE_DIR", os.path.join(root, "course")))
os.makedirs(workspace, exist_ok=True)  # SQLite cannot create the gradebook in a missing folder

c.CourseDirectory.root = root
c.CourseDirectory.course_id = "ps1-course"
c.CourseDirectory.source_directory = "reference"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = os.path.join(workspace, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(workspace, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(workspace, "feedback")
c.CourseDirectory.db_url = os.environ.get("PS1_DB_URL", "sqlite:///" + os.path.join(workspace, "gradebook.db"))
# the release carries the notebook only: not the script that builds it (it holds the solutions), no caches
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "build_notebook.py"]

# A graded cell grades a whole submission in worker processes; give it room.
c.ExecutePreprocessor.timeout = 600
c.Execute.timeout = 600

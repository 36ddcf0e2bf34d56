"""Each assignment's grading suite is imported as autograder.suites.<NAME> from its own folder,
reference/<NAME>/grading/ (see autograder.assignment.SuiteFinder); nothing of it lives here."""
import autograder.assignment  # noqa: F401  (installs the finder)

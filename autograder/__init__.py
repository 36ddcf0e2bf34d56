"""Auto-graded assignments for a deep-learning course: an engine that grades every assignment of a course."""

__version__ = "0.1.0"

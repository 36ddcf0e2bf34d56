"""Auto-graded assignments for a first deep-learning course: PS1 "Sigmoid & Softmax"."""

__version__ = "0.1.0"

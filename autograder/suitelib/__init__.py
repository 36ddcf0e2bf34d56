"""The library grading suites import: judging arrays and messages (checks), calling the student and the
reference side by side (calls), checking that inputs are left as they were (inputs)."""

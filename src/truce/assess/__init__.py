"""Assessment: tallies now; grading and the agreement rule engine build on these."""

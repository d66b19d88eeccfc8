"""Reliability suite: crash, fault, concurrency, damaged-file and hostile-input tests."""

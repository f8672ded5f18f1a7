"""Benchmarks: each prints a table; figures go in the issue notes, never in test assertions."""

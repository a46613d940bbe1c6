"""Benchmark scripts (not part of the test suite; a smoke mode is)."""

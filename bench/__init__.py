"""Benchmarks: not tests, not part of the product; run with `uv run python -m bench.scan`."""

"""Benchmarks on synthetic national-size corpora: `python -m benchmarks.run` (see benchmarks/README.md)."""

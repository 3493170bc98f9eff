"""Benchmarks behind `make bench`: every figure is measured against a baseline in the same run."""

"""Benchmarks: a synthetic catalogue, server-time measurements and a load test (docs/performance.md)."""

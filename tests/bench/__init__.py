"""The benchmark's gate and smoke run (behaviour only; the numbers are the benchmark's)."""

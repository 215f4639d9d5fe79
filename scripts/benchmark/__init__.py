"""A benchmark a user can run: `bash scripts/benchmark.sh SCALE` (see scripts/benchmark/bench.py)."""

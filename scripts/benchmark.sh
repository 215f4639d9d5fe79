#!/usr/bin/env bash
# Benchmark the package at a data scale (a number: 0.01, 1, 10 ...):
#   bash scripts/benchmark.sh SCALE [--regenerate]
# Raw data is generated once per scale and cached in $AI_MATURITY_BENCH_DIR (default data/benchmark);
# prints wall time and peak RSS of the floor, the full and incremental dbt builds and a pandas
# implementation (checked against the marts), and writes results_scale_SCALE.json there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "usage: bash scripts/benchmark.sh SCALE [--regenerate]" >&2
    exit 2
fi
bash scripts/bootstrap.sh
exec .venv/bin/python scripts/benchmark/bench.py "$@"

#!/usr/bin/env bash
# Benchmark the package at a data scale (a number: 0.01, 1, 10 ...):
#   bash scripts/benchmark.sh SCALE [--regenerate]
# Raw data is generated once per scale and cached in $AI_MATURITY_BENCH_DIR (default data/benchmark);
# prints wall time and peak RSS of the floor, the full and incremental dbt builds and a pandas
# implementation (checked against the marts), and writes results_scale_SCALE.json there.
set -euo pipefail
usage() {
  cat <<'USAGE'
usage: bash scripts/benchmark.sh SCALE [--regenerate] [--bench-dir DIR] [--skip-pandas] [--unit-tests] [--dbt-exclude NODES]

Installs the pinned requirements (scripts/bootstrap.sh), then runs scripts/benchmark/bench.py:
generates the raw data of SCALE once (cached in $AI_MATURITY_BENCH_DIR, default data/benchmark),
times the floor, `dbt build --full-refresh`, the pandas implementation, an appended day and an
incremental `dbt build`, and writes results_scale_SCALE.json.
  SCALE          a number (0.01, 1, 10 ...) or small / medium (the fixed demo profiles)
  --skip-pandas  leave out the pandas implementation (about 8 GiB of memory per unit of scale)
  --unit-tests   run dbt unit tests in both builds too (by default they are left to CI, as in a scheduled job)
USAGE
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
for argument in "$@"; do
  case "$argument" in -h|--help) usage; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python scripts/benchmark/bench.py "$@"

#!/usr/bin/env bash
# Set up on a fresh machine, load the demo data, run the whole job on DuckDB and write the report:
#   bash scripts/demo.sh            (AI_MATURITY_DUCKDB_PATH picks the file; default data/ai_maturity.duckdb;
#                                    the report is report.html beside it, or AI_MATURITY_REPORT_PATH)
set -euo pipefail
usage() {
  cat <<'USAGE'
usage: bash scripts/demo.sh [--help]

Installs the pinned requirements into .venv (scripts/bootstrap.sh; a no-op when installed), writes
the demo raw tables (scripts/generate_demo_data.py) and runs `dbt build --target duckdb`.
  AI_MATURITY_DUCKDB_PATH      DuckDB file to write and build (default data/ai_maturity.duckdb)
  AI_MATURITY_DEMO_PROFILE     small (default) or medium
  AI_MATURITY_DBT_THREADS      dbt threads (default 2 here; the profile's default is 1)
USAGE
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) echo "demo.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="$PWD/profiles"
export AI_MATURITY_DUCKDB_PATH="${AI_MATURITY_DUCKDB_PATH:-data/ai_maturity.duckdb}"
# two dbt threads: the demo data is small (the profile's default, one, bounds the memory of large builds)
export AI_MATURITY_DBT_THREADS="${AI_MATURITY_DBT_THREADS:-2}"
mkdir -p "$(dirname "$AI_MATURITY_DUCKDB_PATH")"
.venv/bin/python scripts/generate_demo_data.py --duckdb "$AI_MATURITY_DUCKDB_PATH" --profile "${AI_MATURITY_DEMO_PROFILE:-small}"
.venv/bin/dbt build --target duckdb
echo "Marts are in $AI_MATURITY_DUCKDB_PATH (schema main_ai_maturity_marts): fct_team_maturity, fct_change_delivery, fct_team_metrics, ..."
report="${AI_MATURITY_REPORT_PATH:-$(dirname "$AI_MATURITY_DUCKDB_PATH")/report.html}"
.venv/bin/python scripts/report.py --duckdb "$AI_MATURITY_DUCKDB_PATH" --out "$report"
echo "Maturity report (one self-contained HTML file, opens offline): $report"

#!/usr/bin/env bash
# Set up on a fresh machine, load the demo data and run the whole job on DuckDB:
#   bash scripts/demo.sh            (AI_MATURITY_DUCKDB_PATH picks the file; default data/ai_maturity.duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="$PWD/profiles"
export AI_MATURITY_DUCKDB_PATH="${AI_MATURITY_DUCKDB_PATH:-data/ai_maturity.duckdb}"
mkdir -p "$(dirname "$AI_MATURITY_DUCKDB_PATH")"
.venv/bin/python scripts/generate_demo_data.py --duckdb "$AI_MATURITY_DUCKDB_PATH" --profile "${AI_MATURITY_DEMO_PROFILE:-small}"
.venv/bin/dbt build --target duckdb
echo "Marts are in $AI_MATURITY_DUCKDB_PATH (schema main_ai_maturity_marts): fct_team_maturity, fct_change_delivery, fct_team_metrics, ..."

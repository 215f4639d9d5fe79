#!/usr/bin/env bash
# Set up on a fresh machine and run the whole test suite (lint, dbt build + data/unit tests, pytest).
#   bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="$PWD/profiles"
exec .venv/bin/python -m pytest "$@"

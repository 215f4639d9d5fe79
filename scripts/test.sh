#!/usr/bin/env bash
# Set up on a fresh machine and run the whole test suite (lint, dbt build + data/unit tests on
# DuckDB and Spark, the cross-engine comparison, pytest):
#   bash scripts/test.sh [pytest args]
set -euo pipefail
usage() {
  cat <<'USAGE'
usage: bash scripts/test.sh [--help] [PYTEST ARGS ...]

Installs the pinned requirements into .venv (scripts/bootstrap.sh; a no-op when installed), starts
a throw-away local PostgreSQL where it can (scripts/local_postgres.sh), and runs pytest with the
given arguments (default: the whole suite), e.g.
  bash scripts/test.sh tests/test_gx_checkpoint.py -x -q
  bash scripts/test.sh -m "not spark"
(`.venv/bin/python -m pytest --help` lists pytest's own options.)
USAGE
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="$PWD/profiles"
# Where PostgreSQL's server programs are installed and we may run them (as root, through the
# postgres user), a throw-away local server joins the cross-engine comparison; otherwise those
# tests are skipped with their reason (or point AI_MATURITY_PG_* at your own server).
# The report's browser test needs Debian's chromium: install it when it is missing and we may
# (root with apt-get); otherwise that test is skipped with the reason.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium for the report's browser test (apt-get) ..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/ai_maturity_chromium_install.log 2>&1; then
    echo "chromium could not be installed (see /tmp/ai_maturity_chromium_install.log): the browser test will be skipped"
  fi
fi
source scripts/local_postgres.sh
start_local_postgres
trap stop_local_postgres EXIT
.venv/bin/python -m pytest "$@"

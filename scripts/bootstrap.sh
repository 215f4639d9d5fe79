#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the pinned requirements; a no-op when they are installed.
set -euo pipefail
case "${1:-}" in
  -h|--help)
    cat <<'USAGE'
usage: bash scripts/bootstrap.sh [--help]

Creates .venv with Python 3.11 ($PYTHON, else python3.11, else python3) and installs the pinned
requirements.txt into it; does nothing when .venv already holds exactly these pins.
USAGE
    exit 0 ;;
  "") ;;
  *) echo "bootstrap.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi

#!/usr/bin/env bash
# start_local_postgres / stop_local_postgres: a throw-away PostgreSQL on 127.0.0.1 for the
# cross-engine test. Does nothing when AI_MATURITY_PG_HOST is already set, when not root, or when
# the server programs (initdb, pg_ctl) or the postgres user are missing.
# `return 0`, not a bare `return`: in the EXIT trap after a failed run a bare return gives the
# failed command's status, and `set -e` then ended the trap before the server was stopped
pg_bin_dir() {
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0; }
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_local_postgres() {
  LOCAL_PG_DIR=""
  [ -z "${AI_MATURITY_PG_HOST:-}" ] || return 0
  [ "$(id -u)" = 0 ] || return 0
  id postgres >/dev/null 2>&1 || return 0
  local bin port=54329
  bin=$(pg_bin_dir)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || return 0
  LOCAL_PG_DIR=$(mktemp -d /tmp/ai_maturity_pg.XXXXXX)
  chown postgres "$LOCAL_PG_DIR"
  if su postgres -s /bin/sh -c "'$bin/initdb' -D '$LOCAL_PG_DIR/db' -A trust -U postgres" >"$LOCAL_PG_DIR/initdb.log" 2>&1 \
    && su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$LOCAL_PG_DIR/db' -w -t 60 -l '$LOCAL_PG_DIR/server.log' -o \"-p $port -k '$LOCAL_PG_DIR' -c listen_addresses=127.0.0.1\" start" >/dev/null 2>&1 \
    && su postgres -s /bin/sh -c "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres ai_maturity" >/dev/null 2>&1; then
    export AI_MATURITY_PG_HOST=127.0.0.1 AI_MATURITY_PG_PORT=$port AI_MATURITY_PG_USER=postgres AI_MATURITY_PG_PASSWORD="" PGTZ=UTC
    echo "local PostgreSQL started on 127.0.0.1:$port for the cross-engine comparison"
  else
    echo "local PostgreSQL could not start (see $LOCAL_PG_DIR): its comparison is skipped"
  fi
}

stop_local_postgres() {
  [ -n "${LOCAL_PG_DIR:-}" ] || return 0
  local bin
  bin=$(pg_bin_dir)
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$LOCAL_PG_DIR/db' -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$LOCAL_PG_DIR"
}

# Run directly (not sourced): only explain how it is used.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cat <<'USAGE'
usage: source scripts/local_postgres.sh; start_local_postgres; ...; stop_local_postgres

Defines two shell functions for scripts/test.sh; running this file does nothing else.
  start_local_postgres   as root, with PostgreSQL's server programs installed and AI_MATURITY_PG_HOST
                         unset: initdb + pg_ctl start a throw-away server on 127.0.0.1:54329 and
                         export AI_MATURITY_PG_* for it (else does nothing)
  stop_local_postgres    stops that server and removes its directory
USAGE
  case "${1:-}" in
    ""|-h|--help) exit 0 ;;
    *) exit 2 ;;
  esac
fi

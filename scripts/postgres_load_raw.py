"""Load raw tables into PostgreSQL for the `postgres` target, and read tables back (for the tests).

    export AI_MATURITY_PG_HOST=localhost AI_MATURITY_PG_USER=... AI_MATURITY_PG_PASSWORD=... \
           AI_MATURITY_PG_DBNAME=ai_maturity AI_MATURITY_PG_SCHEMA=main PGTZ=UTC
    .venv/bin/python scripts/postgres_load_raw.py --duckdb data/ai_maturity.duckdb
    DBT_PROFILES_DIR=profiles .venv/bin/dbt build --target postgres

Each table of the DuckDB file's schema `raw` is (re)created in schema `raw` of the database with the
matching PostgreSQL types and filled with COPY. The package reads naive timestamps as UTC: run dbt
with the session time zone UTC (PGTZ=UTC, or `alter database … set timezone to 'UTC'`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PG_TYPES = {
    "VARCHAR": "text",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "BOOLEAN": "boolean",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "DATE": "date",
}


def settings_from_env() -> dict[str, str]:
    """Connection settings of the `postgres` target (the same env vars as profiles/profiles.yml)."""
    return {
        "host": os.environ.get("AI_MATURITY_PG_HOST", "localhost"),
        "port": os.environ.get("AI_MATURITY_PG_PORT", "5432"),
        "user": os.environ.get("AI_MATURITY_PG_USER", "postgres"),
        "password": os.environ.get("AI_MATURITY_PG_PASSWORD", ""),
        "dbname": os.environ.get("AI_MATURITY_PG_DBNAME", "ai_maturity"),
        "schema": os.environ.get("AI_MATURITY_PG_SCHEMA", "main"),
    }


def connect(settings: Mapping[str, str]) -> Any:
    import psycopg2

    return psycopg2.connect(
        host=settings["host"], port=int(settings["port"]), user=settings["user"],
        password=settings["password"], dbname=settings["dbname"], connect_timeout=10,
        options="-c TimeZone=UTC",
    )


def pg_type(duckdb_type: str) -> str:
    if duckdb_type in PG_TYPES:
        return PG_TYPES[duckdb_type]
    decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal.group(1)},{decimal.group(2)})"
    raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type}")


def load_from_duckdb(
    duckdb_path: Path, settings: Mapping[str, str], source_schema: str = "raw", target_schema: str = "raw"
) -> dict[str, int]:
    """(Re)create every table of the DuckDB schema in PostgreSQL and COPY its rows; rows per table."""
    import duckdb

    counts: dict[str, int] = {}
    with (
        duckdb.connect(str(duckdb_path), read_only=True) as source,
        connect(settings) as target,
        tempfile.TemporaryDirectory() as scratch,
    ):
        cursor = target.cursor()
        cursor.execute(f'create schema if not exists "{target_schema}"')
        tables = [row[0] for row in source.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' order by 1",
            [source_schema],
        ).fetchall()]
        for number, table in enumerate(tables, start=1):
            began = time.monotonic()
            columns = source.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [source_schema, table],
            ).fetchall()
            column_sql = ", ".join(f'"{name}" {pg_type(kind)}' for name, kind in columns)
            cursor.execute(f'drop table if exists "{target_schema}"."{table}"')
            cursor.execute(f'create table "{target_schema}"."{table}" ({column_sql})')
            csv_path = Path(scratch) / f"{table}.csv"
            # nulls unquoted-empty, empty strings quoted: PostgreSQL's CSV COPY reads them back apart
            source.execute(
                f"copy (select * from \"{source_schema}\".\"{table}\") to '{csv_path.as_posix()}' "
                "(format csv, header false, force_quote *)"
            )
            with csv_path.open() as handle:
                cursor.copy_expert(f'copy "{target_schema}"."{table}" from stdin with (format csv)', handle)
            cursor.execute(f'select count(*) from "{target_schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
            print(f"[{number}/{len(tables)}] {target_schema}.{table}: {counts[table]:,} rows in "
                  f"{time.monotonic() - began:.1f} s", file=sys.stderr, flush=True)
        target.commit()
    return counts


def export_tables(settings: Mapping[str, str], schema: str, tables: Sequence[str], out_dir: Path) -> None:
    """Write PostgreSQL tables as out_dir/<table>/data.parquet (through DuckDB, types kept)."""
    import duckdb

    with connect(settings) as source, duckdb.connect() as sink:
        cursor = source.cursor()
        for table in tables:
            cursor.execute(f'select * from "{schema}"."{table}"')
            names = [column.name for column in cursor.description]
            cursor.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                [schema, table],
            )
            types = {name: kind for name, kind in cursor.fetchall()}
            duck_types = {
                "text": "varchar", "character varying": "varchar", "double precision": "double",
                "real": "float", "timestamp without time zone": "timestamp",
                "timestamp with time zone": "timestamptz", "numeric": "double",
            }
            column_sql = ", ".join(f'"{name}" {duck_types.get(types[name], types[name])}' for name in names)
            sink.execute(f'create or replace table export_table ({column_sql})')
            cursor.execute(f'select * from "{schema}"."{table}"')
            rows = cursor.fetchall()
            if rows:
                placeholders = ", ".join("?" for _ in names)
                sink.executemany(f"insert into export_table values ({placeholders})", [list(row) for row in rows])
            target = out_dir / table
            target.mkdir(parents=True, exist_ok=True)
            sink.execute(f"copy export_table to '{(target / 'data.parquet').as_posix()}' (format parquet)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duckdb", type=Path, required=True, help="DuckDB file whose schema `raw` holds the raw tables")
    parser.add_argument("--duckdb-schema", default="raw")
    parser.add_argument("--schema", default="raw", help="PostgreSQL schema to load into (default raw)")
    args = parser.parse_args(argv)
    counts = load_from_duckdb(args.duckdb, settings_from_env(), args.duckdb_schema, args.schema)
    for table, rows in counts.items():
        print(f"{args.schema}.{table}: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the floor (floor.sql: one pass over every raw table, grouped by team × month) on DuckDB with
the dbt profile's threads and memory limit.

    python scripts/benchmark/floor.py --duckdb FILE [--schema raw]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from config import duckdb_settings  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml

FLOOR_SQL = Path(__file__).resolve().parent / "floor.sql"


def run_floor(path: str, schema: str = "raw") -> list[tuple[Any, ...]]:
    settings = duckdb_settings()
    sql = FLOOR_SQL.read_text().replace("{schema}", schema)
    config = settings.config(Path(path + ".floor.tmp"))
    with duckdb.connect(path, read_only=True, config=config) as con:
        return con.execute(sql).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmark floor.")
    parser.add_argument("--duckdb", required=True, help="DuckDB file holding the raw tables (read-only)")
    parser.add_argument("--schema", default="raw")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rows = run_floor(args.duckdb, args.schema)
    total = sum(int(row[2]) for row in rows)
    print(f"floor: {len(rows)} tables, {total} rows read in {time.perf_counter() - began:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

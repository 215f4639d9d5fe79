"""Land generated tables: DuckDB schema (replace, idempotent), optional parquet, JSON manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from .schema import TABLES, TS


def _select_sql(name: str) -> str:
    """Cast every column to its contract type; timestamps arrive as epoch microseconds."""
    parts = []
    for col, typ in TABLES[name].columns:
        if typ == TS:
            parts.append(f'make_timestamp(cast("{col}" as bigint)) as "{col}"')
        else:
            parts.append(f'cast("{col}" as {typ}) as "{col}"')
    return ", ".join(parts)


def _order_sql(name: str) -> str:
    spec = TABLES[name]
    rest = [c for c in spec.column_names if c not in spec.key and c != "_loaded_at"]
    cols = [f'"{c}"' for c in spec.key] + ['"_loaded_at" nulls first'] + [f'"{c}"' for c in rest]
    return ", ".join(cols)


def _silent(message: str) -> None:
    """No progress output (the default)."""


def write_duckdb(tables: dict[str, pd.DataFrame], path: str | Path, schema: str = "raw",
                 log: Callable[[str], None] = _silent) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("set preserve_insertion_order = true")
        con.execute(f'create schema if not exists "{schema}"')
        for name in TABLES:
            frame = tables[name]
            con.register("frame_view", frame)
            con.execute(
                f'create or replace table "{schema}"."{name}" as '
                f"select {_select_sql(name)} from frame_view order by {_order_sql(name)}"
            )
            con.unregister("frame_view")
            log(f"wrote {schema}.{name}: {len(frame):,} rows")


def write_parquet(db_path: str | Path, directory: str | Path, schema: str = "raw",
                  log: Callable[[str], None] = _silent) -> None:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path), read_only=True) as con:
        for name in TABLES:
            target = (out / f"{name}.parquet").as_posix().replace("'", "''")
            con.execute(f"copy (select * from \"{schema}\".\"{name}\") to '{target}' (format parquet)")
            log(f"wrote {target}")


def write_manifest(manifest: dict, path: str | Path) -> None:
    """One entry per raw table: rows written, duplicates, rejected / flagged counts by reason, the
    count of valid enumeration values spelled in another case (not anomalies), and the anomalous keys."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(manifest, indent=2, default=str) + "\n")

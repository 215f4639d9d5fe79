"""Reading a table back from DuckDB (or parquet through DuckDB) and comparing two tables row by row:
same columns and type families, same rows after sorting by a grain, integers equal, other numbers
within a relative 1e-9, nulls in the same places. Used by the cross-engine and incremental tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb

REL_TOL = 1e-9
# two values that should be 0 may differ by float noise in the last bits (e.g. 1e-17 vs 0)
ABS_TOL = 1e-12


@dataclass
class Table:
    """A table read back from an engine: column names, type family per column, rows."""

    columns: list[str]
    families: dict[str, str]
    rows: list[tuple[Any, ...]]


def type_family(type_name: str) -> str:
    """Engine type name (DuckDB's reading of it) → integer / number / string / boolean / date / timestamp."""
    name = type_name.lower()
    if name.startswith(("bigint", "integer", "int", "smallint", "tinyint", "hugeint", "ubigint", "uinteger")):
        return "integer"
    if name.startswith(("double", "float", "real", "decimal", "numeric")):
        return "number"
    if name.startswith(("varchar", "string", "text", "char")):
        return "string"
    if name.startswith("bool"):
        return "boolean"
    if name == "date":
        return "date"
    if name.startswith("timestamp"):
        return "timestamp"
    return name


# bookkeeping of the run that wrote a row (differs between runs, engines and batchings by design)
RUN_COLUMNS = frozenset({"_batch_at"})


def read_duckdb(con: duckdb.DuckDBPyConnection, relation: str) -> Table:
    """Every row of a relation (a table or a read_parquet(...) call) with its column type families,
    without the run's bookkeeping columns (RUN_COLUMNS)."""
    described = [
        row for row in con.execute(f"describe select * from {relation}").fetchall() if row[0] not in RUN_COLUMNS
    ]
    columns = [row[0] for row in described]
    families = {row[0]: type_family(row[1]) for row in described}
    selected = ", ".join(f'"{column}"' for column in columns)
    rows = [
        tuple(normalize(value) for value in row)
        for row in con.execute(f"select {selected} from {relation}").fetchall()
    ]
    return Table(columns, families, rows)


def normalize(value: Any) -> Any:
    """One Python representation per value across drivers: aware timestamps as naive UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def sort_key(row: tuple[Any, ...], positions: Sequence[int]) -> tuple[Any, ...]:
    """Nulls first, then the value: numbers as floats (1 and 1.0 sort together), one rank per kind
    of value so that a column holding mixed kinds still sorts."""
    key: list[tuple[Any, ...]] = []
    for position in positions:
        value = row[position]
        if value is None:
            key.append((0,))
        elif isinstance(value, bool):
            key.append((1, value))
        elif isinstance(value, (int, float, Decimal)):
            key.append((2, float(value)))
        elif isinstance(value, str):
            key.append((3, value))
        elif isinstance(value, datetime):
            key.append((5, value))
        elif isinstance(value, date):
            key.append((4, value))
        else:
            key.append((6, repr(value)))
    return tuple(key)


def grain_of(manifest: dict[str, Any], model: str) -> list[str]:
    """The model's grain: the first of its column_checks test's `unique_combinations`, else the
    column whose `unique` check it declares (column_checks, `config.meta.checks`)."""
    model_id = f"model.ai_maturity.{model}"
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or node.get("attached_node") != model_id:
            continue
        metadata = node.get("test_metadata") or {}
        combinations = metadata.get("kwargs", {}).get("unique_combinations") if metadata.get("name") == "column_checks" else None
        if combinations:
            return list(combinations[0])
    model_node = manifest["nodes"].get(model_id, {})
    for name, column in model_node.get("columns", {}).items():
        meta = (column.get("config") or {}).get("meta") or column.get("meta") or {}
        if "unique" in (meta.get("checks") or []):
            return [name]
    return []


def values_equal(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (isinstance(expected, bool) and isinstance(actual, bool) and expected == actual)
    if isinstance(expected, int) and isinstance(actual, int):
        return expected == actual
    if isinstance(expected, (int, float, Decimal)) and isinstance(actual, (int, float, Decimal)):
        left, right = float(expected), float(actual)
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(expected, datetime) and isinstance(actual, datetime):
        return expected == actual
    if isinstance(expected, date) and isinstance(actual, date):
        return expected == actual and isinstance(expected, datetime) == isinstance(actual, datetime)
    return type(expected) is type(actual) and expected == actual


def compare_tables(expected: Table, actual: Table, grain: Sequence[str], engine: str) -> list[str]:
    """Differences between the expected table (DuckDB's full build) and another (`engine` names it), empty when equal."""
    if [c.lower() for c in expected.columns] != [c.lower() for c in actual.columns]:
        return [f"columns differ: duckdb {expected.columns} vs {engine} {actual.columns}"]
    diffs = [
        f"column {column}: type {expected.families[column]} on duckdb, {actual.families[other]} on {engine}"
        for column, other in zip(expected.columns, actual.columns, strict=True)
        if expected.families[column] != actual.families[other]
    ]
    if len(expected.rows) != len(actual.rows):
        return diffs + [f"row count: duckdb {len(expected.rows)} vs {engine} {len(actual.rows)}"]
    lowered = [c.lower() for c in expected.columns]
    grain_positions = [lowered.index(c.lower()) for c in grain]
    # grain first; the remaining columns make the order total when a model has no declared grain
    positions = grain_positions + [i for i in range(len(lowered)) if i not in grain_positions]
    expected_rows = sorted(expected.rows, key=lambda row: sort_key(row, positions))
    actual_rows = sorted(actual.rows, key=lambda row: sort_key(row, positions))
    for expected_row, actual_row in zip(expected_rows, actual_rows, strict=True):
        where = ", ".join(f"{expected.columns[i]}={expected_row[i]!r}" for i in grain_positions) or repr(expected_row)
        for i, column in enumerate(expected.columns):
            if not values_equal(expected_row[i], actual_row[i]):
                diffs.append(f"[{where}] {column}: duckdb {expected_row[i]!r} vs {engine} {actual_row[i]!r}")
        if len(diffs) > 200:
            break
    return diffs

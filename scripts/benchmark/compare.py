"""Compare the pandas metrics with the marts cell by cell (team × month × metric).

    python scripts/benchmark/compare.py --duckdb WAREHOUSE --pandas METRICS.pkl [--json OUT]

A row present on one side only counts each of its metric cells as a mismatch. Two cells agree when
both are null, or both are numbers within a relative tolerance of 1e-9 (absolute 1e-12 near 0).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pandas_metrics import METRICS  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml

REL_TOL = 1e-9
ABS_TOL = 1e-12


@dataclass
class Comparison:
    cells_compared: int = 0
    cells_mismatched: int = 0
    rows_marts: int = 0
    rows_pandas: int = 0
    mismatches_by_metric: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)


def is_null(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def cells_equal(left: Any, right: Any) -> bool:
    if is_null(left) or is_null(right):
        return is_null(left) and is_null(right)
    return math.isclose(float(left), float(right), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def marts_schema(con: duckdb.DuckDBPyConnection) -> str:
    """The schema that holds the package's marts (the one with fct_team_maturity): its name depends
    on the target schema and the var ai_maturity__marts_schema."""
    schemas = [row[0] for row in con.execute(
        "select table_schema from information_schema.tables where table_name = 'fct_team_maturity' order by 1"
    ).fetchall()]
    if len(schemas) != 1:
        raise SystemExit(f"compare: expected one schema with fct_team_maturity in the warehouse, found {schemas or 'none'}")
    return schemas[0]


def mart_metrics(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The compared metrics of the marts, one row per team × month."""
    frames = []
    schema = marts_schema(con)
    for mart, metrics in METRICS.items():
        columns = ", ".join(metrics)
        frame = con.sql(f'select team_id, period_start, {columns} from "{schema}".{mart}').df()
        frames.append(frame.set_index(["team_id", "period_start"]))
    merged = pd.concat(frames, axis=1, join="outer").reset_index()
    return normalise_keys(merged)


def normalise_keys(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["team_id"] = frame["team_id"].astype("string")
    frame["period_start"] = pd.to_datetime(frame["period_start"]).astype("datetime64[s]")
    return frame


def compare(marts: pd.DataFrame, computed: pd.DataFrame, max_examples: int = 10) -> Comparison:
    keys = ["team_id", "period_start"]
    metrics = [m for group in METRICS.values() for m in group]
    joined = normalise_keys(marts).merge(
        normalise_keys(computed), on=keys, how="outer", suffixes=("_mart", "_pandas"), indicator=True
    )
    result = Comparison(rows_marts=len(marts), rows_pandas=len(computed))
    for metric in metrics:
        mismatched = 0
        for key_team, key_period, side, left, right in zip(
            joined["team_id"], joined["period_start"], joined["_merge"],
            joined[f"{metric}_mart"], joined[f"{metric}_pandas"], strict=True,
        ):
            result.cells_compared += 1
            if side == "both" and cells_equal(left, right):
                continue
            mismatched += 1
            if len(result.examples) < max_examples:
                result.examples.append({
                    "team_id": str(key_team), "period_start": str(key_period)[:10], "metric": metric,
                    "mart": None if is_null(left) or side == "right_only" else float(left),
                    "pandas": None if is_null(right) or side == "left_only" else float(right),
                    "row": str(side),
                })
        result.cells_mismatched += mismatched
        result.mismatches_by_metric[metric] = mismatched
    return result


def compare_files(warehouse: str, pandas_pickle: str) -> Comparison:
    with duckdb.connect(warehouse, read_only=True) as con:
        marts = mart_metrics(con)
    return compare(marts, pd.read_pickle(pandas_pickle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the pandas metrics with the marts.")
    parser.add_argument("--duckdb", required=True, help="warehouse after `dbt build`")
    parser.add_argument("--pandas", required=True, help="pickle written by pandas_metrics.py --out")
    parser.add_argument("--json", help="write the comparison here")
    args = parser.parse_args(argv)
    result = compare_files(args.duckdb, args.pandas)
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(result), indent=2))
    print(f"pandas vs marts: {result.cells_compared} team × month × metric cells compared, "
          f"{result.cells_mismatched} mismatched")
    for example in result.examples:
        print("  ", example)
    return 0 if result.cells_mismatched == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

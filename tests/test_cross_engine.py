"""The same package, unchanged, on Spark (and PostgreSQL when one is reachable) gives the marts it
gives on DuckDB.

On the small demo data (the `demo_warehouse` fixture: generated and built on DuckDB once per
session) the raw tables are loaded into a local Spark catalog with scripts/spark_load_raw.py and the
whole project is built there with `dbt build --target spark` (every data and unit test included).
Then every model under models/marts is compared: same columns and type families, same number of
rows, the same rows after sorting by the model's grain (the first of its column_checks test's
`unique_combinations`, else its `unique` column), counts and other integers equal, other numbers
equal within a relative 1e-9, nulls in the same places, strings, booleans, dates and timestamps
equal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import PROJECT_DIR, DemoWarehouse
from harness import MARTS_SCHEMA, DbtResult, package_schemas
from spark_harness import (
    export_spark_tables,
    load_raw_into_spark,
    postgres_skip_reason,
    run_dbt_on,
    spark_env,
    spark_skip_reason,
)
from table_compare import Table, compare_tables, grain_of, read_duckdb

MAX_DIFFS_SHOWN = 15
SPARK_SCHEMA = "main"  # the target schema; the marts are in package_schemas(SPARK_SCHEMA)["marts"]
MARTS = sorted(path.stem for path in (PROJECT_DIR / "models" / "marts").rglob("*.sql"))


@dataclass(frozen=True)
class EngineBuild:
    """A full `dbt build` on one engine and where its marts can be read back."""

    engine: str
    build: DbtResult
    seconds: float
    marts_dir: Path


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line on the terminal even while output is captured (build times belong in the CI log)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def assert_same_mart(demo_warehouse: DemoWarehouse, other: EngineBuild, mart: str, manifest: dict[str, Any]) -> None:
    node = manifest["nodes"].get(f"model.ai_maturity.{mart}")
    if node is None or not node["config"].get("enabled", True):
        pytest.skip(f"{mart} is not an enabled model")
    mart_dir = other.marts_dir / mart
    assert mart_dir.exists(), f"{mart} was not built on {other.engine} (see the build test)"
    with duckdb.connect(str(demo_warehouse.db_path), read_only=True) as con:
        expected = read_duckdb(con, f"{MARTS_SCHEMA}.{mart}")
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        actual = read_duckdb(con, f"read_parquet('{mart_dir.as_posix()}/*.parquet')")
    diffs = compare_tables(expected, actual, grain_of(manifest, mart), other.engine)
    shown = "\n".join(diffs[:MAX_DIFFS_SHOWN])
    assert not diffs, f"{mart}: {len(diffs)} difference(s) between duckdb and {other.engine}:\n{shown}"
    if not expected.rows:
        pytest.skip(f"{mart} is empty on both engines with the demo data: no values to compare")


def built_marts(build: DbtResult) -> list[str]:
    ok = {
        result["unique_id"].split(".")[-1]
        for result in build.run_results.get("results", [])
        if result["unique_id"].startswith("model.") and result["status"] == "success"
    }
    return [mart for mart in MARTS if mart in ok]


# --- the comparison itself (no engine needed) ----------------------------------------------------

def _table(rows: list[tuple[Any, ...]], families: Sequence[str] = ("string", "date", "integer", "number")) -> Table:
    columns = ["team_id", "period_start", "deployments_count", "change_fail_rate"]
    return Table(columns, dict(zip(columns, families, strict=True)), rows)


def test_comparison_accepts_rounding_noise_and_another_row_order() -> None:
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    duckdb_side = _table([("a", jan, 3, 1 / 3), ("a", feb, 0, None)])
    # 1/3 computed another way differs in the 17th digit: a relative 1e-16, well inside 1e-9
    spark_side = _table([("a", feb, 0, None), ("a", jan, 3, (1 - 2 / 3))])
    assert compare_tables(duckdb_side, spark_side, ["team_id", "period_start"], "spark") == []


def test_comparison_reports_each_kind_of_difference() -> None:
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    duckdb_side = _table([("a", jan, 3, 0.25), ("a", feb, 0, None)])
    grain = ["team_id", "period_start"]
    # 0.25 × (1 + 1e-8) is a relative 1e-8 off: more than 1e-9 allows
    assert len(compare_tables(duckdb_side, _table([("a", jan, 3, 0.25 * (1 + 1e-8)), ("a", feb, 0, None)]), grain, "spark")) == 1
    # a count one off, a null that became 0
    assert len(compare_tables(duckdb_side, _table([("a", jan, 4, 0.25), ("a", feb, 0, 0.0)]), grain, "spark")) == 2
    # a missing row
    assert compare_tables(duckdb_side, _table([("a", jan, 3, 0.25)]), grain, "spark") == ["row count: duckdb 2 vs spark 1"]
    # a count that came back as a double
    typed = _table([("a", jan, 3, 0.25), ("a", feb, 0, None)], ("string", "date", "number", "number"))
    assert compare_tables(duckdb_side, typed, grain, "spark") == [
        "column deployments_count: type integer on duckdb, number on spark"
    ]
    # a timestamp where a date was expected (it sorts apart, so later rows pair up wrongly too)
    shifted = _table([("a", datetime(2025, 1, 1), 3, 0.25), ("a", feb, 0, None)])
    diffs = compare_tables(duckdb_side, shifted, grain, "spark")
    assert any("vs spark datetime.datetime(2025, 1, 1, 0, 0)" in diff for diff in diffs)


# --- Spark -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark_build(
    demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> EngineBuild:
    reason = spark_skip_reason()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("spark")
    spark_dir = work / "spark"
    env = {**spark_env(spark_dir), "AI_MATURITY_SPARK_SCHEMA": SPARK_SCHEMA}
    loaded = load_raw_into_spark(demo_warehouse.db_path, spark_dir)
    assert loaded.returncode == 0, loaded.stdout[-3000:] + loaded.stderr[-3000:]
    build, seconds = run_dbt_on("spark", ["build"], work, env)
    duckdb_seconds = demo_warehouse.build.run_results.get("elapsed_time", float("nan"))
    spark_seconds = build.run_results.get("elapsed_time", float("nan"))
    nodes = len(build.run_results.get("results", []))
    report(request, f"\n[cross-engine] Spark: dbt build of {nodes} nodes took {seconds:.0f} s wall "
                    f"({spark_seconds:.0f} s in dbt; DuckDB: {duckdb_seconds:.0f} s in dbt)")
    marts_dir = work / "marts"
    marts = built_marts(build)
    if marts:
        exported = export_spark_tables(spark_dir, package_schemas(SPARK_SCHEMA)["marts"], marts, marts_dir)
        assert exported.returncode == 0, exported.stdout[-3000:] + exported.stderr[-3000:]
    return EngineBuild("spark", build, seconds, marts_dir)


@pytest.fixture(scope="module")
def manifest(spark_build: EngineBuild) -> dict[str, Any]:
    return json.loads((spark_build.marts_dir.parent / "target" / "manifest.json").read_text())


@pytest.mark.spark
def test_spark_build_passes_every_test(spark_build: EngineBuild, demo_warehouse: DemoWarehouse) -> None:
    """The full `dbt build` (models, seeds, data tests, unit tests) passes on Spark, and runs the
    same nodes as on DuckDB."""
    assert spark_build.build.failures() == []
    spark_nodes = {r["unique_id"] for r in spark_build.build.run_results["results"]}
    duckdb_nodes = {r["unique_id"] for r in demo_warehouse.build.run_results["results"]}
    assert spark_nodes == duckdb_nodes
    assert any(node.startswith("unit_test.") for node in spark_nodes)


@pytest.mark.spark
@pytest.mark.parametrize("mart", MARTS)
def test_mart_is_identical_on_spark(
    mart: str, spark_build: EngineBuild, demo_warehouse: DemoWarehouse, manifest: dict[str, Any]
) -> None:
    assert_same_mart(demo_warehouse, spark_build, mart, manifest)


# --- PostgreSQL (only where a server is reachable) -------------------------------------------

@pytest.fixture(scope="module")
def postgres_build(
    demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> EngineBuild:
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    import postgres_load_raw

    settings = postgres_load_raw.settings_from_env()
    work = tmp_path_factory.mktemp("postgres")
    postgres_load_raw.load_from_duckdb(demo_warehouse.db_path, settings)
    # naive timestamps are UTC: the dbt session must run in UTC (libpq reads PGTZ)
    build, seconds = run_dbt_on("postgres", ["build"], work, {**os.environ, "PGTZ": "UTC"})
    report(request, f"\n[cross-engine] PostgreSQL: dbt build took {seconds:.0f} s")
    marts_dir = work / "marts"
    marts = built_marts(build)
    postgres_load_raw.export_tables(settings, package_schemas(settings["schema"])["marts"], marts, marts_dir)
    return EngineBuild("postgres", build, seconds, marts_dir)


@pytest.fixture(scope="module")
def postgres_manifest(postgres_build: EngineBuild) -> dict[str, Any]:
    return json.loads((postgres_build.marts_dir.parent / "target" / "manifest.json").read_text())


def test_postgres_build_passes_every_test(postgres_build: EngineBuild) -> None:
    assert postgres_build.build.failures() == []


@pytest.mark.parametrize("mart", MARTS)
def test_mart_is_identical_on_postgres(
    mart: str, postgres_build: EngineBuild, demo_warehouse: DemoWarehouse, postgres_manifest: dict[str, Any]
) -> None:
    assert_same_mart(demo_warehouse, postgres_build, mart, postgres_manifest)

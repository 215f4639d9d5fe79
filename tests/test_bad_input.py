"""User mistakes get a clear message, not a stack trace; a switched-off optional table gives null
metrics, not a failed build or zeros."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from harness import failures, query, run_dbt, write_raw_tables
from test_change_delivery import RAW


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table raw.deployments drop column finished_at")
    result = run_dbt(["run", "--select", "base_ai_maturity_raw__deployments"], db_path, tmp_path)
    assert not result.success
    assert "lacks required column(s): finished_at" in result.output
    assert "Traceback" not in result.output


def test_missing_required_table_is_named(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("drop table raw.incidents")
    result = run_dbt(["run", "--select", "base_ai_maturity_raw__incidents"], db_path, tmp_path)
    assert not result.success
    assert "(incidents) was not found" in result.output
    assert "it is required" in result.output
    assert "Traceback" not in result.output


def test_missing_optional_column_reads_as_null(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table raw.deployments drop column strategy")
    result = run_dbt(["run", "--select", "+stg_ai_maturity_raw__deployments"], db_path, tmp_path)
    assert failures(result) == []
    rows = query(db_path, "select count(*) as n, count(strategy) as with_strategy from main.stg_ai_maturity_raw__deployments")
    assert rows == [{"n": 13, "with_strategy": 0}]


@pytest.fixture(scope="module")
def without_training_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("disabled")
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("drop table raw.training_runs")
    result = run_dbt(["build"], db_path, work, dbt_vars={"ai_maturity__training_runs_enabled": False})
    # two of the package's demo SMART targets read training runs (manual_reproducible_runs on
    # reproducible_run_share, auto_drift_to_retrain on drift_to_retrain_median_hours): with
    # training_runs switched off they are not measurable, so the SMART test fails (by design), and
    # nothing else does
    assert [failure.split(":")[0] for failure in failures(result)] == [
        "test.ai_maturity.ai_maturity_smart_targets_are_smart_smart_targets_.5bda598fe4"
    ]
    assert "Got 2 results" in failures(result)[0]
    return db_path


def test_disabled_optional_table_gives_null_metrics(without_training_runs: Path) -> None:
    rows = query(
        without_training_runs,
        "select training_runs_count, automated_training_share, reproducible_run_share "
        "from main.fct_ml_lifecycle where team_id = 'team_a' and period_start = date '2025-01-01'",
    )
    assert rows == [{"training_runs_count": None, "automated_training_share": None, "reproducible_run_share": None}]
    long_rows = query(
        without_training_runs,
        "select metric_value from main.fct_team_metrics where metric_name = 'training_runs_count'",
    )
    assert long_rows and all(row["metric_value"] is None for row in long_rows)
    # the change-delivery metrics are unaffected
    cfr = query(
        without_training_runs,
        "select change_fail_rate from main.fct_change_delivery where team_id = 'team_a' and period_start = date '2025-01-01'",
    )
    assert cfr[0]["change_fail_rate"] == pytest.approx(4 / 6)


def test_disabled_optional_table_is_not_measurable_for_smart_targets(without_training_runs: Path) -> None:
    rows = query(
        without_training_runs,
        "select metric_name, is_measurable from main.dim_metrics where metric_name in ('training_runs_count', 'change_fail_rate') order by 1",
    )
    assert rows == [
        {"metric_name": "change_fail_rate", "is_measurable": True},
        {"metric_name": "training_runs_count", "is_measurable": False},
    ]

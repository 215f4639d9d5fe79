"""User mistakes get a clear message, not a stack trace; a switched-off optional table gives null
metrics, not a failed build or zeros."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from harness import CRITERIA_TYPES, DbtResult, copy_seed, failures, query, run_dbt, write_raw_tables
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
    rows = query(db_path, "select count(*) as n, count(strategy) as with_strategy from stg_ai_maturity_raw__deployments")
    assert rows == [{"n": 13, "with_strategy": 0}]


# SMART targets of the package seed whose metric needs a table switched off below
UNMEASURABLE_TARGETS = {
    "all_sla_adherence": ("sla_adherence", "inference_windows"),
    "auto_drift_to_retrain": ("drift_to_retrain_median_hours", "training_runs"),
    "manual_reproducible_runs": ("reproducible_run_share", "training_runs"),
}
# a criterion id the package seed does not have (a relationships test to the seed used to fail on it)
HOST_CRITERION = "host_process_1_volume"


@pytest.fixture(scope="module")
def without_training_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    """`dbt build` with training_runs and inference_windows switched off (their raw tables absent),
    the package's SMART targets, and a host criteria relation: the seed's criteria plus one of the
    host's own."""
    work = tmp_path_factory.mktemp("disabled")
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("drop table raw.training_runs")
        con.execute("drop table raw.inference_windows")
        con.execute("create schema host")
        copy_seed(con, "maturity_criteria", "host.maturity_criteria", CRITERIA_TYPES)
        con.execute(
            "insert into host.maturity_criteria values "
            f"('{HOST_CRITERION}', 'process', 1, 'deployments_count', '>=', 1000, 'not_met', "
            "'the host wants volume', 'ship more')"
        )
    result = run_dbt(
        ["build"],
        db_path,
        work,
        dbt_vars={
            "ai_maturity__training_runs_enabled": False,
            "ai_maturity__inference_windows_enabled": False,
            "ai_maturity__maturity_criteria": "host.maturity_criteria",
        },
    )
    # switching an optional table off never fails a build: the targets and criteria that read it warn
    assert failures(result) == []
    return db_path, result


def warned_tests(result: DbtResult) -> dict[str, int]:
    """Tests that ended with status warn: node name → number of rows."""
    return {
        row["unique_id"].split(".")[2]: row["failures"]
        for row in result.run_results["results"]
        if row["status"] == "warn"
    }


def test_disabled_optional_table_gives_null_metrics(without_training_runs: tuple[Path, DbtResult]) -> None:
    db_path = without_training_runs[0]
    rows = query(
        db_path,
        "select training_runs_count, automated_training_share, reproducible_run_share "
        "from fct_ml_lifecycle where team_id = 'team_a' and period_start = date '2025-01-01'",
    )
    assert rows == [{"training_runs_count": None, "automated_training_share": None, "reproducible_run_share": None}]
    long_rows = query(
        db_path,
        "select metric_value from fct_team_metrics where metric_name = 'training_runs_count'",
    )
    assert long_rows and all(row["metric_value"] is None for row in long_rows)
    # the change-delivery metrics are unaffected
    cfr = query(
        db_path,
        "select change_fail_rate from fct_change_delivery where team_id = 'team_a' and period_start = date '2025-01-01'",
    )
    assert cfr[0]["change_fail_rate"] == pytest.approx(4 / 6)


def test_disabled_optional_table_is_not_measurable_in_dim_metrics(without_training_runs: tuple[Path, DbtResult]) -> None:
    db_path = without_training_runs[0]
    rows = query(
        db_path,
        "select metric_name, is_measurable from dim_metrics "
        "where metric_name in ('training_runs_count', 'change_fail_rate') order by 1",
    )
    assert rows == [
        {"metric_name": "change_fail_rate", "is_measurable": True},
        {"metric_name": "training_runs_count", "is_measurable": False},
    ]


def test_disabled_table_only_warns_naming_the_targets(without_training_runs: tuple[Path, DbtResult]) -> None:
    result = without_training_runs[1]
    warned = warned_tests(result)
    smart = [name for name in warned if name.startswith("ai_maturity_config_metrics_are_measurable_fct_smart_evaluations")]
    assert len(smart) == 1 and warned[smart[0]] == len(UNMEASURABLE_TARGETS)
    for target_id, (metric_name, table) in UNMEASURABLE_TARGETS.items():
        assert (
            f"ai_maturity: SMART target '{target_id}' reads {metric_name}, whose raw table(s) {table} "
            "are switched off: evaluated not_measurable." in result.output
        )
    # the SMART-validity test itself passes (measurability is not its business any more)
    statuses = {row["unique_id"].split(".")[2]: row["status"] for row in result.run_results["results"]}
    assert [status for name, status in statuses.items() if name.startswith("ai_maturity_smart_targets_are_smart")] == ["pass"]


def test_disabled_table_makes_its_targets_not_measurable_in_every_period(
    without_training_runs: tuple[Path, DbtResult],
) -> None:
    db_path = without_training_runs[0]
    rows = query(
        db_path,
        "select target_id, team_id, status, count(*) as n, count(observed_value) as observed "
        "from fct_smart_evaluations group by 1, 2, 3 order by 1, 2, 3",
    )
    spine = {
        row["team_id"]: row["n"]
        for row in query(db_path, "select team_id, count(*) as n from int_team_periods group by 1")
    }
    # the `*` target on sla_adherence (inference_windows off): not_measurable in every period of
    # every team, no value; the other `*` targets are evaluated as usual
    assert [(r["team_id"], r["status"], r["n"], r["observed"]) for r in rows if r["target_id"] == "all_sla_adherence"] == [
        (team_id, "not_measurable", periods, 0) for team_id, periods in sorted(spine.items())
    ]
    others = {r["status"] for r in rows if r["target_id"] != "all_sla_adherence"}
    assert "not_measurable" not in others and others & {"met", "breached"}


def test_disabled_table_criteria_follow_their_no_data_rule(without_training_runs: tuple[Path, DbtResult]) -> None:
    db_path, result = without_training_runs
    rows = query(
        db_path,
        "select criterion_id, if_no_data, value_source, is_met, count(*) as n "
        "from fct_maturity_criteria_evaluations "
        "where criterion_id in ('process_4_drift_to_retrain', 'platform_1_reproducible', 'product_3_sla') "
        "group by 1, 2, 3, 4 order by 1",
    )
    # every team × period, whatever the rule: no value; met only where if_no_data says met
    assert [(r["criterion_id"], r["if_no_data"], r["value_source"], r["is_met"]) for r in rows] == [
        ("platform_1_reproducible", "carry_forward", "no_data", False),
        ("process_4_drift_to_retrain", "met", "no_data", True),
        ("product_3_sla", "carry_forward", "no_data", False),
    ]
    assert (
        "ai_maturity: maturity criterion 'platform_1_reproducible' reads reproducible_run_share, whose raw "
        "table(s) training_runs are switched off: follows its if_no_data rule." in result.output
    )


def test_host_criterion_ids_need_not_be_in_the_package_seed(without_training_runs: tuple[Path, DbtResult]) -> None:
    db_path = without_training_runs[0]
    rows = query(
        db_path,
        f"select count(*) as n from fct_maturity_blockers where criterion_id = '{HOST_CRITERION}'",
    )
    assert rows[0]["n"] > 0

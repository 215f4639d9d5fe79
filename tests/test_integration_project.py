"""The package installed in a host dbt project (integration_tests/: `packages.yml` `local: ../`, its
own profile and raw schema) builds, with every one of the package's unit and data tests, under the
host configurations of issue 16: defaults with host-owned criteria, SMART targets and a host
`dim_teams`; weekly periods with non-default thresholds and optional tables switched off; quarterly
periods cut at `as_of`, with the schemas overridden. Three builds; a few real values per build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PROJECT_DIR
from demo_data.profiles import TEAMS
from harness import DbtResult, query, run_dbt

HOST_DIR = PROJECT_DIR / "integration_tests"
HOST_PROFILES = HOST_DIR / "profiles"
HOST_PROJECT = "ai_maturity_integration_tests"
HOST_SCHEMA = "analytics"  # the target schema of integration_tests/profiles/profiles.yml
RAW_SCHEMA = yaml.safe_load((HOST_DIR / "dbt_project.yml").read_text())["vars"]["ai_maturity"]["ai_maturity__raw_schema"]
HOST_CONFIG = {"ai_maturity__maturity_criteria": "my_maturity_criteria", "ai_maturity__smart_targets": "my_smart_targets"}
WEEKLY = {
    "ai_maturity__period": "week",
    "ai_maturity__min_respondents": 3,
    "ai_maturity__drift_retrain_window_days": 7,
    "ai_maturity__plateau_periods": 3,
    "ai_maturity__carry_forward_periods": 4,
    "ai_maturity__explainability_sla_days": 3,
    "ai_maturity__dora_report_year": 2023,
    "ai_maturity__faithfulness_drop_threshold": 0.2,
    "ai_maturity__downvote_rise_threshold": 0.1,
    "ai_maturity__min_signal_events": 10,
    "ai_maturity__llm_evaluations_enabled": False,
    "ai_maturity__bias_audits_enabled": False,
    "ai_maturity__product_events_enabled": False,
}
AS_OF = "2025-06-30 23:59:59"
QUARTERLY = {
    "ai_maturity__period": "quarter",
    "ai_maturity__as_of": AS_OF,
    "ai_maturity__marts_schema": "maturity",
    "ai_maturity__seeds_schema": "ai_maturity_config",
}


@dataclass(frozen=True)
class HostBuild:
    db_path: Path
    work_dir: Path
    result: DbtResult
    manifest: dict[str, Any]


@pytest.fixture(scope="module")
def raw_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo raw data in the host's raw schema, and the package installed with `dbt deps`."""
    work = tmp_path_factory.mktemp("host_raw")
    db_path = work / "raw.duckdb"
    generator = PROJECT_DIR / "scripts" / "generate_demo_data.py"
    subprocess.run([sys.executable, str(generator), "--duckdb", str(db_path), "--schema", RAW_SCHEMA],
                   check=True, capture_output=True)
    deps = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "deps", "--project-dir", str(HOST_DIR),
         "--profiles-dir", str(HOST_PROFILES), "--log-path", str(work / "logs")],
        env={**os.environ, "AI_MATURITY_DUCKDB_PATH": str(db_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True, check=False,
    )
    assert deps.returncode == 0, deps.stdout[-3000:] + deps.stderr[-3000:]
    assert (HOST_DIR / "dbt_packages" / "ai_maturity" / "dbt_project.yml").exists()
    return db_path


def host_dbt(args: list[str], db_path: Path, work: Path, dbt_vars: dict[str, Any]) -> DbtResult:
    return run_dbt(args, db_path, work, dbt_vars, project_dir=HOST_DIR, profiles_dir=HOST_PROFILES)


def build(raw_db: Path, work: Path, dbt_vars: dict[str, Any]) -> HostBuild:
    db_path = work / "warehouse.duckdb"
    shutil.copy(raw_db, db_path)
    result = host_dbt(["build"], db_path, work, dbt_vars)
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return HostBuild(db_path, work, result, manifest)


@pytest.fixture(scope="module")
def defaults(raw_db: Path, tmp_path_factory: pytest.TempPathFactory) -> HostBuild:
    return build(raw_db, tmp_path_factory.mktemp("host_defaults"), HOST_CONFIG)


@pytest.fixture(scope="module")
def weekly(raw_db: Path, tmp_path_factory: pytest.TempPathFactory) -> HostBuild:
    return build(raw_db, tmp_path_factory.mktemp("host_weekly"), WEEKLY)


@pytest.fixture(scope="module")
def quarterly(raw_db: Path, tmp_path_factory: pytest.TempPathFactory) -> HostBuild:
    return build(raw_db, tmp_path_factory.mktemp("host_quarterly"), QUARTERLY)


def declared_unit_tests() -> set[str]:
    """Names of the unit tests the package's yml files declare (read without dbt)."""
    return {
        test["name"]
        for path in (PROJECT_DIR / "models").rglob("*.yml")
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests") or []
    }


def assert_passes_with_every_package_test(host: HostBuild) -> None:
    assert host.result.failures() == []
    statuses = {r["unique_id"]: r["status"] for r in host.result.run_results["results"]}
    unit_tests = {uid for uid in host.manifest["unit_tests"] if uid.startswith("unit_test.ai_maturity.")}
    assert {uid.rsplit(".", 1)[1] for uid in unit_tests} == declared_unit_tests()
    assert {uid: statuses.get(uid) for uid in unit_tests} == {uid: "pass" for uid in unit_tests}
    package_models = {uid for uid, n in host.manifest["nodes"].items()
                      if n["resource_type"] == "model" and n["package_name"] == "ai_maturity"}
    assert {uid: statuses.get(uid) for uid in package_models} == {uid: "success" for uid in package_models}


def schema_of(db_path: Path, table: str) -> list[str]:
    rows = query(db_path, f"select table_schema from information_schema.tables where table_name = '{table}' order by 1")
    return [r["table_schema"] for r in rows]


# --- defaults, with the host's criteria, SMART targets and dim_teams ---------------------------

def test_defaults_pass_with_the_package_unit_tests(defaults: HostBuild) -> None:
    assert_passes_with_every_package_test(defaults)


def test_package_relations_are_in_their_own_schemas(defaults: HostBuild) -> None:
    expected = {}
    for node in defaults.manifest["nodes"].values():
        if node["package_name"] == "ai_maturity" and node["resource_type"] in ("model", "seed"):
            layer = "marts" if node["resource_type"] == "seed" else node["fqn"][1]
            expected[node["name"]] = [f"{HOST_SCHEMA}_ai_maturity_{layer}"]
    expected["dim_teams"] = [HOST_SCHEMA, f"{HOST_SCHEMA}_ai_maturity_marts"]
    actual = {name: schema_of(defaults.db_path, name) for name in expected}
    assert actual == expected
    host_tables = query(
        defaults.db_path, f"select table_name from information_schema.tables where table_schema = '{HOST_SCHEMA}' order by 1"
    )
    assert [r["table_name"] for r in host_tables] == ["dim_teams", "my_maturity_criteria", "my_smart_targets"]


def test_host_dim_teams_is_the_hosts_and_the_package_keeps_its_own(defaults: HostBuild) -> None:
    first = min(team.team_id for team in TEAMS)
    assert query(defaults.db_path, f"select team_id, cost_center from {HOST_SCHEMA}.dim_teams") == [
        {"team_id": first, "cost_center": f"cc_{first}"}]
    package = query(defaults.db_path, f"select count(*) as n from {HOST_SCHEMA}_ai_maturity_marts.dim_teams")
    assert package == [{"n": len(TEAMS)}]


def test_host_criteria_and_targets_are_parents_in_the_dag(defaults: HostBuild, raw_db: Path) -> None:
    listed = host_dbt(["ls", "-s", "my_maturity_criteria+", "--resource-type", "model"],
                      defaults.db_path, defaults.work_dir / "ls", HOST_CONFIG)
    assert listed.success, listed.output[-2000:]
    for model in ("fct_maturity_criteria_evaluations", "fct_team_maturity", "fct_maturity_blockers"):
        assert f"ai_maturity.marts.maturity.{model}" in listed.output
    assert "fct_smart_evaluations" not in listed.output
    smart = defaults.manifest["nodes"]["model.ai_maturity.fct_smart_evaluations"]["depends_on"]["nodes"]
    assert f"model.{HOST_PROJECT}.my_smart_targets" in smart


def test_host_criteria_change_the_level_as_worked_out_by_hand(defaults: HostBuild) -> None:
    # The host's level-1 process bar is 168 deployments a week (hourly); the busiest demo team ships
    # fewer than 20 a week, so every process plane is at 0 and so is every overall level (the
    # minimum); the other planes keep the levels the demo teams were designed for.
    marts = f"{HOST_SCHEMA}_ai_maturity_marts"
    rows = query(defaults.db_path, f"select * from {marts}.fct_team_maturity")
    assert len(rows) == len(TEAMS) * 12
    designed = {team.team_id: team.levels for team in TEAMS}
    for row in rows:
        levels = designed[row["team_id"]]
        assert (row["process_level"], row["maturity_level"]) == (0, 0), row
        assert (row["platform_level"], row["team_culture_level"], row["product_level"]) == (
            levels.platform, levels.team_culture, levels.product), row
    blocked = query(defaults.db_path, f"select team_id, blocker_status from {marts}.fct_maturity_blockers "
                                      "where criterion_id = 'host_process_1_ships_hourly' and period_start = date '2025-12-01'")
    assert sorted((r["team_id"], r["blocker_status"]) for r in blocked) == sorted((t.team_id, "unmet") for t in TEAMS)


def test_host_smart_targets_are_the_ones_evaluated(defaults: HostBuild) -> None:
    marts = f"{HOST_SCHEMA}_ai_maturity_marts"
    rows = query(defaults.db_path, f"select s.target_id, s.team_id, s.status, c.change_lead_time_median_hours as lead_time "
                                   f"from {marts}.fct_smart_evaluations as s inner join {marts}.fct_change_delivery as c "
                                   "using (team_id, period_start)")
    assert {r["target_id"] for r in rows} == {f"host_lead_time_{t.team_id}" for t in TEAMS}
    judged = [r for r in rows if r["lead_time"] is not None]
    assert judged and all(r["status"] == ("met" if r["lead_time"] <= 72 else "breached") for r in judged)


# --- weekly, non-default thresholds, optional tables switched off ------------------------------

def test_weekly_non_default_settings_pass_with_the_package_unit_tests(weekly: HostBuild) -> None:
    assert_passes_with_every_package_test(weekly)


def test_weekly_periods_start_on_monday(weekly: HostBuild) -> None:
    marts = f"{HOST_SCHEMA}_ai_maturity_marts"
    for mart in ("fct_change_delivery", "fct_people_culture", "fct_team_maturity", "fct_team_metrics"):
        days = query(weekly.db_path, f"select distinct isodow(period_start) as dow, count(distinct period_start) as n "
                                     f"from {marts}.{mart} group by 1")
        assert len(days) == 1 and days[0]["dow"] == 1 and days[0]["n"] >= 52, (mart, days)


def test_weekly_switched_off_tables_give_null_metrics(weekly: HostBuild) -> None:
    marts = f"{HOST_SCHEMA}_ai_maturity_marts"
    off = {
        r["metric_name"] for r in query(weekly.db_path, f"select metric_name from {marts}.dim_metrics where not is_measurable")
    }
    assert {"faithfulness_mean", "days_since_bias_audit", "ai_active_users", "downvote_rate"} <= off
    valued = query(weekly.db_path, f"select count(metric_value) as n, count(*) as total from {marts}.fct_team_metrics "
                                   f"where metric_name in ({', '.join(repr(m) for m in sorted(off))})")
    assert valued[0]["n"] == 0 and valued[0]["total"] > 0


def test_weekly_survey_suppression_follows_min_respondents_three(weekly: HostBuild) -> None:
    # independently: distinct psych-safety respondents per team × ISO week from the staged rows
    staging = f"{HOST_SCHEMA}_ai_maturity_staging"
    counted = query(weekly.db_path, "select team_id, cast(date_trunc('week', submitted_at) as date) as period_start, "
                                    "count(distinct respondent_key) as n "
                                    f"from {staging}.stg_ai_maturity_raw__survey_responses "
                                    "where instrument = 'psych_safety' group by 1, 2")
    expected = {(r["team_id"], r["period_start"]): r["n"] for r in counted}
    assert any(n in (3, 4) for n in expected.values()), "no team-week with 3 or 4 respondents to test the threshold"
    rows = query(weekly.db_path, f"select team_id, period_start, survey_respondents, is_suppressed, psych_safety_score "
                                 f"from {HOST_SCHEMA}_ai_maturity_marts.fct_people_culture")
    for row in rows:
        n = expected.get((row["team_id"], row["period_start"]), 0)
        assert row["is_suppressed"] == (1 <= n <= 2), row
        assert row["survey_respondents"] == (None if 1 <= n <= 2 else n), row
        assert (row["psych_safety_score"] is not None) == (n >= 3), row


# --- quarterly, cut at as_of, schemas overridden ----------------------------------------------

def test_quarterly_as_of_passes_with_the_package_unit_tests(quarterly: HostBuild) -> None:
    assert_passes_with_every_package_test(quarterly)


def test_quarterly_schema_overrides(quarterly: HostBuild) -> None:
    assert schema_of(quarterly.db_path, "fct_team_maturity") == [f"{HOST_SCHEMA}_maturity"]
    assert schema_of(quarterly.db_path, "maturity_criteria") == [f"{HOST_SCHEMA}_ai_maturity_config"]
    assert schema_of(quarterly.db_path, "int_team_periods") == [f"{HOST_SCHEMA}_ai_maturity_intermediate"]


def test_quarterly_nothing_after_as_of_and_quarters_sum_their_months(quarterly: HostBuild, defaults: HostBuild) -> None:
    sql = "select team_id, period_start, deployments_count from {schema}.fct_change_delivery"
    quarters = query(quarterly.db_path, sql.format(schema=f"{HOST_SCHEMA}_maturity"))
    assert {r["period_start"] for r in quarters} == {date(2025, 1, 1), date(2025, 4, 1)}
    months = query(defaults.db_path, sql.format(schema=f"{HOST_SCHEMA}_ai_maturity_marts"))
    expected: dict[tuple[str, date], int] = {}
    for row in months:
        if row["period_start"] < date(2025, 7, 1):
            key = (row["team_id"], date(2025, (row["period_start"].month - 1) // 3 * 3 + 1, 1))
            expected[key] = expected.get(key, 0) + row["deployments_count"]
    assert {(r["team_id"], r["period_start"]): r["deployments_count"] for r in quarters} == expected
    assert sum(expected.values()) > 0


# --- the package as documented and contracted in the host's manifest -------------------------

# vars read only by staging (which has no unit tests) or by a post-hook (a unit test runs none), naming
# relations, or naming schemas; config relations are not pinned: a unit test always reads the package seed
# (macros/metrics/config_relations.sql)
NOT_PINNED = {"raw_database", "raw_schema", "incremental_lookback_hours", "min_event_date", "clock_skew_hours",
              "checkpoint_min_rows",
              "dora_benchmarks", "maturity_criteria", "smart_targets",
              "staging_schema", "intermediate_schema", "marts_schema", "seeds_schema"}


def test_every_package_unit_test_pins_the_vars_it_may_depend_on(defaults: HostBuild) -> None:
    package_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["ai_maturity"]
    pinned = {name for name in package_vars if name.removeprefix("ai_maturity__") not in NOT_PINNED}
    assert "ai_maturity__period" in pinned and "ai_maturity__survey_responses_enabled" in pinned
    unpinned = {uid: sorted(pinned - set((test.get("overrides") or {}).get("vars") or {}))
                for uid, test in defaults.manifest["unit_tests"].items() if test["package_name"] == "ai_maturity"}
    assert {uid: missing for uid, missing in unpinned.items() if missing} == {}
    # a unit test builds a relation named after itself: PostgreSQL cuts identifiers at 63 bytes
    too_long = [test["name"] for test in defaults.manifest["unit_tests"].values()
                if test["package_name"] == "ai_maturity" and len(test["name"].encode()) > 63]
    assert too_long == []


def test_marts_are_contracted_and_macros_documented(defaults: HostBuild) -> None:
    manifest = defaults.manifest
    marts = [n for n in manifest["nodes"].values() if n["package_name"] == "ai_maturity"
             and n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")]
    assert len(marts) >= 19
    assert [n["name"] for n in marts if not n["config"]["contract"]["enforced"]] == []
    assert [f"{n['name']}.{c}" for n in marts for c, col in n["columns"].items() if not col.get("data_type")] == []
    macros = [m for m in manifest["macros"].values() if m["package_name"] == "ai_maturity"]
    assert len(macros) > 100 and [m["name"] for m in macros if not m["description"]] == []
    assert "doc.ai_maturity.__ai_maturity__" in manifest["docs"]
    report = manifest["exposures"]["exposure.ai_maturity.maturity_report"]["depends_on"]["nodes"]
    assert "model.ai_maturity.fct_team_maturity" in report

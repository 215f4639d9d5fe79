"""The warehouse-scale generator (`--profile large`, scripts/demo_data/large.py) and `--append-day`
(scripts/demo_data/large_append.py) at a tiny scale: deterministic, the whole contract, volumes in
ratio, every kind of mess present, appended days after every earlier load, and a dbt build whose
marts carry every metric of the catalogue."""

from __future__ import annotations

import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

import generate_demo_data  # noqa: E402
from demo_data.large import N_DAYS  # noqa: E402
from demo_data.large_append import PRIMARY_TIME  # noqa: E402
from demo_data.schema import TABLES  # noqa: E402
from harness import query, run_dbt  # noqa: E402

SEED = 11
SCALE = "0.025"  # 5 teams: one of each maturity tier 0-4
TEAMS = 5


def _generate(path: Path, seed: int = SEED, scale: str = SCALE) -> Path:
    code = generate_demo_data.main(["--duckdb", str(path), "--profile", "large", "--scale", scale,
                                    "--seed", str(seed)])
    assert code == 0
    return path


def _append(path: Path, seed: int = SEED) -> None:
    assert generate_demo_data.main(["--duckdb", str(path), "--append-day", "--seed", str(seed)]) == 0


def one(db: Path, sql: str) -> Any:
    rows = query(db, sql)
    assert len(rows) == 1, rows
    return next(iter(rows[0].values()))


def table_hashes(db: Path) -> dict[str, tuple[int, int]]:
    """(row count, order-independent sum of row hashes) of every contract table."""
    out = {}
    for name, spec in TABLES.items():
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        out[name] = tuple(query(db, f"select count(*) as n, coalesce(sum(hash(row({cols}))), 0) as h "
                                    f"from raw.{name}")[0].values())
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("large")


@pytest.fixture(scope="module")
def db(work: Path) -> Path:
    return _generate(work / "first.duckdb")


@pytest.fixture(scope="module")
def appended(work: Path, db: Path) -> dict[str, Any]:
    """A copy of the tiny database with two appended days, and the state before each call."""
    path = work / "appended.duckdb"
    shutil.copyfile(db, path)
    states = []
    for _ in range(2):
        states.append({
            "max_load": one(path, "select max(m) from (" + " union all ".join(
                f"select max(_loaded_at) as m from raw.{t}" for t in TABLES) + ")"),
            "counts": {t: one(path, f"select count(*) from raw.{t}") for t in TABLES},
            "latest_day": one(path, "select max(date_trunc('day', started_at)) from raw.llm_requests "
                                    "where started_at between timestamp '2000-01-01' and timestamp '2100-01-01'"),
        })
        _append(path)
    return {"path": path, "states": states}


def test_same_seed_gives_identical_tables_and_another_seed_does_not(work: Path, db: Path):
    again = _generate(work / "again.duckdb")
    first = table_hashes(db)
    assert first == table_hashes(again)
    other = table_hashes(_generate(work / "other_seed.duckdb", seed=SEED + 1))
    assert other["llm_requests"] != first["llm_requests"]
    assert other["deployments"] != first["deployments"]


def test_every_contract_table_with_exactly_its_columns_and_types(db: Path):
    cols = query(db, "select table_name, column_name, data_type from information_schema.columns "
                     "where table_schema = 'raw' order by table_name, ordinal_position")
    assert {c["table_name"] for c in cols} == set(TABLES)
    for name, spec in TABLES.items():
        got = [(c["column_name"], c["data_type"]) for c in cols if c["table_name"] == name]
        assert got == list(spec.columns), name
    # no generator helper (temp table or macro) is left in the file
    assert one(db, "select count(*) from information_schema.tables where table_schema <> 'raw'") == 0
    assert one(db, "select count(*) from duckdb_functions() where function_name = 'nightly'") == 0


def test_volumes_follow_the_design(db: Path):
    n = {t: one(db, f"select count(*) from raw.{t}") for t in TABLES}
    team_days = TEAMS * N_DAYS
    assert n["teams"] == TEAMS
    # 8 three-hour windows per team and day, plus ≈ 0.5 % re-deliveries
    assert 8 * team_days <= n["inference_windows"] <= 8 * team_days * 1.01
    # tiers 0-4: 5.25 .. 26.2 traces a weekday, ≈ 2.45 requests a trace → ≈ 34 requests a team-day
    assert 25 * team_days <= n["llm_requests"] <= 45 * team_days
    rag_answers = one(db, "select count(distinct request_id) from raw.llm_requests "
                          "where operation_name = 'chat' and retrieval_config_id is not null")
    assert 4.4 <= n["llm_request_chunks"] / rag_answers <= 4.8  # 4 retrieved + 0.35 + 0.25 cited
    assert 1.0 < n["deployment_changes"] / n["changes"] < 1.15  # failed attempts and their retries
    assert 0.8 < n["llm_request_chunks"] / n["llm_requests"] < 1.05  # 4.7 M : 5.0 M at scale 1
    assert 0.15 < n["changes"] / n["llm_requests"] < 0.3  # 1.0 M : 5.0 M at scale 1
    assert 0.15 < n["product_events"] / n["llm_requests"] < 0.3  # 1.1 M : 5.0 M at scale 1
    # ≥ 5 respondents per team and quarterly wave (8 waves)
    low = query(db, "select team_id, wave, count(distinct respondent_key) as n from raw.survey_responses "
                    "group by all having n < 5")
    assert low == []
    assert one(db, "select count(distinct wave) from raw.survey_responses") == 8
    # every event table spans the whole calendar
    for name, col in PRIMARY_TIME.items():
        first, last = query(db, f"select min({col}) as a, max({col}) as b from raw.{name} "
                                f"where {col} between timestamp '2000-01-01' and timestamp '2100-01-01'")[0].values()
        assert first < datetime(2024, 4, 1) and last >= datetime(2025, 10, 1), name


def test_every_row_is_loaded_after_its_event(db: Path):
    for name, col in PRIMARY_TIME.items():
        early = one(db, f"select count(*) from raw.{name} where _loaded_at < {col} "
                        f"and year({col}) between 2024 and 2025")
        assert early == 0, name
    assert one(db, "select count(*) from raw.deployments where _loaded_at is null") > 0  # the null re-deliveries


MESS_COUNTS = {
    # re-deliveries: later, equal and null `_loaded_at`, some with a changed value
    "redelivered_later": "select count(*) from (select deployment_id from raw.deployments group by 1 "
                         "having count(distinct _loaded_at) > 1)",
    "redelivered_equal": "select count(*) from (select request_id, _loaded_at from raw.llm_requests "
                         "where _loaded_at is not null group by all having count(*) > 1)",
    "redelivered_null": "select count(*) from raw.llm_requests r where _loaded_at is null",
    "redelivered_changed_status": "select count(*) from (select deployment_id from raw.deployments group by 1 "
                                  "having count(distinct status) > 1)",
    "redelivered_changed_cost": "select count(*) from (select request_id from raw.llm_requests group by 1 "
                                "having count(distinct cost_usd) > 1)",
    "late_arrival": "select count(*) from raw.llm_requests where _loaded_at > started_at + interval 3 day",
    "end_before_start": "select count(*) from raw.deployments where finished_at < started_at",
    "first_token_before_start": "select count(*) from raw.llm_requests where first_token_at < started_at",
    "snapshot_after_start": "select count(*) from raw.training_runs where data_snapshot_at > started_at",
    "run_ended_before_start": "select count(*) from raw.training_runs where ended_at < started_at",
    "enum_other_case": "select count(*) from raw.deployments where status <> lower(status)",
    "enum_spaces": "select count(*) from raw.llm_requests where status <> trim(status)",
    "enum_unknown": "select count(*) from raw.product_events where lower(trim(event_type)) not in "
                    "('active', 'feature_use', 'upvote', 'downvote', 'conversion')",
    "negative_tokens": "select count(*) from raw.llm_requests where output_tokens < 0",
    "negative_cost": "select count(*) from raw.llm_requests where cost_usd < 0",
    "nan_cost": "select count(*) from raw.llm_requests where isnan(cost_usd)",
    "inf_cost": "select count(*) from raw.llm_requests where cost_usd = 'inf'::double",
    "minus_inf_cost": "select count(*) from raw.llm_requests where cost_usd = '-inf'::double",
    "non_finite_revenue": "select count(*) from raw.product_events where not isfinite(revenue_usd)",
    "non_finite_latency": "select count(*) from raw.inference_windows where not isfinite(latency_p95_ms)",
    "non_finite_drift_score": "select count(*) from raw.drift_checks where not isfinite(drift_score)",
    "errors_over_requests": "select count(*) from raw.inference_windows where error_count > request_count",
    "score_out_of_range": "select count(*) from raw.llm_evaluations where score_value > 1",
    "joined_after_left": "select count(*) from raw.people where joined_at > left_at",
    "orphan_chunks": "select count(*) from raw.llm_request_chunks c anti join raw.llm_requests r using (request_id)",
    "orphan_evaluations": "select count(*) from raw.llm_evaluations e where request_id is not null "
                          "and request_id not in (select request_id from raw.llm_requests)",
    "orphan_deployment_changes": "select count(*) from raw.deployment_changes dc "
                                 "anti join raw.deployments d using (deployment_id)",
    "unknown_service": "select count(*) from raw.deployments "
                       "where service_id not in (select service_id from raw.service_ownership)",
    "unknown_team_requests": "select count(*) from raw.llm_requests "
                             "where team_id not in (select team_id from raw.teams)",
    "unknown_team_drift": "select count(*) from raw.drift_checks where team_id not in (select team_id from raw.teams)",
    "year_1970": "select count(*) from raw.llm_requests where year(started_at) = 1970",
    "year_2999": "select count(*) from raw.deployments where year(started_at) = 2999",
    "year_2999_events": "select count(*) from raw.product_events where year(occurred_at) = 2999",
}


@pytest.mark.parametrize("kind", sorted(MESS_COUNTS))
def test_each_kind_of_mess_is_present_at_a_small_rate(db: Path, kind: str):
    sql = MESS_COUNTS[kind]
    table = sql.split("raw.")[1].split()[0]
    found = one(db, sql)
    rows = one(db, f"select count(*) from raw.{table}")
    assert found >= 1, kind
    assert found <= max(3, 0.02 * rows), (kind, found, rows)


def test_implausible_rows_keep_a_plausible_load_time(db: Path):
    assert one(db, "select count(*) from raw.deployments where year(_loaded_at) not in (2024, 2025, 2026)") == 0


def test_append_day_adds_a_day_after_every_earlier_load(appended: dict[str, Any]):
    path, states = appended["path"], appended["states"]
    first, second = states
    # call 1 added exactly the rows loaded after the previous maximum, on every table
    for name in TABLES:
        added = second["counts"][name] - first["counts"][name]
        newer = one(path, f"select count(*) from raw.{name} where _loaded_at > timestamp '{first['max_load']}' "
                          f"and _loaded_at <= timestamp '{second['max_load']}'")
        assert newer == added, name
    assert second["latest_day"] == first["latest_day"] + timedelta(days=1)
    assert sum(second["counts"].values()) > sum(first["counts"].values())
    # the new day has about the latest day's volume
    for name, col in (("llm_requests", "started_at"), ("deployments", "started_at"), ("product_events", "occurred_at"),
                      ("inference_windows", "window_start")):
        old = one(path, f"select count(*) from raw.{name} where date_trunc('day', {col}) = "
                        f"timestamp '{first['latest_day']}' and _loaded_at <= timestamp '{first['max_load']}'")
        new = one(path, f"select count(*) from raw.{name} where date_trunc('day', {col}) = "
                        f"timestamp '{second['latest_day']}'")
        assert old > 0 and 0.9 * old <= new <= 1.1 * old, (name, old, new)


def _new_rows(path: Path, table: str, state: dict[str, Any]) -> str:
    return f"(select * from raw.{table} where _loaded_at > timestamp '{state['max_load']}')"


def test_append_day_redelivers_old_keys_with_changed_values(appended: dict[str, Any]):
    path, (first, _) = appended["path"], appended["states"]
    new_deps = _new_rows(path, "deployments", first)
    redelivered = one(path, f"select count(*) from {new_deps} n where deployment_id in "
                            f"(select deployment_id from raw.deployments where _loaded_at <= "
                            f"timestamp '{first['max_load']}')")
    assert redelivered >= 1
    new_reqs = _new_rows(path, "llm_requests", first)
    changed_cost = one(path, f"select count(*) from {new_reqs} n join raw.llm_requests o using (request_id) "
                             f"where o._loaded_at <= timestamp '{first['max_load']}' and o.cost_usd <> n.cost_usd")
    assert changed_cost >= 1


def test_append_day_brings_late_events_with_their_children(appended: dict[str, Any]):
    path, (first, _) = appended["path"], appended["states"]
    new_reqs = _new_rows(path, "llm_requests", first)
    late = one(path, f"select count(*) from {new_reqs} n where started_at < timestamp '{first['latest_day']}' "
                     f"and request_id like '%~%L'")
    assert late >= 1
    # children of new parents point at the new keys, and none of the new children is an orphan
    for child, parent, key in (("llm_request_chunks", "llm_requests", "request_id"),
                               ("llm_evaluations", "llm_requests", "request_id"),
                               ("deployment_changes", "deployments", "deployment_id")):
        new_children = _new_rows(path, child, first)
        linked = one(path, f"select count(*) from {new_children} c where {key} like '%~%'")
        orphans = one(path, f"select count(*) from {new_children} c where {key} like '%~%' "
                            f"and {key} not in (select {key} from raw.{parent})")
        assert linked >= 1 and orphans == 0, child
    new_dc = _new_rows(path, "deployment_changes", first)
    assert one(path, f"select count(*) from {new_dc} c where change_id not in (select change_id from raw.changes)") == 0


def test_append_day_twice_appends_two_distinct_days_deterministically(appended: dict[str, Any], work: Path, db: Path):
    path, (first, second) = appended["path"], appended["states"]
    third_day = one(path, "select max(date_trunc('day', started_at)) from raw.llm_requests "
                          "where started_at < timestamp '2100-01-01'")
    assert third_day == first["latest_day"] + timedelta(days=2)
    day_of = "select distinct date_trunc('day', started_at) as d from raw.llm_requests where request_id like '%~{}'"
    days_1 = {r["d"] for r in query(path, day_of.format((first["latest_day"] + timedelta(days=1)).strftime("%Y%m%d")))}
    days_2 = {r["d"] for r in query(path, day_of.format((first["latest_day"] + timedelta(days=2)).strftime("%Y%m%d")))}
    assert days_1 == {first["latest_day"] + timedelta(days=1)} and days_2 == {first["latest_day"] + timedelta(days=2)}
    # the second call's rows are loaded after everything of the first
    assert one(path, f"select min(_loaded_at) from raw.llm_requests where _loaded_at > "
                     f"timestamp '{second['max_load']}'") > second["max_load"]
    replay = work / "replay.duckdb"
    shutil.copyfile(db, replay)
    _append(replay)
    _append(replay)
    assert table_hashes(replay) == table_hashes(path)


def test_append_day_on_the_small_profile(work: Path):
    path = work / "small.duckdb"
    assert generate_demo_data.main(["--duckdb", str(path), "--profile", "small", "--seed", "3"]) == 0
    before = one(path, "select max(_loaded_at) from raw.llm_requests")
    _append(path, seed=3)
    assert one(path, "select count(*) from raw.llm_requests where started_at >= timestamp '2026-01-01' "
                     "and started_at < timestamp '2026-01-02'") > 0
    assert one(path, f"select count(*) from raw.deployments where _loaded_at > timestamp '{before}'") > 0


def test_dbt_build_on_tiny_large_data_with_appended_days_measures_every_metric(work: Path,
                                                                              appended: dict[str, Any]):
    """A full `dbt build` (every data and unit test) on the tiny large-profile data plus two appended
    days: nothing fails, every metric of the catalogue has values, the appended days reach the marts."""
    warehouse = work / "warehouse.duckdb"
    shutil.copyfile(appended["path"], warehouse)
    result = run_dbt(["build"], warehouse, work / "dbt")
    assert not result.failures(), result.failures()
    metrics = query(warehouse, "select m.metric_name, count(t.metric_value) as n from dim_metrics m "
                               "left join fct_team_metrics t using (metric_name) group by 1 order by 1")
    assert len(metrics) > 50
    unmeasured = [m["metric_name"] for m in metrics if m["n"] == 0]
    assert unmeasured == []
    assert one(warehouse, "select count(distinct team_id) from fct_team_maturity") == TEAMS
    assert one(warehouse, "select count(distinct maturity_level) from fct_team_maturity") >= 2
    new_month = appended["states"][0]["latest_day"] + timedelta(days=1)
    queries = one(warehouse, f"select sum(llm_queries) from fct_governance_ethics "
                             f"where period_start = date '{new_month:%Y-%m-01}'")
    assert queries > 0
    # the injected mess is quarantined: rejected, flagged and duplicate rows of the kinds generated
    reasons = {r["reason"] for r in query(warehouse, "select distinct reason from fct_quarantined_rows")}
    for expected in ("unknown_service", "unknown_request", "unknown_deployment", "non_finite:drift_score",
                     "implausible_timestamp:started_at", "bad_clock:first_token_at_before_started_at",
                     "negative_tokens:output_tokens", "unknown_enum_value:status", "duplicate_of_kept_row"):
        assert expected in reasons, expected

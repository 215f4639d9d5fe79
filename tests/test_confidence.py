"""Issue 15 items 3, 4 and 7 on the demo data: the 95 % intervals of fct_team_metrics against scipy
(Wilson score intervals of the proportions, order-statistic intervals of the medians from the
event-grain values), and the linkage shares and last events of fct_team_data_coverage against an
independent computation from the staged raw rows. The insufficient-data rule and the confidence
rule have dbt unit tests (models/marts/maturity/_maturity__models.yml)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from scipy.stats import binom, binomtest

from conftest import DemoWarehouse
from harness import query

MEDIAN_SOURCES = {
    # metric → (event-grain relation, value column, period column, filter), as its cluster mart reads them
    "change_lead_time_median_hours": ("int_changes_lead_time", "lead_time_hours", "period_start", "true"),
    "detect_to_report_median_hours": ("int_incidents_restored", "detect_to_report_hours", "detected_period_start", "true"),
    "time_to_restore_median_hours": (
        "int_incidents_restored", "restore_hours", "resolved_period_start", "resolved_period_start is not null",
    ),
    "failed_deployment_recovery_median_hours": (
        "int_deployments_classified", "recovery_hours", "period_start", "is_dora_deployment and is_failed",
    ),
}
PROPORTIONS = ["change_fail_rate", "pipeline_deploy_share", "reproducible_run_share", "trace_id_coverage", "llm_error_rate"]


def median_interval(values: list[float]) -> tuple[float | None, float | None]:
    """Distribution-free 95 % interval of the median: [x(k), x(n + 1 − k)], k the largest rank with
    P(B ≤ k − 1) ≤ 0.025 for B ~ Binomial(n, 1/2) (scipy's binomial cdf); none for small n."""
    ordered = sorted(values)
    n = len(ordered)
    ranks = [k for k in range(1, n + 1) if binom.cdf(k - 1, n, 0.5) <= 0.025]
    if not ranks:
        return None, None
    k = max(ranks)
    return ordered[k - 1], ordered[n - k]


def metric_rows(demo: DemoWarehouse, metric: str) -> dict[tuple[str, date], dict[str, Any]]:
    rows = query(demo.db_path, f"select * from fct_team_metrics where metric_name = '{metric}'")
    return {(row["team_id"], row["period_start"]): row for row in rows}


def test_order_statistic_ranks_by_hand() -> None:
    # n = 10: P(B ≤ 1) = 11/1024 ≤ 0.025 < P(B ≤ 2) = 56/1024 → [x(2), x(9)]; n = 5: 1/32 > 0.025 → none
    assert median_interval([float(v) for v in range(10, 0, -1)]) == (2.0, 9.0)
    assert median_interval([1.0, 2.0, 3.0, 4.0, 5.0]) == (None, None)
    assert median_interval([6.0, 1.0, 2.0, 3.0, 4.0, 5.0]) == (1.0, 6.0)


@pytest.mark.parametrize("metric", sorted(MEDIAN_SOURCES))
def test_median_intervals_match_scipy_order_statistics(demo_warehouse: DemoWarehouse, metric: str) -> None:
    relation, value, period, condition = MEDIAN_SOURCES[metric]
    events = query(
        demo_warehouse.db_path,
        f"select team_id, {period} as period_start, {value} as value from {relation} "
        f"where {value} is not null and {condition}",
    )
    values: dict[tuple[str, date], list[float]] = defaultdict(list)
    for event in events:
        values[(event["team_id"], event["period_start"])].append(float(event["value"]))
    rows = metric_rows(demo_warehouse, metric)
    defined = 0
    for key, row in rows.items():
        expected = median_interval(values.get(key, []))
        assert row["sample_size"] == len(values.get(key, [])), (metric, key)
        if expected[0] is None:
            assert (row["ci_low"], row["ci_high"]) == (None, None), (metric, key)
            continue
        defined += 1
        assert row["ci_low"] == pytest.approx(expected[0], abs=1e-9), (metric, key)
        assert row["ci_high"] == pytest.approx(expected[1], abs=1e-9), (metric, key)
        assert row["ci_low"] <= row["metric_value"] <= row["ci_high"]
    assert defined > 0, f"no {metric} with 6 or more values in the demo"


@pytest.mark.parametrize("metric", PROPORTIONS)
def test_wilson_intervals_match_scipy(demo_warehouse: DemoWarehouse, metric: str) -> None:
    rows = metric_rows(demo_warehouse, metric)
    compared = 0
    for key, row in rows.items():
        n = row["sample_size"]
        if row["metric_value"] is None or not n:
            assert (row["ci_low"], row["ci_high"]) == (None, None), (metric, key)
            continue
        successes = round(row["metric_value"] * n)
        assert math.isclose(successes / n, row["metric_value"], abs_tol=1e-12)
        interval = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert row["ci_low"] == pytest.approx(interval.low, abs=1e-9), (metric, key)
        assert row["ci_high"] == pytest.approx(interval.high, abs=1e-9), (metric, key)
        compared += 1
    assert compared > 0


def test_counts_scores_and_percentiles_have_no_interval(demo_warehouse: DemoWarehouse) -> None:
    rows = query(
        demo_warehouse.db_path,
        "select unit, count(*) as n from fct_team_metrics "
        "where ci_low is not null or ci_high is not null group by unit order by unit",
    )
    units = {row["unit"] for row in rows}
    # proportions and medians (durations); the demo's rollbacks never reach 6 in a month, so no minutes
    assert {"ratio", "hours", "days"} <= units <= {"ratio", "hours", "days", "minutes"}
    unsized = query(
        demo_warehouse.db_path, "select count(*) as n from fct_team_metrics where ci_low is not null and sample_size is null"
    )
    assert unsized[0]["n"] == 0


def test_deployment_and_incident_link_shares_match_the_staged_rows(demo_warehouse: DemoWarehouse) -> None:
    deployments = query(
        demo_warehouse.db_path,
        "select team_id, finished_at, "
        "deployment_id in (select deployment_id from stg_ai_maturity_raw__deployment_changes) as linked "
        "from stg_ai_maturity_raw__deployments where environment = 'production' and not is_rollback and status != 'cancelled'",
    )
    incidents = query(
        demo_warehouse.db_path,
        "select team_id, detected_at, caused_by_deployment_id is not null as linked from stg_ai_maturity_raw__incidents",
    )
    coverage = {
        (row["team_id"], row["period_start"]): row
        for row in query(demo_warehouse.db_path, "select * from fct_team_data_coverage")
    }

    def shares(rows: list[dict[str, Any]], at: str) -> dict[tuple[str, date], tuple[int, int]]:
        counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            key = (row["team_id"], row[at].date().replace(day=1))
            counts[key][0] += int(row["linked"])
            counts[key][1] += 1
        return {key: (linked, total) for key, (linked, total) in counts.items()}

    for column, expected in (
        ("change_linked_deployment_share", shares(deployments, "finished_at")),
        ("deployment_linked_incident_share", shares(incidents, "detected_at")),
    ):
        for key, row in coverage.items():
            linked, total = expected.get(key, (0, 0))
            assert row[f"{column}_n"] == total, (column, key)
            if total == 0:
                assert row[column] is None, (column, key)
            else:
                assert row[column] == pytest.approx(linked / total), (column, key)
        assert set(expected) <= set(coverage), column
    # the demo links most but not all production deployments to changes
    shares_seen = [
        row["change_linked_deployment_share"] for row in coverage.values() if row["change_linked_deployment_share"] is not None
    ]
    assert any(0 < share < 1 for share in shares_seen)


def test_llm_evaluation_share_matches_the_staged_rows(demo_warehouse: DemoWarehouse) -> None:
    rows = query(
        demo_warehouse.db_path,
        "select team_id, started_at, coalesce(request_id in "
        "(select request_id from stg_ai_maturity_raw__llm_evaluations where request_id is not null), false) as evaluated "
        "from stg_ai_maturity_raw__llm_requests where environment = 'production' or environment is null",
    )
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        key = (row["team_id"], row["started_at"].date().replace(day=1))
        counts[key][0] += int(row["evaluated"])
        counts[key][1] += 1
    coverage = query(demo_warehouse.db_path, "select * from fct_team_data_coverage where evaluated_llm_request_share_n > 0")
    assert coverage
    for row in coverage:
        evaluated, total = counts[(row["team_id"], row["period_start"])]
        assert row["evaluated_llm_request_share_n"] == total
        assert row["evaluated_llm_request_share"] == pytest.approx(evaluated / total)


def test_last_event_is_the_latest_staged_event_up_to_the_period_end(demo_warehouse: DemoWarehouse) -> None:
    events = query(demo_warehouse.db_path, "select team_id, detected_at from stg_ai_maturity_raw__incidents")
    coverage = query(demo_warehouse.db_path, "select team_id, period_start, incidents_last_event_at from fct_team_data_coverage")
    for row in coverage:
        period_end = datetime.combine(row["period_start"], datetime.min.time())
        period_end = period_end.replace(year=period_end.year + (period_end.month == 12), month=period_end.month % 12 + 1)
        earlier = [e["detected_at"] for e in events if e["team_id"] == row["team_id"] and e["detected_at"] < period_end]
        assert row["incidents_last_event_at"] == (max(earlier) if earlier else None), (row["team_id"], row["period_start"])


def test_confidence_is_set_for_every_team_period(demo_warehouse: DemoWarehouse) -> None:
    rows = query(demo_warehouse.db_path, "select confidence, count(*) as n from fct_team_maturity group by confidence")
    assert {row["confidence"] for row in rows} <= {"high", "medium", "low"}
    assert sum(row["n"] for row in rows) == query(demo_warehouse.db_path, "select count(*) as n from fct_team_maturity")[0]["n"]

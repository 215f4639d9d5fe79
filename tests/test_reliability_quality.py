"""Reliability & quality (metrics.md §4) on a small hand-made dataset; every expected value is worked
out by hand in the comments beside it.

Two teams, monthly periods, January and February 2025:
- `ml` serves model `fraud` on svc_ml (SLO: availability 0.99, p95 ≤ 300 ms) and `ranker` on
  svc_ml2 (no SLO), monitors drift and rolls back fast;
- `hand` serves `churn` on svc_hand (no SLO) and monitors nothing itself.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness import build_dataset, deployment_row, failures, query, run_dbt, team_period_row

T0 = "2024-12-01 00:00:00"
LOADED = "2025-03-01 00:00:00"
SELECT = [
    "--select", "+fct_reliability_quality", "+dim_teams", "+fct_quarantined_rows", "+fct_raw_row_accounting",
    "--indirect-selection", "cautious",
]


def window(service_id: str, model_name: str | None, window_start: str, request_count: int, error_count: int,
           latency_p95_ms: float) -> dict[str, Any]:
    """A one-hour inference window."""
    return {
        "service_id": service_id,
        "model_name": model_name,
        "window_start": window_start,
        "window_end": window_start.replace(" 00:", " 01:"),
        "request_count": request_count,
        "error_count": error_count,
        "latency_p95_ms": latency_p95_ms,
        "_loaded_at": LOADED,
    }


def deployment(deployment_id: str, service_id: str, finished_at: str, **extra: Any) -> dict[str, Any]:
    return deployment_row(deployment_id, service_id, finished_at, **{"artifact_type": "model", "_loaded_at": LOADED, **extra})


def rollback(deployment_id: str, service_id: str, finished_at: str, target: str | None,
             **extra: Any) -> dict[str, Any]:
    return deployment(deployment_id, service_id, finished_at, is_rollback=True, rollback_of_deployment_id=target,
                      trigger="automated", **extra)


def request(request_id: str, started_at: str, status: str, environment: str | None) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "team_id": "ml",
        "feature_name": "assist",
        "environment": environment,
        "provider_name": "openai",
        "request_model": "gpt-4o",
        "prompt_hash": "p1",
        "started_at": started_at,
        "ended_at": started_at,
        "input_tokens": 10,
        "output_tokens": 10,
        "cost_usd": 0.01,
        "status": status,
        "_loaded_at": LOADED,
    }


RAW: dict[str, list[dict[str, Any]]] = {
    "teams": [
        {"team_id": "ml", "team_name": "Automated ML"},
        {"team_id": "hand", "team_name": "Manual ML"},
    ],
    "service_ownership": [
        {"service_id": "svc_ml", "team_id": "ml", "valid_from": T0},
        {"service_id": "svc_ml2", "team_id": "ml", "valid_from": T0},
        {"service_id": "svc_hand", "team_id": "hand", "valid_from": T0},
    ],
    "slo_targets": [
        {"service_id": "svc_ml", "sli": "availability", "objective": 0.99, "slo_class": "p2"},
        {"service_id": "svc_ml", "sli": "Latency_P95_ms", "objective": 300.0},
    ],
    "inference_windows": [
        # ml January on svc_ml: w1 meets both (0.995, 250 ms); w2 misses availability (0.98) only;
        # w3 misses latency (450 ms) only; w4 has no requests; w5 (svc_ml2, no SLO) only counts
        # for stability and coverage
        window("svc_ml", "fraud", "2025-01-10 00:00:00", 1000, 5, 250.0),
        window("svc_ml", "fraud", "2025-01-11 00:00:00", 1000, 20, 250.0),
        window("svc_ml", "fraud", "2025-01-12 00:00:00", 500, 0, 450.0),
        window("svc_ml", "fraud", "2025-01-13 00:00:00", 0, 0, 0.0),
        window("svc_ml2", "ranker", "2025-01-14 00:00:00", 100, 0, 250.0),
        # more errors than requests: rejected
        window("svc_ml", "fraud", "2025-01-15 00:00:00", 10, 20, 250.0),
        # ml February: one window meeting both (0.999, 280 ms)
        window("svc_ml", "fraud", "2025-02-05 00:00:00", 2000, 2, 280.0),
        # hand: no SLO; p95 900, 1000, 1100 in January, 1000 in February
        window("svc_hand", "churn", "2025-01-05 00:00:00", 100, 1, 900.0),
        window("svc_hand", "churn", "2025-01-06 00:00:00", 100, 1, 1000.0),
        window("svc_hand", "churn", "2025-01-07 00:00:00", 100, 1, 1100.0),
        window("svc_hand", "churn", "2025-02-12 00:00:00", 50, 0, 1000.0),
    ],
    "drift_checks": [
        {"check_id": "dc_j", "team_id": "ml", "model_name": "fraud", "checked_at": "2025-01-20 00:00:00",
         "drift_detected": False},
        {"check_id": "dc_f", "team_id": "ml", "model_name": "fraud", "checked_at": "2025-02-03 00:00:00",
         "drift_detected": True},
        # ml checks hand's model in February: coverage counts checks by any team
        {"check_id": "dc_x", "team_id": "ml", "model_name": "churn", "checked_at": "2025-02-15 00:00:00",
         "drift_detected": False},
    ],
    "deployments": [
        deployment("d1", "svc_ml", "2025-01-20 12:00:00", status="failed"),
        rollback("rb1", "svc_ml", "2025-01-20 14:00:00", "d1"),  # 120 min
        deployment("d2", "svc_ml", "2025-01-25 10:00:00"),
        rollback("rb2", "svc_ml", "2025-01-25 10:30:00", "d2"),  # 30 min
        rollback("rb_stg", "svc_ml", "2025-01-25 11:00:00", "d2", environment="staging"),  # not production
        deployment("d3", "svc_ml", "2025-02-02 10:00:00"),
        rollback("rb3", "svc_ml", "2025-02-02 10:45:00", "d3"),  # 45 min
        deployment("hd1", "svc_hand", "2025-01-04 10:00:00", trigger="manual"),
        rollback("rb5", "svc_hand", "2025-01-04 09:00:00", "hd1"),  # finishes before its target: bad clock
        rollback("rb4", "svc_hand", "2025-01-06 10:00:00", None),  # names no target
        deployment("hd2", "svc_hand", "2025-02-11 10:00:00", trigger="manual"),
        rollback("rb6", "svc_hand", "2025-02-11 12:00:00", "hd2", status="failed"),  # not successful
        deployment("hd_cx", "svc_hand", "2025-02-12 10:00:00", status="cancelled"),
        rollback("rb7", "svc_hand", "2025-02-12 11:00:00", "hd_cx"),  # target not a production deployment
    ],
    "llm_requests": [
        request("q1", "2025-01-10 10:00:00", "ok", "production"),
        request("q2", "2025-01-10 11:00:00", "error", "production"),
        request("q3", "2025-01-10 12:00:00", "timeout", None),
        request("q4", "2025-01-10 13:00:00", "error", "staging"),
        request("q5", "2025-01-10 14:00:00", "refused", "production"),
        request("q6", "2025-02-10 10:00:00", "ok", "PRODUCTION"),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("reliability_quality"), RAW, ["build", *SELECT])


def mart_row(db_path: Path, team_id: str, period: str) -> dict[str, Any]:
    return team_period_row(db_path, "fct_reliability_quality", team_id, period)


def test_automated_team_january(built: Path) -> None:
    row = mart_row(built, "ml", "2025-01-01")
    # SLO-evaluated: w1 w2 w3 (w4 no requests, w5 no SLO, the bad window rejected); w1 meets both
    assert row["sla_adherence"] == pytest.approx(1 / 3)
    assert row["sla_adherence_n"] == 3
    # p95 of windows with requests: 250 250 450 250 -> mean 300, sample variance
    # (50² + 50² + 150² + 50²) / 3 = 30000 / 3 = 10000 -> sd 100 -> 1 − 100/300
    assert row["latency_p95_stability"] == pytest.approx(2 / 3)
    # models serving traffic: fraud, ranker; fraud checked in January (dc_j, no drift still counts)
    assert row["drift_monitoring_coverage"] == pytest.approx(0.5)
    assert row["drift_monitoring_coverage_n"] == 2
    # rollbacks rb1 120 min, rb2 30 min (rb_stg is not production) -> median 75
    assert row["rollback_speed_median_minutes"] == pytest.approx(75.0)
    assert row["rollback_speed_median_minutes_n"] == 2
    # in scope q1 q2 q3 q5 (q4 staging); errors q2 (error), q3 (timeout); q5 refused is not an error
    assert row["llm_error_rate"] == pytest.approx(0.5)
    assert row["llm_error_rate_n"] == 4


def test_automated_team_february(built: Path) -> None:
    row = mart_row(built, "ml", "2025-02-01")
    # one window, meets both
    assert row["sla_adherence"] == 1.0
    assert row["sla_adherence_n"] == 1
    # fewer than 2 windows
    assert row["latency_p95_stability"] is None
    # fraud checked in February (dc_f)
    assert row["drift_monitoring_coverage"] == 1.0
    assert row["drift_monitoring_coverage_n"] == 1
    # rb3: 45 min
    assert row["rollback_speed_median_minutes"] == pytest.approx(45.0)
    assert row["rollback_speed_median_minutes_n"] == 1
    # q6 ("PRODUCTION" folds to production), ok
    assert row["llm_error_rate"] == 0.0
    assert row["llm_error_rate_n"] == 1


def test_manual_team(built: Path) -> None:
    jan = mart_row(built, "hand", "2025-01-01")
    # no SLO targets: no evaluated window
    assert jan["sla_adherence"] is None
    assert jan["sla_adherence_n"] == 0
    # p95 900 1000 1100 -> mean 1000, sd 100 -> 0.9
    assert jan["latency_p95_stability"] == pytest.approx(0.9)
    # churn serves traffic, nobody checks it in January
    assert jan["drift_monitoring_coverage"] == 0.0
    assert jan["drift_monitoring_coverage_n"] == 1
    # rb5 bad clock, rb4 names no target: no speed
    assert jan["rollback_speed_median_minutes"] is None
    assert jan["rollback_speed_median_minutes_n"] == 0
    # no LLM requests
    assert jan["llm_error_rate"] is None
    assert jan["llm_error_rate_n"] == 0
    feb = mart_row(built, "hand", "2025-02-01")
    # dc_x: team ml checked churn in February
    assert feb["drift_monitoring_coverage"] == 1.0
    assert feb["latency_p95_stability"] is None
    # rb6 failed, rb7's target was cancelled
    assert feb["rollback_speed_median_minutes"] is None
    assert feb["rollback_speed_median_minutes_n"] == 0


def test_window_verdicts(built: Path) -> None:
    rows = query(
        built,
        "select service_id, window_start, meets_availability_objective as a, meets_latency_objective as l, meets_slo "
        "from int_inference_windows_slo_checked where service_id = 'svc_ml' and period_start = date '2025-01-01' "
        "order by window_start",
    )
    assert [(r["a"], r["l"], r["meets_slo"]) for r in rows] == [
        (True, True, True),  # 0.995 >= 0.99, 250 <= 300
        (False, True, False),  # 0.98
        (True, False, False),  # 450 ms
        (None, None, None),  # no requests
    ]


def test_spine_rows(built: Path) -> None:
    rows = query(built, "select team_id, period_start from fct_reliability_quality order by 1, 2")
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    assert [(r["team_id"], r["period_start"]) for r in rows] == [("hand", jan), ("hand", feb), ("ml", jan), ("ml", feb)]


def test_bad_window_is_quarantined(built: Path) -> None:
    rows = query(
        built,
        "select row_key, issue_type, reason from fct_quarantined_rows where source_table = 'inference_windows'",
    )
    assert len(rows) == 1
    assert rows[0]["row_key"].startswith("svc_ml|fraud|2025-01-15")
    assert (rows[0]["issue_type"], rows[0]["reason"]) == ("rejected", "errors_exceed_requests")
    accounting = query(built, "select * from fct_raw_row_accounting where source_table = 'inference_windows'")[0]
    # 11 delivered, 10 staged, 1 rejected
    assert (accounting["raw_rows"], accounting["staged_rows"], accounting["rejected_rows"]) == (11, 10, 1)


def test_switched_off_tables_give_null_metrics(built: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(built, db_path)
    result = run_dbt(
        ["run", "--select", "+fct_reliability_quality", "--full-refresh"],  # a switched table needs a full refresh
        db_path,
        tmp_path,
        dbt_vars={"ai_maturity__slo_targets_enabled": False, "ai_maturity__llm_requests_enabled": False},
    )
    assert not failures(result), failures(result)
    row = mart_row(db_path, "ml", "2025-01-01")
    for column in ["sla_adherence", "sla_adherence_n", "llm_error_rate", "llm_error_rate_n"]:
        assert row[column] is None, column
    # inference windows and drift checks are still on
    assert row["latency_p95_stability"] == pytest.approx(2 / 3)
    assert row["drift_monitoring_coverage"] == pytest.approx(0.5)
    assert row["rollback_speed_median_minutes"] == pytest.approx(75.0)

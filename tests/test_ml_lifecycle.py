"""ML lifecycle (metrics.md §2) on a small hand-made dataset; every expected value is worked out by
hand in the comments beside it.

Two teams, monthly periods, January and February 2025:
- `ml` trains model `fraud` through pipelines, with tracking, drift monitoring and canary releases;
- `hand` trains model `churn` by hand, without tracking or drift monitoring.
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
# this cluster and what its tests need; fct_team_metrics (every cluster mart) is run on its own below
SELECT = [
    "--select", "+fct_ml_lifecycle", "+dim_teams", "+fct_quarantined_rows", "+fct_raw_row_accounting",
    "--indirect-selection", "cautious",
]


def run(run_id: str, team_id: str, model_name: str, trigger_type: str, triggered_at: str, started_at: str,
        ended_at: str | None, status: str = "finished", lineage: bool = True, **extra: Any) -> dict[str, Any]:
    """A training run; `lineage` = git commit, dataset digest, params and metrics all logged."""
    row: dict[str, Any] = {
        "run_id": run_id,
        "team_id": team_id,
        "model_name": model_name,
        "trigger_type": trigger_type,
        "triggered_at": triggered_at,
        "started_at": started_at,
        "ended_at": ended_at,
        "status": status,
        "_loaded_at": LOADED,
    }
    if lineage:
        row.update(git_commit=f"sha_{run_id}", dataset_digest=f"ds_{run_id}", params_logged=True, metrics_logged=True)
    row.update(extra)
    return row


def check(check_id: str, team_id: str, model_name: str, checked_at: str, drift_detected: bool,
          **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "check_id": check_id,
        "team_id": team_id,
        "model_name": model_name,
        "checked_at": checked_at,
        "drift_detected": drift_detected,
        "_loaded_at": LOADED,
    }
    row.update(extra)
    return row


def deployment(deployment_id: str, service_id: str, finished_at: str, **extra: Any) -> dict[str, Any]:
    return deployment_row(deployment_id, service_id, finished_at, **{"artifact_type": "model", "_loaded_at": LOADED, **extra})


RAW = {
    "teams": [
        {"team_id": "ml", "team_name": "Automated ML"},
        {"team_id": "hand", "team_name": "Manual ML"},
    ],
    "service_ownership": [
        {"service_id": "svc_ml", "team_id": "ml", "valid_from": T0},
        {"service_id": "svc_hand", "team_id": "hand", "valid_from": T0},
    ],
    "training_runs": [
        # r1: retrain 5 h (00:00 -> 05:00), lag 24 h, reproducible, gated (passed)
        run("r1", "ml", "fraud", "schedule", "2025-01-05 00:00:00", "2025-01-05 01:00:00", "2025-01-05 05:00:00",
            data_snapshot_at="2025-01-04 01:00:00", eval_gate_passed=True),
        # r2: answers drift alert dc1 explicitly; retrain 7 h (02:00 -> 09:00), lag 3 h, gated (failed)
        run("r2", "ml", "fraud", "data_drift", "2025-01-10 02:00:00", "2025-01-10 03:00:00", "2025-01-10 09:00:00",
            data_snapshot_at="2025-01-10 00:00:00", eval_gate_passed=False, drift_check_id="dc1"),
        # r3: starts in January, ends in February; no git commit (not reproducible), no gate;
        # retrain 01-20 00:00 -> 02-01 02:00 = 12 d 2 h = 290 h; fallback answer to dc2
        run("r3", "ml", "fraud", "performance_degradation", "2025-01-20 00:00:00", "2025-01-20 06:00:00",
            "2025-02-01 02:00:00", git_commit=None),
        # r4: ends before it starts (flagged, null retrain time); metrics not logged; gated
        run("r4", "ml", "fraud", "ci", "2025-01-25 00:00:00", "2025-01-25 10:00:00", "2025-01-25 08:00:00",
            metrics_logged=None, eval_gate_passed=True),
        # r5: failed, never a finished run; its data snapshot is after its start (a bad clock, nulled)
        run("r5", "ml", "fraud", "SCHEDULE", "2025-01-28 00:00:00", "2025-01-28 00:00:00", "2025-01-28 01:00:00",
            status="failed", data_snapshot_at="2025-01-29 00:00:00"),
        # the manual team: no lineage, no gate
        run("h1", "hand", "churn", "manual", "2025-01-03 00:00:00", "2025-01-03 00:00:00", "2025-01-03 10:00:00",
            lineage=False),
        run("h2", "hand", "churn", "manual", "2025-02-10 00:00:00", "2025-02-10 00:00:00", "2025-02-10 20:00:00",
            lineage=False),
    ],
    "drift_checks": [
        check("dc4", "ml", "fraud", "2025-01-05 00:00:00", False),
        # alert, explicitly answered by r2 (started 3 h later) although r2 is also a fallback candidate
        check("dc1", "ml", "fraud", "2025-01-10 00:00:00", True, severity="HIGH"),
        # alert, no explicit link: first data_drift/performance_degradation run of ml/fraud within
        # 14 days is r3 (01-20 06:00) -> 54 h (r4 is `ci`, r2 started before the alert)
        check("dc2", "ml", "fraud", "2025-01-18 00:00:00", True),
        # a false positive: not an alert
        check("dc3", "ml", "fraud", "2025-01-25 00:00:00", True, is_false_positive=True),
        # February alert that nothing answers
        check("dc5", "ml", "fraud", "2025-02-01 00:00:00", True),
        # a check for an unknown team: rejected
        check("dc_bad", "nobody", "fraud", "2025-01-12 00:00:00", True),
    ],
    "deployments": [
        # ml January: md1, md3, md4 (md3 failed still counts: the §1 set keeps failures)
        deployment("md1", "svc_ml", "2025-01-11 10:00:00", training_run_id="r2", strategy="canary",
                   pre_deploy_eval_passed=True),
        deployment("md3", "svc_ml", "2025-01-20 12:00:00", training_run_id="r_missing", strategy="direct",
                   status="failed"),
        deployment("md4", "svc_ml", "2025-01-26 12:00:00", training_run_id="r1", strategy="direct", trigger="manual"),
        # a rollback, a code deployment, a cancelled one and a staging one are not model deployments
        deployment("rb2", "svc_ml", "2025-01-20 14:00:00", is_rollback=True, rollback_of_deployment_id="md3"),
        deployment("code1", "svc_ml", "2025-01-15 10:00:00", artifact_type="code"),
        deployment("cx1", "svc_ml", "2025-01-16 10:00:00", status="cancelled"),
        deployment("st1", "svc_ml", "2025-01-17 10:00:00", environment="staging"),
        # ml February: md2 from the non-reproducible r3, shadow, automated
        deployment("md2", "svc_ml", "2025-02-02 10:00:00", training_run_id="r3", strategy="shadow", trigger="automated"),
        # hand: manual, direct, untraceable
        deployment("hd1", "svc_hand", "2025-01-04 10:00:00", training_run_id="h1", strategy="direct", trigger="manual"),
        deployment("hd2", "svc_hand", "2025-02-11 10:00:00", trigger="manual"),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("ml_lifecycle"), RAW, ["build", *SELECT])


def mart_row(db_path: Path, team_id: str, period: str) -> dict[str, Any]:
    return team_period_row(db_path, "fct_ml_lifecycle", team_id, period)


def test_automated_team_january(built: Path) -> None:
    row = mart_row(built, "ml", "2025-01-01")
    # runs by started_at: r1 r2 r3 r4 r5, none manual ("SCHEDULE" folds to schedule)
    assert row["training_runs_count"] == 5
    assert row["automated_training_share"] == pytest.approx(1.0)
    assert row["automated_training_share_n"] == 5
    # finished runs by ended_at in January: r1, r2, r4 (r3 ends in February, r5 failed);
    # retrain 5 h, 7 h, r4 null (bad clock) -> median 6 over 2
    assert row["retrain_time_median_hours"] == pytest.approx(6.0)
    assert row["retrain_time_median_hours_n"] == 2
    # lags: r1 24 h, r2 3 h (r3 r4 no snapshot, r5's snapshot after its start is nulled) -> 13.5
    assert row["data_to_training_lag_median_hours"] == pytest.approx(13.5)
    assert row["data_to_training_lag_median_hours_n"] == 2
    # reproducible: r1, r2 (r4 did not log metrics) of 3 finished
    assert row["reproducible_run_share"] == pytest.approx(2 / 3)
    assert row["reproducible_run_share_n"] == 3
    # gated: r1 (passed), r2 (failed), r4 (passed) -> 3 of 3
    assert row["eval_gated_run_share"] == pytest.approx(1.0)
    assert row["eval_gated_run_share_n"] == 3
    # alerts: dc1, dc2 (dc3 false positive, dc4 no drift, dc_bad rejected)
    assert row["drift_alerts_count"] == 2
    # dc1 -> r2 3 h (explicit), dc2 -> r3 54 h (fallback) -> median 28.5
    assert row["drift_to_retrain_median_hours"] == pytest.approx(28.5)
    assert row["drift_to_retrain_median_hours_n"] == 2
    # both linked runs are data_drift / performance_degradation (not manual)
    assert row["drift_auto_retrain_share"] == pytest.approx(1.0)
    assert row["drift_auto_retrain_share_n"] == 2
    # model deployments md1 md3 md4 (rb2 rollback, code1 code, cx1 cancelled, st1 staging)
    assert row["model_deployments_count"] == 3
    # not manual: md1, md3 (md4 manual)
    assert row["model_deploy_automation_share"] == pytest.approx(2 / 3)
    assert row["model_deploy_automation_share_n"] == 3
    # progressive: md1 canary only
    assert row["progressive_model_deploy_share"] == pytest.approx(1 / 3)
    assert row["progressive_model_deploy_share_n"] == 3
    # traceable: md1 -> r2 and md4 -> r1 (reproducible); md3 names an unknown run
    assert row["model_traceability_share"] == pytest.approx(2 / 3)
    assert row["model_traceability_share_n"] == 3


def test_automated_team_february(built: Path) -> None:
    row = mart_row(built, "ml", "2025-02-01")
    # no run started in February: zero count, null share
    assert row["training_runs_count"] == 0
    assert row["automated_training_share"] is None
    assert row["automated_training_share_n"] == 0
    assert row["data_to_training_lag_median_hours"] is None
    # r3 ended 02-01: retrain 290 h, not reproducible, not gated
    assert row["retrain_time_median_hours"] == pytest.approx(290.0)
    assert row["retrain_time_median_hours_n"] == 1
    assert row["reproducible_run_share"] == 0.0
    assert row["eval_gated_run_share"] == 0.0
    assert row["eval_gated_run_share_n"] == 1
    # dc5: an alert nothing answers
    assert row["drift_alerts_count"] == 1
    assert row["drift_to_retrain_median_hours"] is None
    assert row["drift_to_retrain_median_hours_n"] == 0
    assert row["drift_auto_retrain_share"] == 0.0
    assert row["drift_auto_retrain_share_n"] == 1
    # md2: automated, shadow, trained by r3 (not reproducible)
    assert row["model_deployments_count"] == 1
    assert row["model_deploy_automation_share"] == 1.0
    assert row["progressive_model_deploy_share"] == 1.0
    assert row["model_traceability_share"] == 0.0


def test_manual_team(built: Path) -> None:
    jan = mart_row(built, "hand", "2025-01-01")
    # h1: manual, 10 h, no lineage, no gate
    assert jan["training_runs_count"] == 1
    assert jan["automated_training_share"] == 0.0
    assert jan["retrain_time_median_hours"] == pytest.approx(10.0)
    assert jan["reproducible_run_share"] == 0.0
    assert jan["eval_gated_run_share"] == 0.0
    # no drift monitoring: zero alerts, null link metrics
    assert jan["drift_alerts_count"] == 0
    assert jan["drift_to_retrain_median_hours"] is None
    assert jan["drift_auto_retrain_share"] is None
    assert jan["drift_auto_retrain_share_n"] == 0
    # hd1: manual, direct, trained by the untracked h1
    assert jan["model_deployments_count"] == 1
    assert (jan["model_deploy_automation_share"], jan["progressive_model_deploy_share"],
            jan["model_traceability_share"]) == (0.0, 0.0, 0.0)
    feb = mart_row(built, "hand", "2025-02-01")
    # h2: 20 h; hd2 has no strategy and no run
    assert feb["retrain_time_median_hours"] == pytest.approx(20.0)
    assert feb["model_deployments_count"] == 1
    assert (feb["progressive_model_deploy_share"], feb["model_traceability_share"]) == (0.0, 0.0)


def test_drift_links(built: Path) -> None:
    rows = query(
        built,
        "select check_id, is_drift_alert, link_type, linked_run_id from int_drift_checks_linked order by check_id",
    )
    assert [(r["check_id"], r["is_drift_alert"], r["link_type"], r["linked_run_id"]) for r in rows] == [
        ("dc1", True, "explicit", "r2"),
        ("dc2", True, "fallback", "r3"),
        ("dc3", False, None, None),  # false positive: ignored although r3/r4 follow it
        ("dc4", False, None, None),
        ("dc5", True, None, None),  # nothing of ml/fraud starts within 14 days after 02-01
    ]


def test_spine_rows(built: Path) -> None:
    rows = query(built, "select team_id, period_start from fct_ml_lifecycle order by 1, 2")
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    # hand's first event is h1 (01-03); the data ends in February (r3's ended_at does not extend it)
    assert [(r["team_id"], r["period_start"]) for r in rows] == [("hand", jan), ("hand", feb), ("ml", jan), ("ml", feb)]


def test_bad_input_is_quarantined(built: Path) -> None:
    rows = query(
        built,
        "select source_table, row_key, issue_type, reason from fct_quarantined_rows "
        "where source_table in ('training_runs', 'drift_checks') order by source_table, row_key",
    )
    assert [(r["source_table"], r["row_key"], r["issue_type"]) for r in rows] == [
        ("drift_checks", "dc_bad", "rejected"),
        ("training_runs", "r4", "flagged"),
        ("training_runs", "r5", "flagged"),
    ]
    assert rows[0]["reason"] == "unknown_team"
    assert "bad_clock:ended_at_before_started_at" in rows[1]["reason"]
    assert "bad_clock:data_snapshot_after_start" in rows[2]["reason"]
    # the flagged run stays staged, its retrain time null
    r4 = query(built, "select is_finished, has_bad_clock, retrain_time_hours from int_training_runs_timed "
                      "where run_id = 'r4'")
    assert r4 == [{"is_finished": True, "has_bad_clock": True, "retrain_time_hours": None}]
    # 6 drift checks delivered: 5 staged + 1 rejected
    accounting = query(built, "select * from fct_raw_row_accounting where source_table = 'drift_checks'")[0]
    assert (accounting["raw_rows"], accounting["staged_rows"], accounting["rejected_rows"]) == (6, 5, 1)


def test_team_metrics_long_form(built: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(built, db_path)
    # models and seeds only: the other clusters' tests are theirs to run
    result = run_dbt(
        ["build", "--select", "+fct_team_metrics", "--resource-type", "model", "--resource-type", "seed"],
        db_path,
        tmp_path,
    )
    assert not failures(result), failures(result)
    rows = query(
        db_path,
        "select metric_name, metric_value, unit, sample_size, cluster from fct_team_metrics "
        "where team_id = 'ml' and period_start = date '2025-01-01' and cluster = 'ml_lifecycle'",
    )
    by_name = {r["metric_name"]: r for r in rows}
    # all 13 metrics of §2
    assert len(by_name) == 13
    assert by_name["drift_to_retrain_median_hours"]["metric_value"] == pytest.approx(28.5)
    assert by_name["drift_to_retrain_median_hours"]["sample_size"] == 2
    assert by_name["drift_to_retrain_median_hours"]["unit"] == "hours"
    assert by_name["model_traceability_share"]["unit"] == "ratio"
    assert by_name["model_traceability_share"]["sample_size"] == 3
    assert by_name["training_runs_count"]["metric_value"] == 5
    assert by_name["training_runs_count"]["sample_size"] is None


def test_switched_off_tables_give_null_metrics(built: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(built, db_path)
    result = run_dbt(
        ["run", "--select", "+fct_ml_lifecycle", "--full-refresh"],  # a switched table needs a full refresh
        db_path,
        tmp_path,
        dbt_vars={"ai_maturity__training_runs_enabled": False, "ai_maturity__drift_checks_enabled": False},
    )
    assert not failures(result), failures(result)
    row = mart_row(db_path, "ml", "2025-01-01")
    for column in ["training_runs_count", "automated_training_share", "automated_training_share_n",
                   "retrain_time_median_hours", "reproducible_run_share", "drift_alerts_count",
                   "drift_to_retrain_median_hours", "drift_auto_retrain_share", "model_traceability_share",
                   "model_traceability_share_n"]:
        assert row[column] is None, column
    # deployments are required: the deployment metrics stay (md1 md3 md4)
    assert row["model_deployments_count"] == 3
    assert row["progressive_model_deploy_share"] == pytest.approx(1 / 3)

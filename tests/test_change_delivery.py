"""Change delivery (metrics.md §1) on a small hand-made dataset; every expected value is worked out
by hand in the comments beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness import build_dataset, deployment_row, query, team_period_row

T0 = "2025-01-01 00:00:00"

RAW = {
    "teams": [
        {"team_id": "team_a", "team_name": "Team A"},
        {"team_id": "team_b", "team_name": "Team B"},
    ],
    "service_ownership": [
        {"service_id": "svc_a", "team_id": "team_a", "valid_from": T0},
        {"service_id": "svc_a2", "team_id": "team_a", "valid_from": T0},
        {"service_id": "svc_b", "team_id": "team_b", "valid_from": T0},
    ],
    "deployments": [
        deployment_row("d1", "svc_a", "2025-01-06 10:00:00"),
        # an older delivery of d1 that said "failed": the later _loaded_at wins
        deployment_row("d1", "svc_a", "2025-01-06 10:00:00", status="failed", _loaded_at="2025-03-01 00:00:00"),
        deployment_row("d2", "svc_a", "2025-01-10 12:00:00", status="failed"),
        deployment_row("d3", "svc_a", "2025-01-10 14:00:00", trigger="MANUAL", is_unplanned=True),
        deployment_row("d4", "svc_a", "2025-01-15 09:00:00"),
        deployment_row("r1", "svc_a", "2025-01-15 09:30:00", is_rollback=True, rollback_of_deployment_id="d4"),
        deployment_row("d5", "svc_a", "2025-01-20 10:00:00", status="rolled_back", trigger="automated"),
        deployment_row("r2", "svc_a", "2025-01-20 11:00:00", is_rollback=True, rollback_of_deployment_id="d5"),
        deployment_row("d6", "svc_a", "2025-01-21 10:00:00", status="cancelled"),
        deployment_row("d7", "svc_a", "2025-01-22 10:00:00", environment="staging"),
        deployment_row("d8", "svc_a2", "2025-01-28 10:00:00", status="failed", trigger="manual"),
        deployment_row("d9", "svc_a", "2025-02-03 10:00:00"),
        deployment_row("d10", "svc_b", "2025-01-08 10:00:00"),
        deployment_row("d11", "svc_b", "2025-03-05 10:00:00"),
        deployment_row("d12", "svc_unknown", "2025-01-09 10:00:00"),
        deployment_row("d13", "svc_a", "2025-01-09 11:00:00", status="succeeded"),
    ],
    "changes": [
        {"change_id": "c1", "service_id": "svc_a", "first_commit_at": "2025-01-05 10:00:00"},
        {"change_id": "c2", "service_id": "svc_a", "first_commit_at": "2025-01-04 10:00:00"},
        {"change_id": "c7", "service_id": "svc_a", "first_commit_at": "2025-01-06 08:00:00"},
        {"change_id": "c3", "service_id": "svc_a", "first_commit_at": "2025-01-09 12:00:00"},
        {"change_id": "c4", "service_id": "svc_a", "first_commit_at": "2025-01-10 08:00:00"},
        {"change_id": "c5", "service_id": "svc_a", "first_commit_at": "2025-01-14 13:00:00"},
        {"change_id": "c6", "service_id": "svc_a", "first_commit_at": "2025-01-16 00:00:00"},
    ],
    "deployment_changes": [
        {"deployment_id": "d1", "change_id": "c1"},
        {"deployment_id": "d1", "change_id": "c2"},
        {"deployment_id": "d1", "change_id": "c7"},
        {"deployment_id": "d2", "change_id": "c3"},
        {"deployment_id": "d3", "change_id": "c3"},
        {"deployment_id": "d3", "change_id": "c4"},
        {"deployment_id": "d4", "change_id": "c5"},
        {"deployment_id": "d4", "change_id": "c6"},
    ],
    "incidents": [
        {"incident_id": "i1", "service_id": "svc_a", "severity": "sev2", "started_at": "2025-01-15 08:50:00",
         "detected_at": "2025-01-15 08:55:00", "resolved_at": "2025-01-15 10:00:00",
         "detection_source": "automated", "caused_by_deployment_id": "d4"},
        {"incident_id": "i2", "service_id": "svc_a", "severity": "sev1", "started_at": "2025-01-20 10:30:00",
         "detected_at": "2025-01-20 10:35:00", "resolved_at": "2025-01-20 16:00:00",
         "detection_source": "staff", "caused_by_deployment_id": "d5"},
        {"incident_id": "i3", "service_id": "svc_a", "severity": "sev3", "started_at": "2025-01-25 10:00:00",
         "detected_at": "2025-01-25 10:00:00", "detection_source": "customer"},
        # resolved before it started: a bad clock, left out of time to restore
        {"incident_id": "i4", "service_id": "svc_a", "severity": "sev4", "started_at": "2025-01-26 10:00:00",
         "detected_at": "2025-01-26 10:00:00", "resolved_at": "2025-01-26 09:00:00",
         "detection_source": "automated"},
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("change_delivery"), RAW, ["build"])


def mart_row(db_path: Path, team_id: str, period: str) -> dict[str, Any]:
    return team_period_row(db_path, "fct_change_delivery", team_id, period)


def test_team_a_january(built: Path) -> None:
    row = mart_row(built, "team_a", "2025-01-01")
    # DORA deployments: d1 d2 d3 d4 d5 d8 (r1, r2 rollbacks; d6 cancelled; d7 staging; d12/d13 rejected)
    assert row["deployments_count"] == 6
    assert row["deployment_frequency_per_week"] == pytest.approx(6 / (31 / 7))
    # trigger != manual: d1 d2 d4 d5 (d3 "MANUAL" folds to manual, d8 manual)
    assert row["pipeline_deploy_share"] == pytest.approx(4 / 6)
    assert row["pipeline_deploy_share_n"] == 6
    # successful DORA deployments on Jan 6 (d1), 10 (d3), 15 (d4)
    assert row["deploy_days_share"] == pytest.approx(3 / 31)
    # lead times (h): c1 24, c2 48, c7 2, c3 26 (first success d3, not the failed d2), c4 6, c5 20;
    # c6 committed after d4 finished: excluded. Sorted 2 6 20 24 26 48 -> (20 + 24) / 2
    assert row["change_lead_time_median_hours"] == pytest.approx(22.0)
    assert row["change_lead_time_median_hours_n"] == 6
    # failed: d2 (status), d4 (rollback r1 + incident i1), d5 (status + r2 + i2, once), d8 (status)
    assert row["change_fail_rate"] == pytest.approx(4 / 6)
    assert row["change_fail_rate_n"] == 6
    # recovery (h): d2 -> d3 2.0; d4 -> min(r1 09:30, i1 10:00) 0.5; d5 -> min(r2 11:00, i2 16:00) 1.0;
    # d8 on svc_a2 never recovers
    assert row["failed_deployment_recovery_median_hours"] == pytest.approx(1.0)
    assert row["failed_deployment_recovery_median_hours_n"] == 3
    assert row["unrecovered_failed_deployments"] == 1
    # resolved incidents: i1 70 min, i2 5.5 h; i3 open; i4 negative -> (70/60 + 5.5) / 2
    assert row["time_to_restore_median_hours"] == pytest.approx((70 / 60 + 5.5) / 2)
    assert row["time_to_restore_median_hours_n"] == 2
    # production, not cancelled, rollbacks included: d1 d2 d3 d4 r1 d5 r2 d8; rework: d3 r1 r2
    assert row["rework_rate"] == pytest.approx(3 / 8)
    assert row["rework_rate_n"] == 8
    # 2024 bands: 1.35/week high; 22 h elite; 0.67 low; 1 h high (1 <= x < 24)
    assert (
        row["deployment_frequency_band"],
        row["change_lead_time_band"],
        row["change_fail_rate_band"],
        row["failed_deployment_recovery_band"],
    ) == ("high", "elite", "low", "high")


def test_team_a_february_single_deployment(built: Path) -> None:
    row = mart_row(built, "team_a", "2025-02-01")
    assert row["deployments_count"] == 1
    assert row["deployment_frequency_per_week"] == pytest.approx(7 / 28)
    assert row["change_fail_rate"] == 0.0
    assert row["change_lead_time_median_hours"] is None
    assert row["change_lead_time_median_hours_n"] == 0
    assert row["failed_deployment_recovery_median_hours"] is None
    assert row["deployment_frequency_band"] == "medium"  # 0.25 >= 12/52
    assert row["change_fail_rate_band"] == "elite"
    assert row["failed_deployment_recovery_band"] is None


def test_quiet_month_is_a_row_of_zeros_and_nulls(built: Path) -> None:
    row = mart_row(built, "team_b", "2025-02-01")
    assert row["deployments_count"] == 0
    assert row["deployment_frequency_per_week"] == 0.0
    assert row["deployment_frequency_band"] == "low"
    for rate in ["pipeline_deploy_share", "change_fail_rate", "rework_rate", "change_lead_time_median_hours"]:
        assert row[rate] is None, rate
    assert row["change_fail_rate_band"] is None
    assert row["deploy_days_share"] == 0.0


def test_spine_runs_to_last_period_of_all_data(built: Path) -> None:
    rows = query(built, "select team_id, period_start from fct_change_delivery order by 1, 2")
    march, feb, jan = date(2025, 3, 1), date(2025, 2, 1), date(2025, 1, 1)
    assert [(r["team_id"], r["period_start"]) for r in rows] == [
        ("team_a", jan), ("team_a", feb), ("team_a", march),
        ("team_b", jan), ("team_b", feb), ("team_b", march),
    ]


def test_every_raw_row_is_accounted_for(built: Path) -> None:
    accounting = {r["source_table"]: r for r in query(built, "select * from fct_raw_row_accounting")}
    deployments = accounting["deployments"]
    # 16 delivered: d1 twice (1 duplicate), d12 unknown service and d13 unknown status rejected
    assert (
        deployments["raw_rows"], deployments["staged_rows"], deployments["duplicate_rows"], deployments["rejected_rows"]
    ) == (16, 13, 1, 2)
    for table, counts in accounting.items():
        staged = query(built, f"select count(*) as n from stg_ai_maturity_raw__{table}")[0]["n"]
        raw = query(built, f"select count(*) as n from raw.{table}")[0]["n"]
        assert counts["raw_rows"] == raw, table
        assert counts["staged_rows"] == staged, table
        assert staged + counts["rejected_rows"] + counts["duplicate_rows"] == raw, table


def test_quarantine_names_the_rejected_rows(built: Path) -> None:
    rows = query(
        built,
        "select row_key, issue_type, reason from fct_quarantined_rows "
        "where source_table = 'deployments' order by row_key",
    )
    assert [(r["row_key"], r["issue_type"], r["reason"]) for r in rows] == [
        ("d1", "duplicate", "duplicate_of_kept_row"),
        ("d12", "rejected", "unknown_service"),
        ("d13", "rejected", "unknown_enum_value:status"),
    ]
    incidents = query(
        built, "select row_key, issue_type, reason from fct_quarantined_rows where source_table = 'incidents'"
    )
    assert [(r["row_key"], r["issue_type"]) for r in incidents] == [("i4", "flagged")]
    assert "resolved_at_before_started_at" in incidents[0]["reason"]


def test_team_metrics_long_form_matches_the_mart(built: Path) -> None:
    rows = query(
        built,
        "select metric_name, metric_value, unit, sample_size, cluster from fct_team_metrics "
        "where team_id = 'team_a' and period_start = date '2025-01-01'",
    )
    by_name = {r["metric_name"]: r for r in rows}
    assert by_name["change_fail_rate"]["metric_value"] == pytest.approx(4 / 6)
    assert by_name["change_fail_rate"]["sample_size"] == 6
    assert by_name["change_fail_rate"]["unit"] == "ratio"
    assert by_name["change_fail_rate"]["cluster"] == "change_delivery"
    assert by_name["deployments_count"]["sample_size"] is None
    assert by_name["change_lead_time_median_hours"]["unit"] == "hours"

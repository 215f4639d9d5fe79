"""Hostile raw data across the whole raw contract gets an exact, documented answer (issue 12).

One shared hostile dataset (a module-scoped fixture, one `dbt build`) holds most cases on distinct
keys, all on team `team_h` (or on unknown teams); team `team_clean` only has clean rows. A baseline
build of the same clean rows without the hostile ones proves that the clean team's metrics do not
move. Each case asserts its exact outcome: the reason in `fct_quarantined_rows`, the row absent from
(or present in, with the spoiled field null) its staging model. Further checks: every table's
accounting balances to the expected counts, no mart holds NaN or infinity, no bad clock stretches
the spine. The few cases that need a build of their own: re-delivery winners on rerun and on
reversed load order, every optional table switched off (and `dbt source freshness` then), a missing
required table or column.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from harness import (
    PACKAGE_SCHEMAS_SQL,
    SCHEMAS,
    DbtResult,
    deployment_row,
    failures,
    query,
    raw_contract,
    run_dbt,
    write_raw_tables,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
T0 = "2025-01-01 00:00:00"
LOADED = "2025-03-01 00:00:00"
# deployment_row() rows are loaded at 2025-04-01 00:00:00: the clock-skew boundary is 24 h later
BOUNDARY = "2025-04-02 00:00:00"
NAN, INF = math.nan, math.inf
CLEAN, HOSTILE = "team_clean", "team_h"
UNICODE_TEAM = "tëam_☃'; drop table raw.teams; --"
UNICODE_NAME = 'Équipe «Ünïcødé» 🚀 "); delete from main.dim_teams; --'
SQL_FEATURE = "x'); delete from main.fct_team_metrics where ('1' = '1"
LONG_ID = "d_" + "x" * 5000
REQUIRED_TABLES = ("teams", "service_ownership", "changes", "deployments", "deployment_changes", "incidents")
OPTIONAL_TABLES = tuple(table for table in raw_contract() if table not in REQUIRED_TABLES)
MARTS = sorted(path.stem for path in (PROJECT_DIR / "models" / "marts").rglob("*.sql"))

Row = dict[str, Any]


# --- row builders: a valid row of each table; keyword arguments override or add columns -------------


def request(request_id: str, team_id: str = HOSTILE, **extra: Any) -> Row:
    return {
        "request_id": request_id, "team_id": team_id, "service_id": None, "feature_name": "f_h",
        "environment": "production", "operation_name": "chat", "provider_name": "openai",
        "request_model": "gpt-4o", "response_model": "gpt-4o", "prompt_hash": "p1",
        "started_at": "2025-01-10 10:00:00", "first_token_at": "2025-01-10 10:00:01",
        "ended_at": "2025-01-10 10:00:03", "is_streaming": True, "input_tokens": 100,
        "output_tokens": 50, "cost_usd": 0.01, "status": "ok", "_loaded_at": LOADED, **extra,
    }


def evaluation(evaluation_id: str, request_id: str | None = "req_h_ok", **extra: Any) -> Row:
    return {
        "evaluation_id": evaluation_id, "request_id": request_id, "evaluated_at": "2025-01-11 00:00:00",
        "suite": "production_sample", "evaluation_name": "faithfulness", "score_value": 0.9,
        "passed": True, "evaluator_source": "automated", "_loaded_at": LOADED, **extra,
    }


def incident(incident_id: str, service_id: str = "svc_h", **extra: Any) -> Row:
    return {
        "incident_id": incident_id, "service_id": service_id, "severity": "sev2",
        "started_at": "2025-01-20 11:00:00", "detected_at": "2025-01-20 11:05:00",
        "reported_at": "2025-01-20 11:10:00", "resolved_at": "2025-01-20 13:00:00",
        "detection_source": "automated", "_loaded_at": LOADED, **extra,
    }


def training_run(run_id: str, team_id: str = HOSTILE, **extra: Any) -> Row:
    return {
        "run_id": run_id, "team_id": team_id, "model_name": "m_h", "trigger_type": "schedule",
        "triggered_at": "2025-01-10 00:00:00", "started_at": "2025-01-10 01:00:00",
        "ended_at": "2025-01-10 03:00:00", "status": "finished", "git_commit": "abc",
        "dataset_digest": "sha", "data_snapshot_at": "2025-01-09 00:00:00", "params_logged": True,
        "metrics_logged": True, "_loaded_at": LOADED, **extra,
    }


def drift_check(check_id: str, team_id: str = HOSTILE, **extra: Any) -> Row:
    return {
        "check_id": check_id, "team_id": team_id, "model_name": "m_h", "checked_at": "2025-01-10 00:00:00",
        "drift_detected": True, "drift_score": 0.3, "stattest_threshold": 0.1,
        "share_of_drifted_columns": 0.5, "severity": "high", "_loaded_at": LOADED, **extra,
    }


def window(service_id: str, window_start: str, **extra: Any) -> Row:
    start = datetime.fromisoformat(window_start)
    return {
        "service_id": service_id, "model_name": "m", "window_start": window_start,
        "window_end": start.replace(hour=start.hour + 1).isoformat(sep=" "), "request_count": 100,
        "error_count": 1, "latency_p50_ms": 100.0, "latency_p95_ms": 200.0, "latency_p99_ms": 300.0,
        "_loaded_at": LOADED, **extra,
    }


def product_event(event_id: str, team_id: str = HOSTILE, **extra: Any) -> Row:
    # hostile events reuse a user already active in January on the clean team: the organisation's
    # active users (the denominator of other teams' business-value metrics) do not change
    return {
        "event_id": event_id, "occurred_at": "2025-01-12 10:00:00", "user_key": "u_clean_1",
        "team_id": team_id, "feature_name": "f_h", "is_ai_feature": True, "event_type": "active",
        "_loaded_at": LOADED, **extra,
    }


def survey(response_id: str, team_id: str = HOSTILE, respondent: str = "r_h", **extra: Any) -> Row:
    return {
        "response_id": response_id, "survey_id": "s1", "wave": "2025-01", "respondent_key": respondent,
        "team_id": team_id, "submitted_at": "2025-01-15 00:00:00", "instrument": "psych_safety",
        "item_code": "ps1", "response_value": 5.0, "scale_min": 1.0, "scale_max": 7.0,
        "reverse_scored": False, "_loaded_at": LOADED, **extra,
    }


# --- the clean rows (both builds) ---------------------------------------------------------------------

CLEAN_RAW: dict[str, list[Row]] = {
    "teams": [
        {"team_id": CLEAN, "team_name": "Clean", "_loaded_at": LOADED},
        {"team_id": HOSTILE, "team_name": "Hostile", "_loaded_at": LOADED},
    ],
    "service_ownership": [
        {"service_id": service, "team_id": team, "valid_from": T0, "_loaded_at": LOADED}
        for service, team in [("svc_clean", CLEAN), ("svc_h", HOSTILE), ("svc_h3", HOSTILE)]
    ],
    "changes": [
        {"change_id": "c_clean_1", "service_id": "svc_clean", "first_commit_at": "2025-01-05 10:00:00", "_loaded_at": LOADED},
        {"change_id": "c_clean_2", "service_id": "svc_clean", "first_commit_at": "2025-02-03 10:00:00", "_loaded_at": LOADED},
        {"change_id": "chg_h1", "service_id": "svc_h", "first_commit_at": "2025-01-05 10:00:00", "_loaded_at": LOADED},
    ],
    "deployments": [
        deployment_row("dep_clean_1", "svc_clean", "2025-01-06 10:00:00"),
        deployment_row("dep_clean_2", "svc_clean", "2025-01-20 10:00:00", status="failed"),
        deployment_row("dep_clean_3", "svc_clean", "2025-02-04 10:00:00"),
        # the last period of all data is April 2025 in both builds (the hostile boundary row is in April)
        deployment_row("dep_clean_4", "svc_clean", "2025-04-01 10:00:00"),
        deployment_row("dep_h_ok", "svc_h", "2025-01-06 10:00:00"),
    ],
    "deployment_changes": [
        {"deployment_id": "dep_clean_1", "change_id": "c_clean_1"},
        {"deployment_id": "dep_clean_3", "change_id": "c_clean_2"},
        {"deployment_id": "dep_h_ok", "change_id": "chg_h1"},
    ],
    "incidents": [incident("inc_clean_1", "svc_clean", caused_by_deployment_id="dep_clean_2")],
    "training_runs": [training_run("run_clean_1", CLEAN, model_name="m_clean")],
    "drift_checks": [drift_check("chk_clean_1", CLEAN, model_name="m_clean")],
    "inference_windows": [window("svc_clean", "2025-01-10 00:00:00"), window("svc_h", "2025-01-10 00:00:00")],
    "slo_targets": [
        {"service_id": "svc_clean", "sli": "availability", "objective": 0.95, "_loaded_at": LOADED},
        {"service_id": "svc_clean", "sli": "latency_p95_ms", "objective": 500.0, "_loaded_at": LOADED},
    ],
    "llm_requests": [
        request("req_clean_1", CLEAN, feature_name="f_clean", eval_case_id="case_1"),
        request("req_clean_2", CLEAN, feature_name="f_clean", cost_usd=0.03, output_tokens=80),
        request("req_clean_3", CLEAN, feature_name="f_clean", started_at="2025-02-10 10:00:00",
                first_token_at="2025-02-10 10:00:02", ended_at="2025-02-10 10:00:04"),
        request("req_h_ok"),
    ],
    "llm_request_chunks": [
        {"request_id": "req_clean_1", "chunk_id": "ch1", "kind": "retrieved", "rank": 1},
        {"request_id": "req_h_ok", "chunk_id": "ch1", "kind": "retrieved", "rank": 1},
    ],
    "rag_eval_cases": [],  # an empty table
    "llm_evaluations": [evaluation("ev_clean_1", "req_clean_1"), evaluation("ev_h_ok")],
    "product_events": [
        product_event("pe_clean_1", CLEAN, event_type="feature_use", feature_name="f_clean"),
        product_event("pe_clean_2", CLEAN, user_key="u_clean_2", is_ai_feature=False, feature_name="f_other"),
        product_event("pe_clean_3", CLEAN, event_type="conversion", revenue_usd=10.0, feature_name="f_clean"),
    ],
    "survey_responses": [survey(f"rs_clean_{n}", CLEAN, f"r_clean_{n}", response_value=float(n + 2)) for n in range(5)],
    "explainability_requests": [
        {"request_id": "xr_clean_1", "team_id": CLEAN, "requested_at": "2025-01-10 00:00:00",
         "fulfilled_at": "2025-01-12 00:00:00", "_loaded_at": LOADED},
    ],
    "bias_audits": [
        {"audit_id": "ba_clean_1", "team_id": CLEAN, "model_name": "m_clean", "audited_at": "2025-01-10 00:00:00",
         "findings_count": 1, "remediated_at": "2025-02-10 00:00:00", "_loaded_at": LOADED},
    ],
    "model_documentation": [
        {"model_name": "m_clean", "model_version": "1", "team_id": CLEAN, "documented_at": "2025-01-10 00:00:00",
         "required_fields": 10, "completed_fields": 8, "_loaded_at": LOADED},
    ],
    "people": [],  # an empty table in the baseline; the hostile build adds two people of team_h
}


# --- the hostile cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile raw row and its exact outcome. `where` finds it in the base and staging models;
    issue is (issue_type, reason) in fct_quarantined_rows, None for a row staged as delivered;
    staged maps staging columns to their expected values (a flagged or normalised row)."""

    name: str
    table: str
    row: Row
    where: str
    issue: tuple[str, str] | None
    staged: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_staged(self) -> bool:
        return self.issue is None or self.issue[0] == "flagged"


def rejected(reason: str) -> tuple[str, str]:
    return ("rejected", reason)


def flagged(reason: str) -> tuple[str, str]:
    return ("flagged", reason)


def dep(name: str | None, service_id: str = "svc_h", finished_at: str = "2025-01-07 10:00:00", **extra: Any) -> Row:
    """A deployment of team_h's service (name None: a null key)."""
    return {**deployment_row(name or "", service_id, finished_at, **extra), "deployment_id": name}


def key(column: str, value: str) -> str:
    return f"{column} = '{value}'"


CASES: list[Case] = [
    # null keys and required values
    Case("null_key_deployment", "deployments", dep(None, artifact_version="null_key"),
         "deployment_id is null", rejected("missing_required_value:deployment_id")),
    Case("null_required_prompt_hash", "llm_requests", request("req_h_noprompt", prompt_hash=None),
         key("request_id", "req_h_noprompt"), rejected("missing_required_value:prompt_hash")),
    Case("null_required_first_commit", "changes",
         {"change_id": "chg_h_nocommit", "service_id": "svc_h", "first_commit_at": None, "_loaded_at": LOADED},
         key("change_id", "chg_h_nocommit"), rejected("missing_required_value:first_commit_at")),
    Case("null_required_owner_team", "service_ownership",
         {"service_id": "svc_h5", "team_id": None, "valid_from": T0, "_loaded_at": LOADED},
         key("service_id", "svc_h5"), rejected("missing_required_value:team_id")),
    Case("null_required_team_name", "teams", {"team_id": "team_noname", "team_name": None, "_loaded_at": LOADED},
         key("team_id", "team_noname"), rejected("missing_required_value:team_name")),
    Case("null_required_user_key", "product_events", product_event("pe_h_nouser", user_key=None),
         key("event_id", "pe_h_nouser"), rejected("missing_required_value:user_key")),
    Case("evaluation_without_request_or_team", "llm_evaluations", evaluation("ev_h_noteam", None),
         key("evaluation_id", "ev_h_noteam"), rejected("no_team")),
    # enumerations: unknown values rejected; mixed case and surrounding blanks folded
    Case("unknown_enum_status", "deployments", dep("dep_h_badstatus", status="succeeded"),
         key("deployment_id", "dep_h_badstatus"), rejected("unknown_enum_value:status")),
    Case("unknown_enum_severity", "incidents", incident("inc_h_sev5", severity="SEV5"),
         key("incident_id", "inc_h_sev5"), rejected("unknown_enum_value:severity")),
    Case("unknown_enum_event_type", "product_events", product_event("pe_h_click", event_type="click"),
         key("event_id", "pe_h_click"), rejected("unknown_enum_value:event_type")),
    Case("unknown_enum_role", "people",
         {"person_key": "pk_h_bad", "team_id": HOSTILE, "role": "wizard", "joined_at": T0, "_loaded_at": LOADED},
         key("person_key", "pk_h_bad"), rejected("unknown_enum_value:role")),
    Case("mixed_case_enum_trigger", "deployments", dep("dep_h_mixed", trigger="PIPELINE"),
         key("deployment_id", "dep_h_mixed"), None, {"trigger": "pipeline"}),
    Case("blank_padded_enum_status", "deployments", dep("dep_h_spaced", status=" success "),
         key("deployment_id", "dep_h_spaced"), None, {"status": "success"}),
    Case("mixed_case_enum_llm_status", "llm_requests", request("req_h_upper", status="OK"),
         key("request_id", "req_h_upper"), None, {"status": "ok"}),
    Case("padded_mixed_enum_evaluation", "llm_evaluations", evaluation("ev_h_faith", evaluation_name=" Faithfulness"),
         key("evaluation_id", "ev_h_faith"), None, {"evaluation_name": "faithfulness"}),
    Case("mixed_case_enum_role", "people",
         {"person_key": "pk_h_ok", "team_id": HOSTILE, "role": "Applied_ML", "joined_at": T0, "_loaded_at": LOADED},
         key("person_key", "pk_h_ok"), None, {"role": "applied_ml"}),
    # orphans of every parent/child pair (an unknown parent, and a parent that was itself rejected)
    Case("orphan_chunk", "llm_request_chunks", {"request_id": "req_missing", "chunk_id": "ch1", "kind": "retrieved"},
         key("request_id", "req_missing"), rejected("unknown_request")),
    Case("chunk_of_rejected_request", "llm_request_chunks",
         {"request_id": "req_h_noprompt", "chunk_id": "ch1", "kind": "cited"},
         key("request_id", "req_h_noprompt"), rejected("unknown_request")),
    Case("orphan_evaluation", "llm_evaluations", evaluation("ev_h_orphan", "req_missing"),
         key("evaluation_id", "ev_h_orphan"), rejected("unknown_request")),
    Case("orphan_deployment_change_deployment", "deployment_changes", {"deployment_id": "dep_missing", "change_id": "chg_h1"},
         key("deployment_id", "dep_missing"), rejected("unknown_deployment")),
    Case("deployment_change_of_rejected_deployment", "deployment_changes",
         {"deployment_id": "dep_h_badstatus", "change_id": "chg_h1"},
         key("deployment_id", "dep_h_badstatus"), rejected("unknown_deployment")),
    Case("orphan_deployment_change_change", "deployment_changes", {"deployment_id": "dep_h_ok", "change_id": "chg_missing"},
         key("change_id", "chg_missing"), rejected("unknown_change")),
    # unknown team or service, no owner at the event's time
    Case("unknown_service_deployment", "deployments", dep("dep_h_unksvc", "svc_nowhere"),
         key("deployment_id", "dep_h_unksvc"), rejected("unknown_service")),
    Case("no_owner_at_event_time", "deployments", dep("dep_h_noowner", finished_at="2024-12-15 10:00:00"),
         key("deployment_id", "dep_h_noowner"), rejected("no_service_owner_at_event_time")),
    Case("unknown_team_request", "llm_requests", request("req_h_unkteam", "team_nowhere"),
         key("request_id", "req_h_unkteam"), rejected("unknown_team")),
    Case("unknown_service_request", "llm_requests", request("req_h_unksvc", service_id="svc_nowhere"),
         key("request_id", "req_h_unksvc"), rejected("unknown_service")),
    Case("unknown_team_training_run", "training_runs", training_run("run_h_unkteam", "team_nowhere"),
         key("run_id", "run_h_unkteam"), rejected("unknown_team")),
    Case("unknown_team_ownership", "service_ownership",
         {"service_id": "svc_x", "team_id": "team_nowhere", "valid_from": T0, "_loaded_at": LOADED},
         key("service_id", "svc_x"), rejected("unknown_team")),
    Case("empty_ownership_interval", "service_ownership",
         {"service_id": "svc_h4", "team_id": HOSTILE, "valid_from": T0, "valid_to": T0, "_loaded_at": LOADED},
         key("service_id", "svc_h4"), rejected("empty_interval:valid_to_not_after_valid_from")),
    Case("person_joined_after_leaving", "people",
         {"person_key": "pk_h_time", "team_id": HOSTILE, "role": "research", "joined_at": "2025-02-01 00:00:00",
          "left_at": "2025-01-01 00:00:00", "_loaded_at": LOADED},
         key("person_key", "pk_h_time"), rejected("person_joined_after_leaving")),
    # every bad-clock kind: flagged, staged, the spoiled field null where it is carried
    Case("clock_deployment_finished_before_start", "deployments",
         dep("dep_h_clock", started_at="2025-01-07 11:00:00"),
         key("deployment_id", "dep_h_clock"), flagged("bad_clock:finished_at_before_started_at")),
    Case("clock_incident_resolved_before_start", "incidents", incident("inc_h_resolved", resolved_at="2025-01-20 10:00:00"),
         key("incident_id", "inc_h_resolved"), flagged("bad_clock:resolved_at_before_started_at")),
    Case("clock_incident_detected_before_start", "incidents",
         incident("inc_h_detected", started_at="2025-01-20 11:06:00", resolved_at="2025-01-20 13:00:00"),
         key("incident_id", "inc_h_detected"), flagged("bad_clock:detected_at_before_started_at")),
    Case("clock_incident_reported_before_detection", "incidents", incident("inc_h_reported", reported_at="2025-01-20 11:00:00"),
         key("incident_id", "inc_h_reported"), flagged("bad_clock:reported_at_before_detected_at")),
    Case("clock_first_token_before_start", "llm_requests", request("req_h_ttft", first_token_at="2025-01-10 09:59:00"),
         key("request_id", "req_h_ttft"), flagged("bad_clock:first_token_at_before_started_at"), {"first_token_at": None}),
    Case("clock_request_ended_before_start", "llm_requests",
         request("req_h_end", first_token_at=None, ended_at="2025-01-10 09:00:00"),
         key("request_id", "req_h_end"), flagged("bad_clock:ended_at_before_started_at")),
    Case("clock_run_ended_before_start", "training_runs", training_run("run_h_end", ended_at="2025-01-10 00:30:00"),
         key("run_id", "run_h_end"), flagged("bad_clock:ended_at_before_started_at")),
    Case("clock_run_started_before_trigger", "training_runs", training_run("run_h_trig", triggered_at="2025-01-10 02:00:00"),
         key("run_id", "run_h_trig"), flagged("bad_clock:started_at_before_triggered_at")),
    Case("clock_snapshot_after_start", "training_runs", training_run("run_h_snap", data_snapshot_at="2025-01-10 02:00:00"),
         key("run_id", "run_h_snap"), flagged("bad_clock:data_snapshot_after_start")),
    Case("clock_explanation_fulfilled_before_request", "explainability_requests",
         {"request_id": "xr_h_clock", "team_id": HOSTILE, "requested_at": "2025-01-10 00:00:00",
          "fulfilled_at": "2025-01-09 00:00:00", "_loaded_at": LOADED},
         key("request_id", "xr_h_clock"), flagged("bad_clock:fulfilled_at_before_requested_at")),
    Case("clock_remediated_before_audit", "bias_audits",
         {"audit_id": "ba_h_clock", "team_id": HOSTILE, "model_name": "m_h", "audited_at": "2025-01-10 00:00:00",
          "findings_count": 2, "remediated_at": "2025-01-09 00:00:00", "_loaded_at": LOADED},
         key("audit_id", "ba_h_clock"), flagged("bad_clock:remediated_at_before_audited_at")),
    # negative numbers
    Case("negative_tokens_all_four", "llm_requests",
         request("req_h_negtok", input_tokens=-1, output_tokens=-2, cache_read_input_tokens=-3, reasoning_output_tokens=-4),
         key("request_id", "req_h_negtok"),
         flagged("negative_tokens:input_tokens; negative_tokens:output_tokens; "
                 "negative_tokens:cache_read_input_tokens; negative_tokens:reasoning_output_tokens"),
         {"input_tokens": None, "output_tokens": None, "cache_read_input_tokens": None, "reasoning_output_tokens": None}),
    Case("negative_cost", "llm_requests", request("req_h_negcost", cost_usd=-1.0),
         key("request_id", "req_h_negcost"), flagged("negative_cost"), {"cost_usd": None}),
    Case("negative_revenue", "product_events", product_event("pe_h_negrev", revenue_usd=-10.0),
         key("event_id", "pe_h_negrev"), flagged("negative_revenue"), {"revenue_usd": None}),
    Case("negative_request_count", "inference_windows", window("svc_h", "2025-01-11 00:00:00", request_count=-1, error_count=0),
         "service_id = 'svc_h' and window_start = timestamp '2025-01-11 00:00:00'", rejected("negative_count")),
    Case("errors_exceed_requests", "inference_windows", window("svc_h", "2025-01-11 01:00:00", request_count=3, error_count=5),
         "service_id = 'svc_h' and window_start = timestamp '2025-01-11 01:00:00'", rejected("errors_exceed_requests")),
    Case("negative_latency_p95", "inference_windows", window("svc_h", "2025-01-11 02:00:00", latency_p95_ms=-1.0),
         "service_id = 'svc_h' and window_start = timestamp '2025-01-11 02:00:00'", rejected("latency_out_of_range")),
    Case("negative_findings", "bias_audits",
         {"audit_id": "ba_h_neg", "team_id": HOSTILE, "model_name": "m_h", "audited_at": "2025-01-10 00:00:00",
          "findings_count": -1, "_loaded_at": LOADED},
         key("audit_id", "ba_h_neg"), rejected("findings_out_of_range")),
    Case("documentation_fields_out_of_range", "model_documentation",
         {"model_name": "m_h", "model_version": "1", "team_id": HOSTILE, "documented_at": "2025-01-10 00:00:00",
          "required_fields": 10, "completed_fields": 12, "_loaded_at": LOADED},
         key("model_name", "m_h"), rejected("fields_out_of_range")),
    # finite values out of range (the non-finite ones: NON_FINITE_CASES below)
    Case("score_above_one", "llm_evaluations", evaluation("ev_h_high", score_value=1.5),
         key("evaluation_id", "ev_h_high"), rejected("score_out_of_range")),
    Case("score_below_zero", "llm_evaluations", evaluation("ev_h_low", score_value=-0.1),
         key("evaluation_id", "ev_h_low"), rejected("score_out_of_range")),
    Case("availability_objective_above_one", "slo_targets",
         {"service_id": "svc_h3", "sli": "availability", "objective": 1.5, "_loaded_at": LOADED},
         "service_id = 'svc_h3' and sli = 'availability'", rejected("objective_out_of_range")),
    Case("answer_out_of_scale", "survey_responses", survey("rs_h_eight", response_value=8.0),
         key("response_id", "rs_h_eight"), rejected("response_out_of_scale")),
    # implausible period timestamps: before 2000-01-01 or after _loaded_at + 24 h (the boundary itself passes)
    Case("deployment_in_1999", "deployments", dep("dep_h_1999", finished_at="1999-12-31 23:59:59"),
         key("deployment_id", "dep_h_1999"), rejected("implausible_timestamp:finished_at")),
    Case("deployment_in_1970", "deployments", dep("dep_h_1970", finished_at="1970-01-01 00:00:00"),
         key("deployment_id", "dep_h_1970"), rejected("implausible_timestamp:finished_at")),
    Case("deployment_in_2999", "deployments", dep("dep_h_2999", finished_at="2999-01-01 00:00:00"),
         key("deployment_id", "dep_h_2999"), rejected("implausible_timestamp:finished_at")),
    Case("deployment_at_skew_boundary", "deployments", dep("dep_h_edge", finished_at=BOUNDARY),
         key("deployment_id", "dep_h_edge"), None),
    Case("deployment_one_second_past_boundary", "deployments", dep("dep_h_edge1s", finished_at="2025-04-02 00:00:01"),
         key("deployment_id", "dep_h_edge1s"), rejected("implausible_timestamp:finished_at")),
    Case("change_before_2000", "changes",
         {"change_id": "chg_h_1999", "service_id": "svc_h", "first_commit_at": "1999-06-01 00:00:00", "_loaded_at": LOADED},
         key("change_id", "chg_h_1999"), rejected("implausible_timestamp:first_commit_at")),
    Case("incident_before_2000", "incidents",
         incident("inc_h_1990", started_at="1990-01-01 00:00:00", detected_at="1990-01-01 00:00:00",
                  reported_at=None, resolved_at=None),
         key("incident_id", "inc_h_1990"), rejected("implausible_timestamp:detected_at")),
    Case("request_before_2000", "llm_requests",
         request("req_h_1999", started_at="1999-12-31 00:00:00", first_token_at=None, ended_at="1999-12-31 00:00:01"),
         key("request_id", "req_h_1999"), rejected("implausible_timestamp:started_at")),
    Case("run_after_load", "training_runs",
         training_run("run_h_2100", triggered_at="2100-01-01 00:00:00", started_at="2100-01-01 00:00:00", ended_at=None),
         key("run_id", "run_h_2100"), rejected("implausible_timestamp:started_at")),
    Case("survey_in_1970", "survey_responses", survey("rs_h_1970", submitted_at="1970-01-01 00:00:00"),
         key("response_id", "rs_h_1970"), rejected("implausible_timestamp:submitted_at")),
    Case("evaluation_after_load", "llm_evaluations", evaluation("ev_h_future", evaluated_at="2025-03-05 00:00:00"),
         key("evaluation_id", "ev_h_future"), rejected("implausible_timestamp:evaluated_at")),
    # timestamps delivered as text (product_events.occurred_at is a varchar column in this warehouse)
    Case("text_timestamp_with_offset", "product_events", product_event("pe_h_offset", occurred_at="2025-01-15 10:00:00+02:00"),
         key("event_id", "pe_h_offset"), None, {"occurred_at": datetime(2025, 1, 15, 8, 0)}),
    Case("text_timestamp_iso_z", "product_events", product_event("pe_h_isoz", occurred_at="2025-01-16T10:00:00Z"),
         key("event_id", "pe_h_isoz"), None, {"occurred_at": datetime(2025, 1, 16, 10, 0)}),
    Case("text_timestamp_garbage", "product_events", product_event("pe_h_garbage", occurred_at="next tuesday, 3pm-ish"),
         key("event_id", "pe_h_garbage"), rejected("missing_required_value:occurred_at")),
    Case("text_timestamp_far_future", "product_events", product_event("pe_h_2999", occurred_at="2999-01-01 00:00:00+00:00"),
         key("event_id", "pe_h_2999"), rejected("implausible_timestamp:occurred_at")),
    # very long, unicode and SQL-looking strings are data
    Case("very_long_id", "deployments", dep(LONG_ID), f"length(deployment_id) = {len(LONG_ID)}", None),
    Case("unicode_sql_team", "teams", {"team_id": UNICODE_TEAM, "team_name": UNICODE_NAME, "_loaded_at": LOADED},
         "team_id = '" + UNICODE_TEAM.replace("'", "''") + "'", None, {"team_name": UNICODE_NAME}),
    Case("sql_looking_feature_name", "llm_requests", request("req_h_sql", feature_name=SQL_FEATURE),
         key("request_id", "req_h_sql"), None, {"feature_name": SQL_FEATURE}),
]


# Any: each value is spread (**{column: value}) into row builders that also take string parameters
NON_FINITE: dict[str, Any] = {"nan": NAN, "inf": INF, "minus_inf": -INF}


def non_finite_cases() -> list[Case]:
    """NaN, +inf and -inf in every double column of the contract: flagged `non_finite:<column>` and
    the field null, or rejected where the contract requires a value in a range (p95 latency, score,
    objective, survey answer and scale). A -inf cost or revenue is also negative."""
    cases: list[Case] = []
    for n, (kind, value) in enumerate(NON_FINITE.items()):
        negative = kind == "minus_inf"
        cases += [
            Case(f"{kind}_cost_usd", "llm_requests", request(f"req_h_{kind}_cost", cost_usd=value),
                 key("request_id", f"req_h_{kind}_cost"),
                 flagged(("negative_cost; " if negative else "") + "non_finite:cost_usd"), {"cost_usd": None}),
            Case(f"{kind}_revenue_usd", "product_events", product_event(f"pe_h_{kind}_rev", revenue_usd=value),
                 key("event_id", f"pe_h_{kind}_rev"),
                 flagged(("negative_revenue; " if negative else "") + "non_finite:revenue_usd"), {"revenue_usd": None}),
            Case(f"{kind}_score_value", "llm_evaluations", evaluation(f"ev_h_{kind}", score_value=value),
                 key("evaluation_id", f"ev_h_{kind}"), rejected("score_out_of_range")),
            Case(f"{kind}_objective", "slo_targets",
                 {"service_id": f"svc_slo_{kind}", "sli": "latency_p95_ms", "objective": value, "_loaded_at": LOADED},
                 key("service_id", f"svc_slo_{kind}"), rejected("objective_out_of_range")),
        ]
        for m, column in enumerate(("latency_p50_ms", "latency_p95_ms", "latency_p99_ms")):
            start = f"2025-01-13 0{3 * n + m}:00:00"
            required = column == "latency_p95_ms"
            cases.append(
                Case(f"{kind}_{column}", "inference_windows", window("svc_h", start, **{column: value}),
                     f"service_id = 'svc_h' and window_start = timestamp '{start}'",
                     rejected("latency_out_of_range") if required else flagged(f"non_finite:{column}"),
                     {} if required else {column: None})
            )
        for column in ("drift_score", "stattest_threshold", "share_of_drifted_columns"):
            cases.append(
                Case(f"{kind}_{column}", "drift_checks", drift_check(f"chk_h_{kind}_{column}", **{column: value}),
                     key("check_id", f"chk_h_{kind}_{column}"), flagged(f"non_finite:{column}"), {column: None})
            )
        for column, reason in (("response_value", "response_out_of_scale"), ("scale_min", "invalid_scale"),
                               ("scale_max", "invalid_scale")):
            cases.append(
                Case(f"{kind}_{column}", "survey_responses", survey(f"rs_h_{kind}_{column}", **{column: value}),
                     key("response_id", f"rs_h_{kind}_{column}"), rejected(reason))
            )
    return cases


CASES += non_finite_cases()

# re-delivered keys: (table, key predicate on staging, rows in load order, expected staged winner or None)
DUPLICATES: list[tuple[str, str, str, list[Row], Mapping[str, Any] | None]] = [
    ("later_loaded_at_wins", "deployments", key("deployment_id", "dup_late"),
     [dep("dup_late", status="failed", _loaded_at="2025-03-01 00:00:00"), dep("dup_late", _loaded_at="2025-03-02 00:00:00")],
     {"status": "success"}),
    ("equal_loaded_at", "deployments", key("deployment_id", "dup_eq"),
     [dep("dup_eq", status="failed"), dep("dup_eq")], None),
    ("null_loaded_at", "deployments", key("deployment_id", "dup_null"),
     [dep("dup_null", trigger="manual", _loaded_at=None), dep("dup_null", _loaded_at=None)], None),
    ("folded_enum_in_key", "slo_targets", "service_id = 'svc_h' and sli = 'availability'",
     [{"service_id": "svc_h", "sli": "Availability", "objective": 0.9, "_loaded_at": "2025-03-01 00:00:00"},
      {"service_id": "svc_h", "sli": " availability", "objective": 0.99, "_loaded_at": "2025-03-02 00:00:00"}],
     {"objective": 0.99}),
]

# staged rows the cases need: the unicode team's service and deployment, the services of the SLO cases
SUPPORT_RAW: dict[str, list[Row]] = {
    "service_ownership": [{"service_id": "svc_ü'--", "team_id": UNICODE_TEAM, "valid_from": T0, "_loaded_at": LOADED}] + [
        {"service_id": f"svc_slo_{kind}", "team_id": HOSTILE, "valid_from": T0, "_loaded_at": LOADED} for kind in NON_FINITE
    ],
    "deployments": [dep("dep_ü_1", "svc_ü'--")],
}


def hostile_raw() -> dict[str, list[Row]]:
    """The clean rows plus every hostile case and re-delivery."""
    raw: dict[str, list[Row]] = {table: list(rows) for table, rows in CLEAN_RAW.items()}
    for case in CASES:
        raw.setdefault(case.table, []).append(case.row)
    for _, table, _, rows, _ in DUPLICATES:
        raw[table].extend(rows)
    for table, rows in SUPPORT_RAW.items():
        raw[table].extend(rows)
    return raw


# --- building ----------------------------------------------------------------------------------------

EXTRA_COLUMN = "vendor_extra_column"


def write_warehouse(db_path: Path, raw: Mapping[str, Sequence[Row]]) -> None:
    """The raw tables, with three deliberate schema deviations: product_events.occurred_at typed
    varchar (text timestamps), an extra column on deployments, incidents without its optional
    root_cause column."""
    text_rows = raw.get("product_events", [])
    write_raw_tables(db_path, {table: rows for table, rows in raw.items() if table != "product_events"})
    columns = [name for name, _ in raw_contract()["product_events"]]
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table raw.product_events alter occurred_at type varchar")
        if text_rows:
            con.executemany(
                f"insert into raw.product_events ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                [[row.get(name) for name in columns] for row in text_rows],
            )
        con.execute(f"alter table raw.deployments add column {EXTRA_COLUMN} varchar default 'ignored'")
        con.execute("alter table raw.incidents drop column root_cause")


@dataclass(frozen=True)
class Built:
    db_path: Path
    work_dir: Path
    result: DbtResult


def build(work: Path, raw: Mapping[str, Sequence[Row]], dbt_vars: Mapping[str, Any] | None = None) -> Built:
    db_path = work / "warehouse.duckdb"
    write_warehouse(db_path, raw)
    result = run_dbt(["build"], db_path, work, dbt_vars=dbt_vars)
    assert failures(result) == [], failures(result)
    return Built(db_path, work, result)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("hostile"), hostile_raw())


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("baseline"), CLEAN_RAW)


def base_issue(db_path: Path, case: Case) -> list[tuple[str, str]]:
    return [
        (row["issue_type"], row["reason"])
        for row in query(
            db_path,
            f"select q.issue_type, q.reason from fct_quarantined_rows as q "
            f"inner join base_ai_maturity_raw__{case.table} as b on q.row_key = b.dq_row_key "
            f"where q.source_table = '{case.table}' and ({case.where}) and b.dedupe_rank = 1 "
            f"and q.issue_type <> 'duplicate'",
        )
    ]


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return actual == pytest.approx(expected, rel=1e-12)
    return bool(actual == expected)


# --- the shared hostile build ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_has_its_exact_outcome(hostile: Built, case: Case) -> None:
    assert query(hostile.db_path, f"select count(*) as n from base_ai_maturity_raw__{case.table} where {case.where}") == [
        {"n": 1}
    ], "the case must find exactly one delivered row"
    assert base_issue(hostile.db_path, case) == ([case.issue] if case.issue else [])
    staged = query(hostile.db_path, f"select * from stg_ai_maturity_raw__{case.table} where {case.where}")
    assert len(staged) == (1 if case.is_staged else 0)
    for column, expected in case.staged.items():
        assert same(staged[0][column], expected), (column, staged[0][column], expected)


@pytest.mark.parametrize("dup", DUPLICATES, ids=lambda dup: dup[0])
def test_redelivered_key_keeps_one_row(hostile: Built, dup: tuple[str, str, str, list[Row], Any]) -> None:
    _, table, where, rows, winner = dup
    base = query(
        hostile.db_path,
        f"select dq_row_key, dedupe_rank from base_ai_maturity_raw__{table} where {where} order by dedupe_rank",
    )
    assert [row["dedupe_rank"] for row in base] == [1, 2]
    issues = query(
        hostile.db_path,
        f"select issue_type, reason from fct_quarantined_rows where source_table = '{table}' "
        f"and row_key = '{base[0]['dq_row_key']}'",
    )
    assert issues == [{"issue_type": "duplicate", "reason": "duplicate_of_kept_row"}]
    staged = query(hostile.db_path, f"select * from stg_ai_maturity_raw__{table} where {where}")
    assert len(staged) == 1
    for column, expected in (winner or {}).items():
        assert same(staged[0][column], expected)


def expected_accounting() -> dict[str, dict[str, int]]:
    raw = hostile_raw()
    issues = Counter((case.table, case.issue[0]) for case in CASES if case.issue)
    duplicates = Counter(table for _, table, _, rows, _ in DUPLICATES for _ in rows[1:])
    expected: dict[str, dict[str, Any]] = {}
    for table in raw_contract():
        raw_rows = len(raw.get(table, []))
        rejected_rows, duplicate_rows = issues[(table, "rejected")], duplicates[table]
        expected[table] = {
            "is_enabled": True,
            "raw_rows": raw_rows,
            "staged_rows": raw_rows - rejected_rows - duplicate_rows,
            "rejected_rows": rejected_rows,
            "duplicate_rows": duplicate_rows,
            "flagged_rows": issues[(table, "flagged")],
        }
    return expected


@pytest.mark.parametrize("table", list(raw_contract()))
def test_accounting_balances_to_the_cases(hostile: Built, table: str) -> None:
    rows = query(
        hostile.db_path,
        "select is_enabled, raw_rows, staged_rows, rejected_rows, duplicate_rows, flagged_rows "
        f"from fct_raw_row_accounting where source_table = '{table}'",
    )
    assert rows == [expected_accounting()[table]]
    delivered = query(hostile.db_path, f"select count(*) as n from raw.{table}")[0]["n"]
    staged = query(hostile.db_path, f"select count(*) as n from stg_ai_maturity_raw__{table}")[0]["n"]
    assert (rows[0]["raw_rows"], rows[0]["staged_rows"]) == (delivered, staged)


def double_columns(db_path: Path, relation: str) -> list[str]:
    return [
        row["column_name"]
        for row in query(
            db_path,
            f"select column_name from information_schema.columns where table_schema in {PACKAGE_SCHEMAS_SQL} "
            f"and table_name = '{relation}' and data_type in ('DOUBLE', 'FLOAT', 'REAL')",
        )
    ]


@pytest.mark.parametrize("mart", MARTS)
def test_no_nan_or_infinity_in_any_mart(hostile: Built, mart: str) -> None:
    columns = double_columns(hostile.db_path, mart)
    if not columns:  # nothing to scan (a mart of strings, dates, integers and booleans)
        return
    counts = ", ".join(f'count(case when isnan("{c}") or isinf("{c}") then 1 end) as "{c}"' for c in columns)
    row = query(hostile.db_path, f"select {counts} from {mart}")[0]
    assert {column: n for column, n in row.items() if n} == {}


def test_no_bad_clock_stretches_the_spine(hostile: Built) -> None:
    spans = query(
        hostile.db_path,
        "select min(period_start) as first, max(period_start) as last, count(*) as n "
        f"from fct_change_delivery where team_id = '{HOSTILE}'",
    )
    # team_h: January (its first staged event) to April (the boundary deployment, the last of all data)
    assert spans == [{"first": datetime(2025, 1, 1).date(), "last": datetime(2025, 4, 1).date(), "n": 4}]
    bounds = query(hostile.db_path, "select min(period_start) as first, max(period_start) as last from fct_team_metrics")
    assert bounds == [{"first": datetime(2025, 1, 1).date(), "last": datetime(2025, 4, 1).date()}]


def team_metrics(db_path: Path, team_id: str) -> dict[tuple[Any, str], Any]:
    return {
        (row["period_start"], row["metric_name"]): (row["metric_value"], row["sample_size"])
        for row in query(
            db_path,
            "select period_start, metric_name, metric_value, sample_size from fct_team_metrics "
            f"where team_id = '{team_id}'",
        )
    }


def test_clean_team_metrics_unchanged(hostile: Built, baseline: Built) -> None:
    before, after = team_metrics(baseline.db_path, CLEAN), team_metrics(hostile.db_path, CLEAN)
    assert before.keys() == after.keys()
    changed = {
        metric: (before[metric], after[metric])
        for metric in before
        if not all(same(a, b) for a, b in zip(before[metric], after[metric], strict=True))
    }
    assert changed == {}
    # the comparison is not vacuous: the clean team has values in every cluster
    measured = {metric for (_, metric), (value, _) in before.items() if value is not None}
    assert {"deployments_count", "change_fail_rate", "training_runs_count", "sla_adherence", "llm_queries",
            "ai_active_users", "psych_safety_score", "explainability_fulfilment_rate"} <= measured


def test_clean_team_levels_unchanged(hostile: Built, baseline: Built) -> None:
    sql = f"select * from fct_team_maturity where team_id = '{CLEAN}' order by period_start"
    assert query(hostile.db_path, sql) == query(baseline.db_path, sql)


def test_unicode_and_sql_looking_strings_are_data(hostile: Built) -> None:
    quoted = UNICODE_TEAM.replace("'", "''")
    assert query(hostile.db_path, f"select team_name from dim_teams where team_id = '{quoted}'") == [
        {"team_name": UNICODE_NAME}
    ]
    assert query(
        hostile.db_path,
        f"select deployments_count from fct_change_delivery where team_id = '{quoted}' "
        "and period_start = date '2025-01-01'",
    ) == [{"deployments_count": 1}]
    assert query(
        hostile.db_path,
        "select count(*) as n from fct_llm_usage where feature_name = '" + SQL_FEATURE.replace("'", "''") + "'",
    ) == [{"n": 1}]
    # nothing was dropped or deleted by a string that looks like SQL
    assert query(hostile.db_path, "select count(*) as n from raw.teams")[0]["n"] == len(hostile_raw()["teams"])


def test_extra_and_missing_optional_columns(hostile: Built) -> None:
    staging_columns = {
        row["column_name"]
        for row in query(
            hostile.db_path,
            "select column_name from information_schema.columns "
            f"where table_schema = '{SCHEMAS['staging']}' and table_name = 'stg_ai_maturity_raw__deployments'",
        )
    }
    assert EXTRA_COLUMN not in staging_columns and "deployment_id" in staging_columns
    assert query(hostile.db_path, "select count(*) as n, count(root_cause) as known from stg_ai_maturity_raw__incidents") == [
        {"n": len(CLEAN_RAW["incidents"]) + 3, "known": 0}
    ]


def test_empty_table_builds_and_accounts_for_nothing(hostile: Built) -> None:
    rows = query(
        hostile.db_path,
        "select raw_rows, staged_rows, rejected_rows, duplicate_rows from fct_raw_row_accounting "
        "where source_table = 'rag_eval_cases'",
    )
    assert rows == [{"raw_rows": 0, "staged_rows": 0, "rejected_rows": 0, "duplicate_rows": 0}]


# --- builds of their own -----------------------------------------------------------------------------


def winners(db_path: Path) -> list[dict[str, Any]]:
    keys = ", ".join(f"'{name}'" for name in ("dup_late", "dup_eq", "dup_null"))
    return query(
        db_path,
        f"select deployment_id, status, trigger, _loaded_at from stg_ai_maturity_raw__deployments "
        f"where deployment_id in ({keys}) order by deployment_id",
    )


def test_winner_is_deterministic_on_rerun_and_reversed_load_order(hostile: Built, tmp_path: Path) -> None:
    expected = winners(hostile.db_path)
    assert len(expected) == 3
    raw = hostile_raw()
    reversed_raw = {table: list(reversed(rows)) for table, rows in raw.items()}
    db_path = tmp_path / "warehouse.duckdb"
    write_warehouse(db_path, reversed_raw)
    select = ["--select", "+stg_ai_maturity_raw__deployments"]
    assert failures(run_dbt(["run", *select], db_path, tmp_path)) == []
    assert winners(db_path) == expected
    assert failures(run_dbt(["run", *select, "--full-refresh"], db_path, tmp_path)) == []
    assert winners(db_path) == expected


def test_plausibility_window_follows_its_vars(tmp_path: Path) -> None:
    """ai_maturity__min_event_date and ai_maturity__clock_skew_hours move the window: with 1960 and
    48 h, the 1970 and 1999 deployments pass the clock check (and are then rejected for having no
    owner at that time), the one a second past 24 h is staged, the 2999 one is still implausible."""
    db_path = tmp_path / "warehouse.duckdb"
    write_warehouse(db_path, hostile_raw())
    dbt_vars = {"ai_maturity__min_event_date": "1960-01-01", "ai_maturity__clock_skew_hours": 48}
    result = run_dbt(["run", "--select", "+stg_ai_maturity_raw__deployments"], db_path, tmp_path, dbt_vars=dbt_vars)
    assert failures(result) == []
    rows = query(
        db_path,
        "select deployment_id, rejection_reason from base_ai_maturity_raw__deployments "
        "where deployment_id in ('dep_h_1970', 'dep_h_1999', 'dep_h_edge1s', 'dep_h_2999') order by 1",
    )
    assert [(row["deployment_id"], row["rejection_reason"]) for row in rows] == [
        ("dep_h_1970", "no_service_owner_at_event_time"),
        ("dep_h_1999", "no_service_owner_at_event_time"),
        ("dep_h_2999", "implausible_timestamp:finished_at"),
        ("dep_h_edge1s", None),
    ]


def test_future_event_without_loaded_at_is_implausible(tmp_path: Path) -> None:
    """A deployment dated 2999 from a loader that sets no _loaded_at must not reach the spine: bounded
    by the run's start (plus the clock skew) instead of its own _loaded_at."""
    db_path = tmp_path / "warehouse.duckdb"
    raw = {table: list(rows) for table, rows in CLEAN_RAW.items()}
    raw["deployments"].append(dep("dep_h_2999_unloaded", finished_at="2999-01-01 00:00:00", _loaded_at=None))
    write_warehouse(db_path, raw)
    assert failures(run_dbt(["run", "--select", "+stg_ai_maturity_raw__deployments"], db_path, tmp_path)) == []
    assert query(
        db_path,
        "select rejection_reason from base_ai_maturity_raw__deployments where deployment_id = 'dep_h_2999_unloaded'",
    ) == [{"rejection_reason": "implausible_timestamp:finished_at"}]


def test_empty_warehouse_builds(tmp_path: Path) -> None:
    """Every raw table present and empty: the build passes, every table accounts for zero rows, no
    team has a metric."""
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, {})
    result = run_dbt(["build"], db_path, tmp_path)
    assert failures(result) == []
    assert query(
        db_path, "select count(*) as tables, sum(raw_rows + staged_rows + rejected_rows) as rows from fct_raw_row_accounting"
    ) == [{"tables": len(raw_contract()), "rows": 0}]
    assert query(db_path, "select count(*) as n from fct_team_metrics") == [{"n": 0}]


@pytest.fixture(scope="module")
def switched_off(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, DbtResult]:
    """The clean rows with every optional table switched off and absent from the warehouse: the build
    passes; then `dbt source freshness` on the same warehouse."""
    work = tmp_path_factory.mktemp("switched_off")
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, {table: rows for table, rows in CLEAN_RAW.items() if table in REQUIRED_TABLES})
    with duckdb.connect(str(db_path)) as con:
        for table in OPTIONAL_TABLES:
            con.execute(f"drop table raw.{table}")
    dbt_vars = {f"ai_maturity__{table}_enabled": False for table in OPTIONAL_TABLES}
    result = run_dbt(["build"], db_path, work, dbt_vars=dbt_vars)
    assert failures(result) == [], failures(result)
    freshness = run_dbt(["source", "freshness"], db_path, work, dbt_vars=dbt_vars)
    return Built(db_path, work, result), freshness


@pytest.mark.parametrize("table", OPTIONAL_TABLES)
def test_switched_off_table_gives_null_metrics(switched_off: tuple[Built, DbtResult], table: str) -> None:
    db_path = switched_off[0].db_path
    assert query(
        db_path,
        "select is_enabled, raw_rows from fct_raw_row_accounting " f"where source_table = '{table}'",
    ) == [{"is_enabled": False, "raw_rows": 0}]
    metrics = [
        row["metric_name"]
        for row in query(
            db_path,
            "select metric_name from dim_metrics "
            f"where list_contains(string_split(optional_source_tables, ','), '{table}')",
        )
    ]
    for metric in metrics:
        values = query(
            db_path,
            f"select count(*) as n, count(metric_value) as valued from fct_team_metrics where metric_name = '{metric}'",
        )
        assert values[0]["n"] > 0 and values[0]["valued"] == 0, (metric, values)


def test_switched_off_tables_leave_other_metrics_unchanged(
    switched_off: tuple[Built, DbtResult], baseline: Built
) -> None:
    db_path = switched_off[0].db_path
    measurable = {row["metric_name"] for row in query(db_path, "select metric_name from dim_metrics where is_measurable")}
    unmeasurable = {row["metric_name"] for row in query(db_path, "select metric_name from dim_metrics where not is_measurable")}
    assert {"deployments_count", "change_fail_rate", "time_to_restore_median_hours"} <= measurable
    assert {"llm_queries", "training_runs_count", "psych_safety_score", "ai_active_users"} <= unmeasurable
    before, after = team_metrics(baseline.db_path, CLEAN), team_metrics(db_path, CLEAN)
    assert before.keys() == after.keys()
    for (period, metric), values in after.items():
        if metric in measurable:
            assert all(same(a, b) for a, b in zip(values, before[(period, metric)], strict=True)), (period, metric)
        else:
            assert values[0] is None, (period, metric, values)


def freshness_results(work_dir: Path) -> dict[str, dict[str, Any]]:
    """Source table name → its result in the sources.json of the last `dbt source freshness`."""
    results = json.loads((work_dir / "target" / "sources.json").read_text())["results"]
    return {row["unique_id"].split(".")[-1]: row for row in results}


def test_freshness_skips_switched_off_tables(switched_off: tuple[Built, DbtResult]) -> None:
    freshness = switched_off[1]
    assert freshness.returncode == 0, freshness.output[-3000:]
    checked = sorted(freshness_results(switched_off[0].work_dir))
    assert checked == ["changes", "deployments", "incidents"]
    assert "Catalog Error" not in freshness.output


def test_freshness_reads_loaded_at_else_the_period_timestamp(tmp_path: Path) -> None:
    """`_loaded_at` where the table has it; a table delivered without the column uses its period timestamp."""
    db_path = tmp_path / "warehouse.duckdb"
    write_warehouse(db_path, CLEAN_RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table raw.changes drop column _loaded_at")
    result = run_dbt(
        ["source", "freshness", "--select", "source:ai_maturity_raw.changes", "source:ai_maturity_raw.deployments"],
        db_path,
        tmp_path,
    )
    assert result.returncode == 0, result.output[-3000:]
    observed = {table: row["max_loaded_at"][:19] for table, row in freshness_results(tmp_path).items()}
    # deployments: the greatest _loaded_at (2025-04-01), not the latest finished_at (2025-04-01 10:00);
    # changes (no _loaded_at column): the latest first_commit_at
    assert observed == {"deployments": "2025-04-01T00:00:00", "changes": "2025-02-03T10:00:00"}


# name: (batch, deviation, base model that reads it, expected message); the base models of one batch
# do not depend on each other (dbt skips the children of a failed node), so each batch is one `dbt run`
MISSING = {
    "required_table_teams": (1, "drop table raw.teams", "base_ai_maturity_raw__teams",
                             "(teams) was not found. Load it, point vars ai_maturity__raw_database / "
                             "ai_maturity__raw_schema at it (it is required)."),
    "required_column_changes_first_commit_at": (2, "alter table raw.changes drop column first_commit_at",
                                                "base_ai_maturity_raw__changes",
                                                "lacks required column(s): first_commit_at"),
    "required_column_of_optional_table": (2, "alter table raw.llm_requests drop column cost_usd",
                                          "base_ai_maturity_raw__llm_requests",
                                          "lacks required column(s): cost_usd"),
    "switched_on_optional_table_absent": (2, "drop table raw.survey_responses", "base_ai_maturity_raw__survey_responses",
                                          "or switch it off with var ai_maturity__survey_responses_enabled: false."),
    "required_table_deployment_changes": (3, "drop table raw.deployment_changes",
                                          "base_ai_maturity_raw__deployment_changes",
                                          "(deployment_changes) was not found"),
}


@pytest.fixture(scope="module")
def missing_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DbtResult]:
    """Each batch of deviations applied to a fresh copy of the clean warehouse, then one `dbt run` of
    the base models that read them (one target path, so later runs parse only what changed)."""
    work = tmp_path_factory.mktemp("missing")
    db_path = work / "warehouse.duckdb"
    results: dict[str, DbtResult] = {}
    for batch in sorted({batch for batch, _, _, _ in MISSING.values()}):
        names = [name for name, (b, _, _, _) in MISSING.items() if b == batch]
        write_warehouse(db_path, CLEAN_RAW)
        with duckdb.connect(str(db_path)) as con:
            for name in names:
                con.execute(MISSING[name][1])
        result = run_dbt(["run", "--select", *(MISSING[name][2] for name in names)], db_path, work)
        results.update(dict.fromkeys(names, result))
    return results


@pytest.mark.parametrize("name", list(MISSING))
def test_missing_table_or_column_fails_with_one_line(missing_results: dict[str, DbtResult], name: str) -> None:
    _, _, model, message = MISSING[name]
    missing_result = missing_results[name]
    table = model.removeprefix("base_ai_maturity_raw__")
    assert not missing_result.success
    assert "Traceback" not in missing_result.output
    statuses = {row["unique_id"].split(".")[-1]: row for row in missing_result.run_results["results"]}
    assert statuses[model]["status"] == "error"
    # the node's message is one line, naming the raw table (and the column)
    node_lines = [line.strip() for line in statuses[model]["message"].splitlines() if "ai_maturity:" in line]
    assert len(node_lines) == 1 and message in node_lines[0] and f'"raw"."{table}"' in node_lines[0], node_lines
    # and the console shows that same single line for this table (repeated in the summary at most)
    console = {
        re.sub(r"^.*?ai_maturity:", "ai_maturity:", line).strip()
        for line in missing_result.output.splitlines()
        if "ai_maturity: raw table" in line and f'"raw"."{table}"' in line
    }
    assert console == {node_lines[0][node_lines[0].index("ai_maturity:"):]}

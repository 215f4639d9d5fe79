"""Assemble every raw table in dependency order, then inject the mess."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import delivery, governance, llm, mess, ml, organisation, people, product, readiness
from .common import END, SIZES, START, US, Ctx
from .profiles import TEAMS
from .schema import TABLES, TS

MS = 1000


@dataclass
class Generated:
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, dict]


def base_model_versions() -> dict[str, str]:
    """The version each model serves on 2025-01-01 (before any 2025 release)."""
    out: dict[str, str] = {}
    for team in TEAMS:
        for k, svc in enumerate(ml.team_models(team.team_id)):
            assert svc.model_name is not None  # team_models: the services that serve a model
            out[svc.model_name] = "2024.11" if team.ml.reproducible_share == 0.0 else str(10 + 7 * k)
    return out


def conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Exactly the contract's columns, in contract order (absent optional columns become null)."""
    spec = TABLES[name]
    out = pd.DataFrame(index=df.index)
    for col in spec.column_names:
        out[col] = df[col] if col in df.columns else pd.NA
    return out.reset_index(drop=True)


def floor_times(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Whole seconds, except LLM request timings which keep milliseconds (time to first token)."""
    unit = MS if name == "llm_requests" else US
    for col in timestamp_columns(name):
        values = pd.array(df[col], dtype="Int64")
        df[col] = values - values % unit
    return df


# event tables and the timestamp columns that must fall inside 2025
_EVENT_TIMES = {
    "changes": ("first_commit_at", "merged_at"),
    "deployments": ("started_at", "finished_at"),
    "incidents": ("started_at", "detected_at", "reported_at", "resolved_at"),
    "training_runs": ("triggered_at", "started_at", "ended_at", "data_snapshot_at"),
    "drift_checks": ("checked_at", "acknowledged_at", "resolved_at"),
    "inference_windows": ("window_start",),
    "llm_requests": ("started_at", "first_token_at", "ended_at"),
    "llm_evaluations": ("evaluated_at",),
    "product_events": ("occurred_at",),
    "survey_responses": ("submitted_at",),
    "explainability_requests": ("requested_at", "fulfilled_at"),
    "bias_audits": ("audited_at", "remediated_at"),
    "model_documentation": ("documented_at",),
    "readiness_assessments": ("assessed_at",),
}


PLAUSIBLE_FROM = 946_684_800_000_000  # 2000-01-01 in epoch microseconds
PLAUSIBLE_UNTIL = 4_102_444_800_000_000  # 2100-01-01


def _check_window(tables: dict[str, pd.DataFrame]) -> None:
    for name, cols in _EVENT_TIMES.items():
        for col in cols:
            v = pd.to_numeric(tables[name][col], errors="coerce").dropna().to_numpy(dtype=np.int64)
            v = v[(v >= PLAUSIBLE_FROM) & (v < PLAUSIBLE_UNTIL)]  # mess.py's deliberately implausible clocks aside
            if len(v) and (v.min() < START or v.max() >= END):
                raise AssertionError(f"{name}.{col} outside 2025: {v.min()} .. {v.max()}")


def _check_keys(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        key = list(TABLES[name].key)
        dup = df.duplicated(key)
        if dup.any():
            raise AssertionError(f"{name}: duplicate keys before mess injection: {df[dup].head(3)[key]}")


def _silent(message: str) -> None:
    """No progress output (the default of generate)."""


def generate(size: str = "small", seed: int = 42, log: Callable[[str], None] = _silent) -> Generated:
    """Every raw table of a profile; `log` receives one line per finished step (progress)."""
    began = time.perf_counter()

    def step(name: str) -> None:
        log(f"{size}: {name} ({time.perf_counter() - began:.1f} s)")

    ctx = Ctx(seed=seed, size=SIZES[size])
    staff = people.build_people(ctx)
    step("people")
    plan = ml.build_ml_plan(ctx)
    base_versions = base_model_versions()
    step("ML plan")
    dlv = delivery.build_delivery(ctx, plan.model_deploys, staff, base_versions)
    step("changes, deployments, incidents")
    usage = product.build_usage(ctx)
    step("product usage")
    llm_out = llm.build_llm(ctx, usage)
    step("LLM requests, chunks, evaluations")
    tables = {
        "teams": organisation.build_teams(),
        "service_ownership": organisation.build_service_ownership(),
        "people": people.people_frame(staff),
        "changes": dlv.changes,
        "deployments": dlv.deployments,
        "deployment_changes": dlv.deployment_changes,
        "incidents": dlv.incidents,
        "training_runs": ml.finalize_runs(ctx, plan.runs),
        "drift_checks": ml.finalize_drift_checks(ctx, plan.drift_checks, dlv.model_timeline),
        "inference_windows": ml.build_inference_windows(ctx, dlv.model_timeline),
        "slo_targets": ml.build_slo_targets(),
        "llm_requests": llm_out.requests,
        "llm_request_chunks": llm_out.chunks,
        "rag_eval_cases": llm_out.rag_eval_cases,
        "llm_evaluations": llm_out.evaluations,
        "product_events": product.build_product_events(ctx, usage, llm_out.votes),
        "survey_responses": people.build_survey_responses(ctx, staff),
        "explainability_requests": governance.build_explainability_requests(ctx),
        "bias_audits": governance.build_bias_audits(ctx),
        "model_documentation": governance.build_model_documentation(ctx, dlv.deployments),
        "readiness_assessments": readiness.build_readiness_assessments(ctx),
    }
    step("every other table")
    tables = {name: floor_times(name, conform(name, tables[name])) for name in TABLES}
    _check_window(tables)
    _check_keys(tables)
    injected = mess.inject(ctx, tables)
    tables = {name: conform(name, tables[name]) for name in TABLES}
    _check_window(tables)
    step("mess injected")
    return Generated(tables=tables, manifest=mess.manifest(tables, injected))


def timestamp_columns(name: str) -> list[str]:
    return [c for c, t in TABLES[name].columns if t == TS]

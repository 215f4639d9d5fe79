"""Governance: explainability requests, bias audits and model documentation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DAY, END, HOUR, N_MONTHS, START, Ctx, daily_load_time, month_end, month_start, seq_ids
from .ml import team_models
from .profiles import TEAMS

_REQUESTERS = np.array(["auditor", "regulator", "customer", "internal"], dtype=object)


def build_explainability_requests(ctx: Ctx) -> pd.DataFrame:
    rows = []
    for team in TEAMS:
        rng = ctx.rng("explainability", team.team_id)
        models = [s.model_name for s in team_models(team.team_id) if s.model_name is not None]
        for m in range(N_MONTHS):
            n = int(rng.poisson(team.ml.explainability_per_month * ctx.size.deploy_scale))
            for _ in range(n):
                requested = month_start(m) + int(rng.uniform(0, 1) * (month_end(m) - month_start(m) - HOUR))
                fulfilled: int | None  # None: never fulfilled
                fulfilled = requested + int(rng.uniform(*team.ml.fulfil_days) * DAY)
                if rng.random() < team.ml.unfulfilled_share or fulfilled >= END:
                    fulfilled = None
                rows.append((team.team_id, str(rng.choice(models)) if rng.random() < 0.9 else None, requested,
                             fulfilled, str(rng.choice(_REQUESTERS, p=[0.2, 0.1, 0.3, 0.4]))))
    df = pd.DataFrame(rows, columns=["team_id", "model_name", "requested_at", "fulfilled_at", "requester_type"])
    df = df.sort_values(["requested_at", "team_id"], ignore_index=True)
    df.insert(0, "request_id", seq_ids("xr-", len(df), 5))
    df["model_name"] = pd.array(df["model_name"].to_numpy(dtype=object), dtype="str")
    df["fulfilled_at"] = pd.array(df["fulfilled_at"].to_numpy(dtype=object), dtype="Int64")
    df["_loaded_at"] = daily_load_time(df["requested_at"].to_numpy(), ctx.rng("explainability", "loaded"))
    return df


def build_bias_audits(ctx: Ctx) -> pd.DataFrame:
    rows = []
    for team in TEAMS:
        rng = ctx.rng("bias", team.team_id)
        for month1 in team.ml.bias_audit_months:
            m = month1 - 1
            for svc in team_models(team.team_id):
                audited = month_start(m) + int(rng.uniform(3, 20) * DAY) + 10 * HOUR
                findings = int(rng.poisson(1.2))
                remediated = None
                if findings:
                    r = audited + int(rng.uniform(*team.ml.remediation_days) * DAY)
                    remediated = r if r < END and rng.random() < 0.9 else None
                rows.append((team.team_id, svc.model_name, audited, findings, remediated))
    df = pd.DataFrame(rows, columns=["team_id", "model_name", "audited_at", "findings_count", "remediated_at"])
    df = df.sort_values(["audited_at", "model_name"], ignore_index=True)
    df.insert(0, "audit_id", seq_ids("audit-", len(df), 4))
    df["remediated_at"] = pd.array(df["remediated_at"].to_numpy(dtype=object), dtype="Int64")
    df["_loaded_at"] = daily_load_time(df["audited_at"].to_numpy(), ctx.rng("bias", "loaded"))
    return df


def build_model_documentation(ctx: Ctx, deployments: pd.DataFrame) -> pd.DataFrame:
    """One model card per model version released to production (some teams document little)."""
    rel = deployments[(deployments["artifact_type"] == "model") & (deployments["environment"] == "production")]
    first = rel.sort_values("started_at").drop_duplicates(["model_name", "model_version"])
    owner = {s.model_name: t for t in TEAMS for s in team_models(t.team_id)}
    rows = []
    for r in first.itertuples():
        team = owner[r.model_name]
        rng = ctx.rng("docs", r.model_name, r.model_version)
        if rng.random() >= team.ml.documented_share:
            continue
        lo, hi = team.ml.documentation_fields
        rows.append((r.model_name, r.model_version, team.team_id,
                     max(START + HOUR, int(r.started_at - rng.uniform(1, 48) * HOUR)), 12,
                     int(rng.integers(lo, hi + 1))))
    df = pd.DataFrame(rows, columns=["model_name", "model_version", "team_id", "documented_at", "required_fields",
                                     "completed_fields"])
    df["_loaded_at"] = daily_load_time(df["documented_at"].to_numpy(), ctx.rng("docs", "loaded"))
    return df

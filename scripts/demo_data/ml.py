"""ML lifecycle: MLflow-like training runs, Evidently-like drift checks (one row per monitor run),
the plan of model releases, Prometheus-like inference windows and SLO targets."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import (
    DAY,
    DIMENSION_LOADED_AT,
    END,
    HOUR,
    MINUTE,
    N_MONTHS,
    START,
    Ctx,
    daily_load_time,
    hex_tokens,
    month_end,
    month_of,
    month_start,
    seq_ids,
    weekdays_of_month,
)
from .profiles import SERVICES, TEAMS, ServiceSpec, TeamProfile


def team_models(team_id: str) -> list[ServiceSpec]:
    return [s for s in SERVICES if s.team_id == team_id and s.model_name is not None]


def monitored_models(team: TeamProfile) -> list[ServiceSpec]:
    models = team_models(team.team_id)
    if team.ml.monitored == "all":
        return models
    if team.ml.monitored == "first":
        return models[:1]
    return []


@dataclass
class MlPlan:
    runs: pd.DataFrame
    drift_checks: pd.DataFrame  # model_version filled in later from the release timeline
    model_deploys: pd.DataFrame  # planned model releases: service, model, run, version, finished_at


# ---------------------------------------------------------------------------------------------
def build_drift_checks(ctx: Ctx) -> pd.DataFrame:
    frames = []
    per_day = ctx.size.checks_per_day
    for team in TEAMS:
        models = monitored_models(team)
        if not models:
            continue
        rng = ctx.rng("drift", team.team_id)
        for k, svc in enumerate(models):
            days = np.arange(START, END, DAY, dtype=np.int64)
            slot = np.arange(per_day, dtype=np.int64) * (DAY // per_day)
            checked = (days[:, None] + slot[None, :] + 10 * MINUTE + k * 2 * MINUTE).reshape(-1)
            checked = checked + rng.integers(0, 5 * 60, size=len(checked)) * 1_000_000  # within the slot
            n = len(checked)
            detected = np.zeros(n, dtype=bool)
            false_pos = np.full(n, None, dtype=object)
            first_of_day = np.arange(n) % per_day == 0
            for m in range(N_MONTHS):
                in_month = np.flatnonzero(first_of_day & (month_of(checked) == m))
                day_of_month = (checked[in_month] - month_start(m)) // DAY
                eligible = in_month[(day_of_month >= 1) & (day_of_month <= 23)]
                picks = rng.choice(eligible, size=team.ml.alerts_per_model_month, replace=False)
                detected[picks] = True
                false_pos[picks] = False
                if k == 0 and team.ml.false_alerts_per_month:
                    rest = np.setdiff1d(np.flatnonzero(first_of_day & (month_of(checked) == m)), picks)
                    rest = rest[((checked[rest] - month_start(m)) // DAY) <= 26]
                    fp = rng.choice(rest, size=team.ml.false_alerts_per_month, replace=False)
                    detected[fp] = True
                    false_pos[fp] = True
            share = np.where(detected, rng.uniform(0.5, 0.9, n), rng.uniform(0.0, 0.3, n))
            mature = team.levels.process >= 3
            ack = checked + (rng.uniform(0.2, 6, n) if mature else rng.uniform(4, 48, n)) * HOUR
            resolved = ack + rng.uniform(2, 30, n) * HOUR
            ack = np.where(detected, ack.astype(np.int64), -1)
            resolved = np.where(detected & (resolved < END - HOUR), resolved.astype(np.int64), -1)
            severity = np.where(share > 0.8, "high", np.where(share > 0.65, "medium", "low"))
            frames.append(
                pd.DataFrame(
                    {
                        "team_id": team.team_id,
                        "model_name": svc.model_name,
                        "service_id": svc.service_id,
                        "monitor_name": f"evidently_{svc.model_name}_data_drift",
                        "checked_at": checked,
                        "drift_detected": detected,
                        "drift_score": np.round(share + rng.normal(0, 0.01, n), 4).clip(0, 1),
                        "stattest_threshold": 0.05,
                        "share_of_drifted_columns": np.round(share, 4),
                        # numpy's stubs reject None as np.where's x or y (a null in an object array): the ignores below
                        "severity": pd.array(np.where(detected, severity, None), dtype="str"),  # type: ignore[call-overload]
                        "acknowledged_at": pd.array(np.where(ack >= 0, ack, None), dtype="Int64"),  # type: ignore[call-overload]
                        "resolved_at": pd.array(np.where(resolved >= 0, resolved, None), dtype="Int64"),  # type: ignore[call-overload]
                        "is_false_positive": pd.array(false_pos, dtype="boolean"),
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True).sort_values(["checked_at", "model_name"], ignore_index=True)
    df.insert(0, "check_id", seq_ids("dc-", len(df)))
    return df


# ---------------------------------------------------------------------------------------------
def _run_rows_for_team(ctx: Ctx, team: TeamProfile, alerts: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng("runs", team.team_id)
    ml = team.ml
    models = team_models(team.team_id)
    rows: list[dict] = []
    for m in range(N_MONTHS):
        ms = month_start(m)
        for k, svc in enumerate(models):
            n = ml.scheduled_runs_per_model_month
            for i in range(n):
                day = 1 + int(i * 27 / n) + (k % 2)
                rows.append({"model_name": svc.model_name, "trigger_type": "schedule",
                             "triggered_at": ms + day * DAY + 2 * HOUR + k * 20 * MINUTE})
        weekdays = weekdays_of_month(m)
        weekdays = weekdays[weekdays < ms + 25 * DAY]
        for _ in range(ml.manual_runs_per_month):
            day = int(rng.choice(weekdays))
            svc = models[int(rng.integers(0, len(models)))]
            rows.append({"model_name": svc.model_name, "trigger_type": "manual",
                         "triggered_at": day + int(rng.uniform(10, 17) * HOUR)})
        for i in range(ml.other_auto_runs_per_month):
            day = ms + int(rng.integers(1, 25)) * DAY
            svc = models[int(rng.integers(0, len(models)))]
            rows.append({"model_name": svc.model_name, "trigger_type": "new_data" if i % 2 == 0 else "ci",
                         "triggered_at": day + int(rng.uniform(0, 24) * HOUR)})
    if ml.drift_retrain != "none":
        for alert in alerts.itertuples():
            delay = rng.uniform(*ml.drift_retrain_delay_hours)
            rows.append({
                "model_name": alert.model_name,
                "trigger_type": "data_drift" if ml.drift_retrain == "auto" else "manual",
                "triggered_at": int(alert.checked_at + delay * HOUR),
                "drift_check_id": alert.check_id,
            })
    runs = pd.DataFrame(rows)
    if "drift_check_id" not in runs:
        runs["drift_check_id"] = None
    runs = runs.sort_values(["triggered_at", "model_name"], ignore_index=True)
    n = len(runs)
    manual = (runs["trigger_type"] == "manual").to_numpy()
    runs["started_at"] = runs["triggered_at"] + np.where(manual, MINUTE, rng.integers(1, 15, n) * MINUTE)
    duration = (rng.uniform(*ml.run_hours, size=n) * HOUR).astype(np.int64)
    ended = runs["started_at"].to_numpy() + duration
    # status: the first few runs of a team-month always finish, later ones may fail
    month = month_of(runs["triggered_at"].to_numpy())
    rank = pd.Series(np.arange(n)).groupby(month).cumcount().to_numpy()
    r = rng.random(n)
    protected = (rank < ml.min_finished_runs_per_month + 1) | runs["drift_check_id"].notna().to_numpy()
    status = np.where(protected, "finished", np.where(r < 0.06, "failed", np.where(r < 0.08, "killed", "finished")))
    running = ended >= END - MINUTE
    status = np.where(running, "running", status)
    runs["status"] = status
    runs["ended_at"] = pd.array(np.where(running, None, ended), dtype="Int64")
    finished = status == "finished"
    # tracking: an exact share of each month's finished runs (by ended_at) is fully reproducible
    tracked = np.zeros(n, dtype=bool)
    ended_month = month_of(np.where(running, runs["started_at"].to_numpy(), ended))
    for mm in range(N_MONTHS):
        idx = np.flatnonzero(finished & (ended_month == mm))
        k = int(math.ceil(ml.reproducible_share * len(idx) - 1e-9))
        if k:
            tracked[rng.choice(idx, size=k, replace=False)] = True
    tracked |= ~finished & (ml.reproducible_share >= 1.0)
    no_tracking = ml.reproducible_share == 0.0
    missing = rng.integers(0, 4, size=n)  # which field an untracked run misses
    git = hex_tokens(rng, n, 40)
    digest = hex_tokens(rng, n, 12)
    # numpy's stubs reject None as np.where's x or y (a null in an object array): the ignores below
    runs["git_commit"] = pd.array(np.where(tracked | (~no_tracking & (missing != 0)), git, None), dtype="str")  # type: ignore[call-overload]
    runs["dataset_digest"] = pd.array(np.where(tracked | (~no_tracking & (missing != 1)), digest, None), dtype="str")  # type: ignore[call-overload]
    runs["params_logged"] = pd.array(np.where(no_tracking, None, tracked | (missing != 2)), dtype="boolean")
    runs["metrics_logged"] = pd.array(np.where(no_tracking, None, tracked | (missing != 3)), dtype="boolean")
    if ml.eval_gated:
        gate = np.where(finished, rng.random(n) >= ml.gate_fail_share, None)  # type: ignore[call-overload]
        gate = np.where(finished & runs["drift_check_id"].notna().to_numpy(), True, gate)
    else:
        gate = np.full(n, None, dtype=object)
    runs["eval_gate_passed"] = pd.array(gate, dtype="boolean")
    lag = (rng.uniform(*ml.data_lag_hours, size=n) * HOUR).astype(np.int64)
    snapshot = np.maximum(runs["started_at"].to_numpy() - lag, START)
    has_snapshot = ~no_tracking | (rng.random(n) < 0.5)
    runs["data_snapshot_at"] = pd.array(np.where(has_snapshot, snapshot, None), dtype="Int64")
    registrable = finished & (gate == True if ml.eval_gated else (tracked & ~no_tracking))  # noqa: E712
    versions = np.full(n, None, dtype=object)
    for k, svc in enumerate(models):
        idx = np.flatnonzero(registrable & (runs["model_name"].to_numpy() == svc.model_name))
        base = 10 + 7 * k
        versions[idx] = [str(base + i) for i in range(1, len(idx) + 1)]
    runs["registered_model_version"] = pd.array(versions, dtype="str")
    runs["experiment_name"] = pd.array(
        np.where(no_tracking, None, "/" + team.team_id + "/" + runs["model_name"].astype(str)), dtype="str"
    )
    runs["team_id"] = team.team_id
    return runs


def _model_deploy_plan(ctx: Ctx, team: TeamProfile, runs: pd.DataFrame) -> list[dict]:
    rng = ctx.rng("model_deploys", team.team_id)
    ml = team.ml
    plan: list[dict] = []
    max_delay = ml.model_deploy_delay_hours[1] * HOUR
    finished = runs[runs["status"] == "finished"].copy()
    finished["ended"] = finished["ended_at"].astype("int64")
    untracked_team = ml.reproducible_share == 0.0
    for svc in team_models(team.team_id):
        mine = finished[finished["model_name"] == svc.model_name]
        if not untracked_team:
            mine = mine[mine["registered_model_version"].notna()]
        chosen_ids: set[str] = set()
        for m in range(N_MONTHS):
            if ml.model_deploy_months is not None and (m + 1) not in ml.model_deploy_months:
                continue
            in_month = mine[(mine["ended"] >= month_start(m)) & (mine["ended"] < month_end(m) - max_delay - DAY)]
            if ml.deploy_after_drift_run:
                in_month = in_month[in_month["drift_check_id"].isna()]
            if len(in_month) == 0:
                continue
            k = min(ml.model_deploys_per_model_month, len(in_month))
            positions = np.linspace(0, len(in_month) - 1, k).round().astype(int)
            for pos in sorted(set(positions.tolist())):
                chosen_ids.add(in_month.iloc[pos]["run_id"])
        if ml.deploy_after_drift_run:
            chosen_ids |= set(mine.loc[mine["drift_check_id"].notna(), "run_id"])
        for run in mine[mine["run_id"].isin(chosen_ids)].itertuples():
            finished_at = int(run.ended + rng.uniform(*ml.model_deploy_delay_hours) * HOUR)
            if finished_at >= END - 2 * DAY:
                continue
            version = run.registered_model_version
            if untracked_team or version is None or pd.isna(version):
                version = f"2025.{month_of(finished_at) + 1:02d}"
            linked = rng.random() < ml.link_training_run_share
            plan.append({
                "team_id": team.team_id, "service_id": svc.service_id, "model_name": svc.model_name,
                "training_run_id": run.run_id if linked else None, "model_version": str(version),
                "finished_at": finished_at,
            })
    return plan


def build_ml_plan(ctx: Ctx) -> MlPlan:
    checks = build_drift_checks(ctx)
    run_frames = []
    for team in TEAMS:
        alerts = checks[(checks["team_id"] == team.team_id) & checks["drift_detected"]
                        & (checks["is_false_positive"] == False)]  # noqa: E712
        run_frames.append(_run_rows_for_team(ctx, team, alerts))
    runs = pd.concat(run_frames, ignore_index=True).sort_values(["triggered_at", "model_name"], ignore_index=True)
    runs.insert(0, "run_id", seq_ids("run-", len(runs), 6))
    plan: list[dict] = []
    for team in TEAMS:
        plan += _model_deploy_plan(ctx, team, runs[runs["team_id"] == team.team_id])
    return MlPlan(runs=runs, drift_checks=checks, model_deploys=pd.DataFrame(plan))


def finalize_runs(ctx: Ctx, runs: pd.DataFrame) -> pd.DataFrame:
    df = runs.copy()
    df["_loaded_at"] = daily_load_time(df["started_at"].to_numpy(), ctx.rng("runs", "loaded"))
    return df


# ---------------------------------------------------------------------------------------------
def version_at(timeline: dict[str, tuple[np.ndarray, np.ndarray]], model: str, t: np.ndarray) -> np.ndarray:
    """Deployed model version at each time, from the release timeline (times, versions)."""
    times, versions = timeline[model]
    pos = np.searchsorted(times, t, side="right") - 1
    return versions[np.clip(pos, 0, len(versions) - 1)]


def finalize_drift_checks(ctx: Ctx, checks: pd.DataFrame, timeline: dict) -> pd.DataFrame:
    df = checks.copy()
    versions = np.empty(len(df), dtype=object)
    for model, idx in df.groupby("model_name").indices.items():
        versions[idx] = version_at(timeline, model, df["checked_at"].to_numpy()[idx])
    df["model_version"] = pd.array(versions, dtype="str")
    df["_loaded_at"] = daily_load_time(df["checked_at"].to_numpy(), ctx.rng("drift", "loaded"))
    return df.drop(columns=["service_id"])


def build_inference_windows(ctx: Ctx, timeline: dict) -> pd.DataFrame:
    per_day = ctx.size.windows_per_day
    width = DAY // per_day
    frames = []
    for team in TEAMS:
        svcs = team_models(team.team_id)
        if not svcs:
            continue
        rng = ctx.rng("windows", team.team_id)
        starts = np.arange(START, END, width, dtype=np.int64)
        months = month_of(starts)
        n_windows = len(starts)
        for svc in svcs:
            mean_requests = svc.requests_per_day * ctx.size.volume / per_day
            requests = np.maximum(1, rng.poisson(mean_requests, n_windows))
            allowed = np.floor(0.8 * (1 - svc.availability_objective) * requests).astype(np.int64)
            errors = np.minimum(rng.poisson(np.maximum(allowed, 1) * 0.25), allowed)
            p95 = svc.base_latency_ms * rng.uniform(1.6, 2.2, n_windows)
            p95 = np.minimum(p95, svc.latency_objective_ms * rng.uniform(0.55, 0.9, n_windows))
            frames.append(pd.DataFrame({
                "team_id": team.team_id, "service_id": svc.service_id, "model_name": svc.model_name,
                "window_start": starts, "window_end": starts + width, "month": months,
                "request_count": requests, "error_count": errors, "p95": p95,
                "objective_latency": svc.latency_objective_ms, "objective_avail": svc.availability_objective,
                "base_latency": svc.base_latency_ms,
            }))
        team_df = pd.concat(frames[-len(svcs):], ignore_index=True)
        # an exact number of SLO breaches per month, spread over the team's served models
        for m in range(N_MONTHS):
            idx = np.flatnonzero(team_df["month"].to_numpy() == m)
            k = max(team.ml.sla_min_fail, int(round(team.ml.sla_fail_share * len(idx))))
            if k == 0:
                continue
            picks = rng.choice(idx, size=k, replace=False)
            for j, pick in enumerate(sorted(picks)):
                if j % 2 == 0:  # latency breach
                    team_df.loc[pick, "p95"] = team_df.loc[pick, "objective_latency"] * rng.uniform(1.15, 1.8)
                else:  # availability breach
                    req = team_df.loc[pick, "request_count"]
                    team_df.loc[pick, "error_count"] = int(
                        math.ceil(req * (1 - team_df.loc[pick, "objective_avail"]) * rng.uniform(2, 6))
                    )
        frames[-len(svcs):] = [team_df]
    df = pd.concat(frames, ignore_index=True)
    n = len(df)
    rng = ctx.rng("windows", "latency")
    p95 = df["p95"].to_numpy()
    df["latency_p50_ms"] = np.round(p95 * rng.uniform(0.35, 0.55, n), 2)
    df["latency_p95_ms"] = np.round(p95, 2)
    df["latency_p99_ms"] = np.round(p95 * rng.uniform(1.3, 2.0, n), 2)
    versions = np.empty(n, dtype=object)
    for model, idx in df.groupby("model_name").indices.items():
        versions[idx] = version_at(timeline, model, df["window_start"].to_numpy()[idx])
    df["model_version"] = pd.array(versions, dtype="str")
    df["_loaded_at"] = daily_load_time(df["window_end"].to_numpy() - 1, ctx.rng("windows", "loaded"))
    return df.drop(columns=["team_id", "month", "p95", "objective_latency", "objective_avail", "base_latency"])


def build_slo_targets() -> pd.DataFrame:
    rows = []
    for svc in SERVICES:
        if svc.model_name is None:
            continue
        rows.append((svc.service_id, "availability", svc.availability_objective, svc.slo_class))
        rows.append((svc.service_id, "latency_p95_ms", svc.latency_objective_ms, svc.slo_class))
    df = pd.DataFrame(rows, columns=["service_id", "sli", "objective", "slo_class"])
    df["_loaded_at"] = DIMENSION_LOADED_AT
    return df

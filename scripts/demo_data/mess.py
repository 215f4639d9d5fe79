"""Injected bad rows — few, and placed where they cannot move a team's designed level — recorded
in the manifest so the dbt quarantine can be reconciled against it.

Kinds: *duplicates* (re-delivered rows with the same key: later, equal or null `_loaded_at`),
*rejected* rows (the quarantine must drop them) and *flagged* rows (staged with the spoiled field
nulled). Upper-case spellings of valid enumeration values are injected too but are not anomalies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .common import DAY, HOUR, MINUTE, Ctx, ts
from .schema import TABLES


@dataclass
class Anomaly:
    table: str
    category: str  # duplicate | rejected | flagged
    reason: str
    key: dict[str, Any]


@dataclass
class MessLog:
    anomalies: list[Anomaly] = field(default_factory=list)
    case_folded: Counter = field(default_factory=Counter)

    def add(self, table: str, category: str, reason: str, row: pd.Series | dict) -> None:
        key = {k: _plain(row[k]) for k in TABLES[table].key}
        self.anomalies.append(Anomaly(table, category, reason, key))


def _plain(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    return v if isinstance(v, (str, int, float, bool)) else str(v)


def _append(df: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    extra = pd.DataFrame(rows, columns=df.columns)
    for c in df.columns:  # keep the column's dtype family
        try:
            extra[c] = extra[c].astype(df[c].dtype)
        except (TypeError, ValueError):
            pass
    return pd.concat([df, extra], ignore_index=True)


def _row(df: pd.DataFrame, i: int) -> dict:
    return {c: df.at[i, c] for c in df.columns}


def _duplicate(log: MessLog, tables: dict[str, pd.DataFrame], name: str, idx: list[int], mode: str) -> None:
    """Re-deliver rows `idx` of a table: mode later | equal | null (`_loaded_at` of the copy)."""
    df = tables[name]
    rows = []
    for i in idx:
        r = _row(df, i)
        if mode == "later":
            r["_loaded_at"] = int(r["_loaded_at"]) + DAY + 7 * HOUR
        elif mode == "null":
            r["_loaded_at"] = None
        rows.append(r)
        log.add(name, "duplicate", f"redelivered_{mode}_loaded_at", r)
    tables[name] = _append(df, rows)


def _pick(rng: np.random.Generator, mask: pd.Series | np.ndarray, k: int = 1) -> list[int]:
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    return sorted(int(i) for i in rng.choice(idx, size=k, replace=False))


def _mid_year(times: pd.Series) -> np.ndarray:
    """Sources of time-shifted copies are taken from mid-year so the copies stay inside 2025."""
    t = pd.to_numeric(times).astype("float").to_numpy()
    return (t >= ts("2025-03-01")) & (t < ts("2025-11-01"))


def inject(ctx: Ctx, tables: dict[str, pd.DataFrame]) -> MessLog:
    log = MessLog()
    _deployments(ctx, tables, log)
    _incidents(ctx, tables, log)
    _training_runs(ctx, tables, log)
    _monitoring(ctx, tables, log)
    _llm(ctx, tables, log)
    _product_and_people(ctx, tables, log)
    _impossible_values(ctx, tables, log)
    _readiness(ctx, tables, log)
    return log


def _deployments(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "deployments")
    d = t["deployments"]
    clean = (d["environment"] == "production") & (d["status"] == "success") & (d["artifact_type"] == "code") \
        & (d["is_unplanned"] == False) & (d["is_rollback"] == False) & d["rollback_of_deployment_id"].isna()  # noqa: E712
    clean = clean.fillna(False).to_numpy(dtype=bool)
    referenced = set(d["rollback_of_deployment_id"].dropna()) | set(t["incidents"]["caused_by_deployment_id"].dropna())
    clean &= ~d["deployment_id"].isin(referenced).to_numpy()
    june = (d["finished_at"] >= ts("2025-06-01")) & (d["finished_at"] < ts("2025-07-01"))
    new = []
    # an unknown status (rejected), a copy of a real deployment of a mid-maturity team
    base = _row(d, _pick(rng, clean & (d["service_id"] == "svc_recs_api").to_numpy() & _mid_year(d["finished_at"]))[0])
    base.update(deployment_id="dep-x-000001", status="succeeded", finished_at=base["finished_at"] + HOUR,
                started_at=base["started_at"] + HOUR)
    new.append(base)
    log.add("deployments", "rejected", "unknown_enum:status", base)
    # a deployment of a service nobody owns (rejected)
    base = _row(d, _pick(rng, clean & june.to_numpy())[0])
    base.update(deployment_id="dep-x-000002", service_id="svc_unknown", team_id=None,
                artifact_version="svc_unknown-2025.06.18-0000000")
    new.append(base)
    log.add("deployments", "rejected", "unknown_service", base)
    # a bad clock: finished before it started (flagged; the event itself is real)
    auto = clean & (d["service_id"] == "svc_anomaly_api").to_numpy() & june.to_numpy()
    base = _row(d, _pick(rng, auto)[0])
    base.update(deployment_id="dep-x-000003", finished_at=base["finished_at"] + 2 * MINUTE,
                started_at=base["finished_at"] + 17 * MINUTE, _loaded_at=base["_loaded_at"])
    new.append(base)
    log.add("deployments", "flagged", "negative_duration", base)
    t["deployments"] = _append(d, new)
    d = t["deployments"]
    pool = np.flatnonzero(clean)
    dup = sorted(rng.choice(pool, size=3, replace=False).tolist())
    _duplicate(log, t, "deployments", dup[:2], "later")
    _duplicate(log, t, "deployments", dup[2:], "equal")
    # valid values in upper / mixed case: staged after lower-casing, not anomalies
    d = t["deployments"]
    rest = np.setdiff1d(pool, dup)
    for i in rng.choice(rest, size=3, replace=False):
        d.at[int(i), "status"] = "SUCCESS"
        log.case_folded["deployments"] += 1
    rest = np.setdiff1d(rest, np.flatnonzero(d["status"].to_numpy() == "SUCCESS"))
    pipe = rest[d["trigger"].to_numpy()[rest] == "pipeline"]
    for i in rng.choice(pipe, size=2, replace=False):
        d.at[int(i), "trigger"] = "Pipeline"
        log.case_folded["deployments"] += 1
    dc = t["deployment_changes"]
    _duplicate(log, t, "deployment_changes", _pick(rng, np.ones(len(dc), dtype=bool)), "later")
    _duplicate(log, t, "changes", _pick(rng, np.ones(len(t["changes"]), dtype=bool)), "later")


def _incidents(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "incidents")
    inc = t["incidents"]
    background = inc["caused_by_deployment_id"].isna() & inc["resolved_at"].notna()
    base = _row(inc, _pick(rng, background)[0])
    base.update(incident_id="inc-x-00001", detected_at=None)
    log.add("incidents", "rejected", "missing_required:detected_at", base)
    other = _row(inc, _pick(rng, background)[0])
    other.update(incident_id="inc-x-00002", severity="critical")
    log.add("incidents", "rejected", "unknown_enum:severity", other)
    t["incidents"] = _append(inc, [base, other])
    inc = t["incidents"]
    # an open incident delivered first, then re-delivered once resolved (the later row wins)
    i = _pick(rng, background.reindex(inc.index, fill_value=False))[0]
    early = _row(inc, i)
    early.update(resolved_at=None, _loaded_at=int(early["_loaded_at"]) - HOUR)
    log.add("incidents", "duplicate", "redelivered_earlier_open_version", early)
    t["incidents"] = _append(inc, [early])
    inc = t["incidents"]
    for j in _pick(rng, (inc["severity"] == "sev3") & inc["caused_by_deployment_id"].isna(), 2):
        inc.at[j, "severity"] = "SEV3"
        log.case_folded["incidents"] += 1


def _training_runs(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "training_runs")
    runs = t["training_runs"]
    sched = (runs["trigger_type"] == "schedule") & (runs["status"] == "finished")
    base = _row(runs, _pick(rng, sched & (runs["team_id"] == "team_auto") & _mid_year(runs["started_at"]))[0])
    base.update(run_id="run-x-00001", ended_at=int(base["started_at"]) - 30 * MINUTE, registered_model_version=None,
                triggered_at=int(base["triggered_at"]) + 3 * HOUR, started_at=int(base["started_at"]) + 3 * HOUR)
    base["ended_at"] = int(base["started_at"]) - 30 * MINUTE
    log.add("training_runs", "flagged", "negative_duration", base)
    snap = _row(runs, _pick(rng, sched & (runs["team_id"] == "team_optimizing_b") & _mid_year(runs["started_at"]))[0])
    snap.update(run_id="run-x-00002", registered_model_version=None, triggered_at=int(snap["triggered_at"]) + 4 * HOUR,
                started_at=int(snap["started_at"]) + 4 * HOUR, ended_at=int(snap["ended_at"]) + 4 * HOUR)
    snap["data_snapshot_at"] = int(snap["started_at"]) + 2 * HOUR
    log.add("training_runs", "flagged", "data_snapshot_after_start", snap)
    cron = _row(runs, _pick(rng, sched & (runs["team_id"] == "team_scaling_a"))[0])
    cron.update(run_id="run-x-00003", trigger_type="cron", registered_model_version=None)
    log.add("training_runs", "rejected", "unknown_enum:trigger_type", cron)
    t["training_runs"] = _append(runs, [base, snap, cron])
    _duplicate(log, t, "training_runs", _pick(rng, sched.reindex(t["training_runs"].index, fill_value=False)), "later")


def _monitoring(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "monitoring")
    dc = t["drift_checks"]
    ghost = _row(dc, _pick(rng, ~dc["drift_detected"].to_numpy(dtype=bool))[0])
    ghost.update(check_id="dc-x-000001", team_id="team_ghost", model_name="ghost_model",
                 monitor_name="evidently_ghost_model_data_drift")
    log.add("drift_checks", "rejected", "unknown_team", ghost)
    t["drift_checks"] = _append(dc, [ghost])
    _duplicate(log, t, "drift_checks", _pick(rng, ~t["drift_checks"]["drift_detected"].to_numpy(dtype=bool)), "later")
    w = t["inference_windows"]
    base = _row(w, _pick(rng, (w["service_id"] == "svc_anomaly_api").to_numpy())[0])
    start = int(base["window_start"]) - int(base["window_start"]) % DAY + 12 * HOUR + 30 * MINUTE
    base.update(window_start=start, window_end=start + HOUR, request_count=500, error_count=800)
    log.add("inference_windows", "rejected", "out_of_range:error_count", base)
    t["inference_windows"] = _append(w, [base])
    _duplicate(log, t, "inference_windows", _pick(rng, (t["inference_windows"]["service_id"] == "svc_eta_api").to_numpy()),
               "equal")


def _llm(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "llm")
    req = t["llm_requests"]
    ok_chat = ((req["team_id"] == "team_auto") & (req["operation_name"] == "chat") & (req["status"] == "ok")
               & req["parent_request_id"].isna()).to_numpy(dtype=bool)
    streaming_ok = ok_chat & req["first_token_at"].notna().to_numpy()
    new = []
    for n, (reason, mask) in enumerate(
        [("negative_tokens", ok_chat), ("negative_cost", ok_chat), ("first_token_before_start", streaming_ok)], start=1
    ):
        r = _row(req, _pick(rng, mask & _mid_year(req["started_at"]))[0])
        r["request_id"] = f"f1a99ed0000000{n:02d}"
        r["trace_id"] = f"f1a99ed00000000000000000000000{n:02d}"
        r["started_at"] = int(r["started_at"]) + 7 * MINUTE
        r["ended_at"] = int(r["ended_at"]) + 7 * MINUTE
        if r["first_token_at"] is not None and not pd.isna(r["first_token_at"]):
            r["first_token_at"] = int(r["first_token_at"]) + 7 * MINUTE
        if reason == "negative_tokens":
            r["output_tokens"] = -12
        elif reason == "negative_cost":
            r["cost_usd"] = -0.0042
        else:
            r["first_token_at"] = int(r["started_at"]) - 250_000
        new.append(r)
        log.add("llm_requests", "flagged", reason, r)
    t["llm_requests"] = _append(req, new)
    req = t["llm_requests"]
    pool = np.flatnonzero(ok_chat)
    dup = sorted(rng.choice(pool, size=3, replace=False).tolist())
    _duplicate(log, t, "llm_requests", dup[:2], "later")
    _duplicate(log, t, "llm_requests", dup[2:], "null")
    req = t["llm_requests"]
    for i in rng.choice(np.setdiff1d(np.flatnonzero((req["status"] == "ok").to_numpy()), dup), size=3, replace=False):
        req.at[int(i), "status"] = "OK"
        log.case_folded["llm_requests"] += 1
    ch = t["llm_request_chunks"]
    orphan = _row(ch, 0)
    orphan.update(request_id="0000deadbeef0000", chunk_id="kb-ks-0042#03", kind="retrieved", rank=1)
    log.add("llm_request_chunks", "rejected", "orphan:llm_requests", orphan)
    t["llm_request_chunks"] = _append(ch, [orphan])
    _duplicate(log, t, "llm_request_chunks", _pick(rng, np.ones(len(ch), dtype=bool)), "later")
    ev = t["llm_evaluations"]
    adv = ((ev["suite"] == "adversarial") & (ev["team_id"] == "team_auto") & (ev["evaluation_name"] == "toxicity")).to_numpy()
    bad = _row(ev, _pick(rng, adv)[0])
    bad.update(evaluation_id="ev-x-0000001", score_value=1.35, passed=False)
    log.add("llm_evaluations", "rejected", "out_of_range:score_value", bad)
    t["llm_evaluations"] = _append(ev, [bad])
    _duplicate(log, t, "llm_evaluations", _pick(rng, (t["llm_evaluations"]["suite"] == "production_sample").to_numpy()),
               "later")


def _product_and_people(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    rng = ctx.rng("mess", "product")
    pe = t["product_events"]
    click = _row(pe, _pick(rng, (pe["event_type"] == "feature_use").to_numpy())[0])
    click.update(event_id="evt-x-0000001", event_type="click")
    log.add("product_events", "rejected", "unknown_enum:event_type", click)
    t["product_events"] = _append(pe, [click])
    pe = t["product_events"]
    uses = np.flatnonzero((pe["event_type"] == "feature_use").to_numpy())
    _duplicate(log, t, "product_events", sorted(rng.choice(uses, size=3, replace=False).tolist()), "later")
    pe = t["product_events"]
    for i in rng.choice(np.flatnonzero((pe["event_type"] == "active").to_numpy()), size=2, replace=False):
        pe.at[int(i), "event_type"] = "Active"
        log.case_folded["product_events"] += 1

    sr = t["survey_responses"]
    target = ((sr["team_id"] == "team_auto") & (sr["wave"] == "2025-q2") & (sr["item_code"] == "ps_2")).to_numpy()
    i = _pick(rng, target)[0]
    sr.at[i, "response_value"] = 9
    log.add("survey_responses", "rejected", "out_of_range:response_value", _row(sr, i))
    r = _row(sr, i)
    r.update(response_id="resp-x-000001", instrument="engagement", item_code="en_1", response_value=4, scale_min=1,
             scale_max=5, reverse_scored=False, comment_text=None)
    log.add("survey_responses", "rejected", "unknown_enum:instrument", r)
    t["survey_responses"] = _append(sr, [r])
    sr = t["survey_responses"]
    _duplicate(log, t, "survey_responses", _pick(rng, (sr["instrument"] == "westrum").to_numpy()), "later")

    people = t["people"]
    ghost = _row(people, _pick(rng, (people["team_id"] == "team_tracked_b").to_numpy())[0])
    ghost.update(person_key="0" * 8 + ghost["person_key"][8:], joined_at=ts("2025-05-12 09:00:00"),
                 left_at=ts("2025-03-01 17:00:00"), role="software")
    log.add("people", "rejected", "joined_after_left", ghost)
    t["people"] = _append(people, [ghost])
    _duplicate(log, t, "people", _pick(rng, (t["people"]["team_id"] == "team_scaling_a").to_numpy()), "equal")
    _duplicate(log, t, "teams", [1], "later")


def manifest(tables: dict[str, pd.DataFrame], log: MessLog) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name in TABLES:
        mine = [a for a in log.anomalies if a.table == name]
        out[name] = {
            "rows": int(len(tables[name])),
            "duplicates": sum(1 for a in mine if a.category == "duplicate"),
            "rejected": dict(sorted(Counter(a.reason for a in mine if a.category == "rejected").items())),
            "flagged": dict(sorted(Counter(a.reason for a in mine if a.category == "flagged").items())),
            "case_folded_valid_values": int(log.case_folded.get(name, 0)),
            "anomalies": [
                {"category": a.category, "reason": a.reason, "key": a.key}
                for a in sorted(mine, key=lambda a: (a.category, a.reason, str(a.key)))
            ],
        }
    return out


def _impossible_values(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    """Non-finite numbers and implausible clocks (an own random stream, drawn last, so the rest of
    the demo is unchanged): two +inf costs and a +inf revenue on existing rows (flagged: the
    field is null; NaN cannot travel through pandas, which DuckDB reads as null), and deployments
    dated 2999 and 1970 (rejected: their period timestamp is implausible)."""
    rng = ctx.rng("mess", "impossible")
    req = t["llm_requests"]
    costed = (req["cost_usd"] > 0).to_numpy(dtype=bool) & _mid_year(req["started_at"])
    for i in _pick(rng, costed, k=2):
        req.at[i, "cost_usd"] = float("inf")
        log.add("llm_requests", "flagged", "non_finite:cost_usd", _row(req, i))
    pe = t["product_events"]
    i = _pick(rng, (pe["revenue_usd"] > 0).to_numpy(dtype=bool))[0]
    pe.at[i, "revenue_usd"] = float("inf")
    log.add("product_events", "flagged", "non_finite:revenue_usd", _row(pe, i))
    d = t["deployments"]
    production = (d["environment"] == "production").to_numpy(dtype=bool)
    new = []
    # epoch microseconds computed without pandas' nanosecond timestamps, which end in 2262
    for n, when in enumerate((datetime(2999, 1, 1), datetime(1970, 1, 2)), start=4):
        micros = (when - datetime(1970, 1, 1)) // timedelta(microseconds=1)
        base = _row(d, _pick(rng, production)[0])
        base.update(deployment_id=f"dep-x-{n:06d}", started_at=micros - 10 * MINUTE, finished_at=micros)
        new.append(base)
        log.add("deployments", "rejected", "implausible_timestamp:finished_at", base)
    t["deployments"] = _append(d, new)



def _readiness(ctx: Ctx, t: dict[str, pd.DataFrame], log: MessLog) -> None:
    """Self-assessment mess (an own random stream, drawn last, so the rest of the demo is unchanged):
    an answer outside yes/partial/no and an item code the checklist seed does not hold (each in a
    checklist of its own, rejected), and one answer re-delivered a day later."""
    rng = ctx.rng("mess", "readiness")
    ra = t["readiness_assessments"]
    everyone = np.ones(len(ra), dtype=bool)
    new = []
    base = _row(ra, _pick(rng, everyone)[0])
    base.update(assessment_id="ra-x-000001", answer="maybe")
    new.append(base)
    log.add("readiness_assessments", "rejected", "unknown_enum:answer", base)
    base = _row(ra, _pick(rng, everyone)[0])
    base.update(assessment_id="ra-x-000002", item_code="process_9_teleportation")
    new.append(base)
    log.add("readiness_assessments", "rejected", "unknown_item_code", base)
    t["readiness_assessments"] = _append(ra, new)
    _duplicate(log, t, "readiness_assessments", _pick(rng, everyone), "later")

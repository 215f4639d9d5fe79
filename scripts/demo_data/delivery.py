"""Change delivery (CDEvents-like): changes, deployments, deployment_changes and incidents.

Per service the production deployments form one time line. A deployment picked as *bad* (failed,
rolled back by status, rolled back by a later rollback deployment, or causing an incident) is
followed by its recovery — a rollback or a fix-forward — after the team's recovery time, before
the service's next planned deployment, so each team's recovery time is what its profile says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import (
    DAY,
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
    ts,
    weekdays_of_month,
)
from .organisation import owner_at, team_services_by_month
from .people import Person
from .profiles import INCIDENT_SCENARIO, LLM_FEATURES, OWNERSHIP_CHANGES, PROMPT_HASHES, TEAM_BY_ID, TEAMS


@dataclass
class Deploy:
    uid: int
    service_id: str
    team_id: str
    kind: str  # code | model | prompt
    finished_at: int
    started_at: int = 0
    environment: str = "production"
    artifact_type: str = "code"
    artifact_version: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    training_run_id: str | None = None
    status: str = "success"
    trigger: str = "pipeline"
    strategy: str | None = "direct"
    is_rollback: bool | None = False
    rollback_of: int | None = None
    is_unplanned: bool | None = False
    pre_deploy_eval_passed: bool | None = None
    protected: bool = False  # never picked as a bad deployment
    bad_kind: str | None = None
    role: str = "primary"  # primary | recovery | staging | cancelled
    parent: int | None = None  # staging / cancelled: the primary whose changes they carry
    changes: list[int] = field(default_factory=list)


@dataclass
class Incident:
    service_id: str
    team_id: str
    started_at: int
    detected_at: int
    resolved_at: int | None
    severity: str
    root_cause: str
    remediation: str
    caused_by: int | None = None
    detection_source: str | None = None
    reported_at: int | None = None
    fixed_source: bool = False


@dataclass
class DeliveryResult:
    deployments: pd.DataFrame
    changes: pd.DataFrame
    deployment_changes: pd.DataFrame
    incidents: pd.DataFrame
    model_timeline: dict[str, tuple[np.ndarray, np.ndarray]]


class _Uid:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _code_times(rng: np.random.Generator, m: int, count: int, working_hours: bool) -> list[int]:
    ms, me = month_start(m), month_end(m)
    if count <= 0:
        return []
    if working_hours:
        wd = weekdays_of_month(m)
        pos = np.clip(((np.arange(count) + rng.uniform(0.1, 0.9, count)) * len(wd) / count).astype(int), 0, len(wd) - 1)
        return [int(wd[p] + rng.uniform(9.5, 17.5) * HOUR) for p in pos]
    ms = max(ms, START + 2 * HOUR)  # nothing (not even a rehearsal) starts before 2025
    seg = (me - ms) / count
    return [int(ms + (i + rng.uniform(0.1, 0.9)) * seg) for i in range(count)]


def _primaries(ctx: Ctx, model_plan: pd.DataFrame, uid: _Uid) -> list[Deploy]:
    services_by_month = team_services_by_month()
    out: list[Deploy] = []
    for team in TEAMS:
        d = team.delivery
        rng = ctx.rng("deploys", team.team_id)
        for m in range(N_MONTHS):
            if d.deploy_months is not None and (m + 1) not in d.deploy_months:
                continue
            base = ctx.deploy_scaled(d.code_deploys_per_month)
            n = int(round(base * rng.uniform(0.85, 1.15))) if base >= 3 else int(round(base))
            svcs = sorted(services_by_month[team.team_id][m])
            assigned = rng.choice(len(svcs), size=n)
            for k, svc in enumerate(svcs):
                for t in _code_times(rng, m, int((assigned == k).sum()), d.working_hours_only):
                    out.append(Deploy(uid(), svc, team.team_id, "code", t))
    for row in model_plan.itertuples():
        out.append(Deploy(uid(), row.service_id, row.team_id, "model", int(row.finished_at), artifact_type="model",
                          model_name=row.model_name, model_version=row.model_version,
                          training_run_id=row.training_run_id if isinstance(row.training_run_id, str) else None))
    for feature in LLM_FEATURES:
        seen: dict[str, int] = {}
        previous: int | None = None
        for i, (at, version) in enumerate(feature.prompt_timeline):
            if i == 0:
                seen[version] = -1
                continue
            dep = Deploy(uid(), feature.service_id, feature.team_id, "prompt", ts(at), artifact_type="prompt",
                         artifact_version=f"{feature.feature_name}@{version}#{PROMPT_HASHES[(feature.feature_name, version)]}",
                         protected=True)
            if version in seen and previous is not None:  # back to an earlier prompt: a rollback
                dep.is_rollback = True
                dep.rollback_of = previous
            seen[version] = dep.uid
            previous = dep.uid
            out.append(dep)
    # one deployment exactly on an ownership boundary (half-open intervals: it belongs to the new owner)
    for change in OWNERSHIP_CHANGES:
        boundary = ts(change.at)
        later = sorted((p for p in out if p.service_id == change.service_id and p.finished_at >= boundary),
                       key=lambda p: p.finished_at)
        if later:
            later[0].finished_at = boundary
            later[0].protected = True
    for p in out:
        p.team_id = owner_at(p.service_id, p.finished_at)
    return out


def _pick_bad(ctx: Ctx, prims: list[Deploy]) -> None:
    by_team_month: dict[tuple[str, int], list[Deploy]] = {}
    for p in prims:
        m = int(month_of(p.finished_at))
        if p.kind == "prompt" or p.protected or p.finished_at >= month_end(m) - DAY or p.finished_at >= END - 2 * DAY:
            continue
        by_team_month.setdefault((p.team_id, m), []).append(p)
    for (team_id, m), cands in sorted(by_team_month.items()):
        d = TEAM_BY_ID[team_id].delivery
        rng = ctx.rng("bad", team_id, m)
        k = max(d.min_bad_per_month, int(rng.binomial(len(cands), d.bad_share)))
        k = min(k, len(cands))
        cands = sorted(cands, key=lambda p: p.uid)
        for j in rng.choice(len(cands), size=k, replace=False):
            p = cands[int(j)]
            kinds: tuple[str, ...]
            w: tuple[float, ...]
            if p.kind == "model":
                kinds, w = ("failed", "rollback", "rolled_back"), (0.3, 0.35, 0.35)
            else:
                kinds, w = ("failed", "rollback", "rolled_back", "incident"), (0.35, 0.25, 0.15, 0.25)
            if TEAM_BY_ID[team_id].levels.process == 0:
                kinds, w = ("failed", "incident"), (0.5, 0.5)
            p.bad_kind = str(rng.choice(kinds, p=np.array(w) / sum(w)))


def _choose_trigger(rng: np.random.Generator, pipeline: float, automated: float) -> str:
    r = rng.random()
    return "pipeline" if r < pipeline else ("automated" if r < pipeline + automated else "manual")


def build_delivery(ctx: Ctx, model_plan: pd.DataFrame, people: list[Person], base_versions: dict[str, str]) -> DeliveryResult:
    uid = _Uid()
    prims = _primaries(ctx, model_plan, uid)
    _pick_bad(ctx, prims)
    rows: list[Deploy] = []
    incidents: list[Incident] = []
    by_service: dict[str, list[Deploy]] = {}
    for p in prims:
        by_service.setdefault(p.service_id, []).append(p)
    scenario_prompt_uid: int | None = None
    for svc in sorted(by_service):
        line = sorted(by_service[svc], key=lambda p: (p.finished_at, p.uid))
        rng = ctx.rng("deploy_line", svc)
        current_version: dict[str | None, str | None] = {}
        current_artifact: str | None = f"{svc}-2024.12.20-{hex_tokens(rng, 1, 7)[0]}"
        for i, p in enumerate(line):
            team = TEAM_BY_ID[p.team_id]
            d = team.delivery
            next_at = line[i + 1].finished_at if i + 1 < len(line) else END
            gap = next_at - p.finished_at
            dur = int(rng.uniform(*d.deploy_minutes) * MINUTE)
            if p.kind == "code":
                p.trigger = _choose_trigger(rng, d.pipeline_share, d.automated_share)
                p.strategy = str(rng.choice(["canary", "blue_green"])) if rng.random() < d.progressive_code_share else "direct"
                p.is_unplanned = bool(rng.random() < d.hotfix_share)
                r = rng.random()
                p.artifact_type = "code" if r < 0.85 else ("config" if r < 0.95 else "infra")
                p.artifact_version = f"{svc}-{pd.Timestamp(p.finished_at, unit='us'):%Y.%m.%d}-{hex_tokens(rng, 1, 7)[0]}"
            elif p.kind == "model":
                p.trigger = team.ml.model_deploy_trigger
                p.strategy = str(rng.choice(list(team.ml.model_deploy_strategies)))
                p.pre_deploy_eval_passed = True if team.ml.model_deploy_gate else None
                p.artifact_version = f"{p.model_name}:{p.model_version}"
                dur = int(rng.uniform(10, 40) * MINUTE) if team.levels.process >= 3 else dur
            else:  # prompt
                p.trigger = "automated" if d.automated_share >= 0.5 else "pipeline"
                p.strategy = "canary" if team.levels.process >= 3 else "direct"
                p.pre_deploy_eval_passed = True if team.levels.process >= 3 else None
                if p.is_rollback:
                    p.strategy = "direct"
                    p.pre_deploy_eval_passed = None
                if p.service_id == INCIDENT_SCENARIO.service_id and p.finished_at == ts(INCIDENT_SCENARIO.live_at):
                    scenario_prompt_uid = p.uid
            p.started_at = p.finished_at - dur
            previous_model_version = current_version.get(p.model_name or "", base_versions.get(p.model_name or "", "1"))
            previous_artifact = current_artifact
            if p.bad_kind is None:
                p.status = "success"
            else:
                p.status = {"failed": "failed", "rolled_back": "rolled_back"}.get(p.bad_kind, "success")
            rows.append(p)
            if p.status == "success" and not p.is_rollback:
                if p.kind == "model":
                    current_version[p.model_name] = p.model_version
                elif p.kind == "code":
                    current_artifact = p.artifact_version
            # staging rehearsal and cancelled attempts before pipeline-driven code / prompt deploys
            early = p.started_at < START + 2 * HOUR
            if p.kind in ("code", "prompt") and p.trigger != "manual" and rng.random() < d.staging_share and not early:
                fin = p.started_at - int(rng.uniform(15, 60) * MINUTE)
                rows.append(Deploy(uid(), svc, p.team_id, p.kind, fin, fin - dur, environment="staging",
                                   artifact_type=p.artifact_type, artifact_version=p.artifact_version,
                                   trigger=p.trigger, strategy="direct", role="staging", parent=p.uid))
            if p.kind == "code" and p.trigger != "manual" and rng.random() < d.cancelled_share and not early:
                fin = p.started_at - int(rng.uniform(5, 30) * MINUTE)
                rows.append(Deploy(uid(), svc, p.team_id, "code", fin, fin - int(rng.uniform(2, 6) * MINUTE),
                                   artifact_type=p.artifact_type, artifact_version=p.artifact_version,
                                   status="cancelled", trigger=p.trigger, strategy=p.strategy, role="cancelled",
                                   parent=p.uid))
            if p.bad_kind is None:
                continue
            # recovery: a rollback or a fix-forward, before the next planned deployment
            delay = rng.uniform(*d.recovery_hours) * HOUR
            delay = int(max(5 * MINUTE, min(delay, 0.8 * gap, END - 10 * MINUTE - p.finished_at)))
            rec = Deploy(uid(), svc, p.team_id, p.kind, p.finished_at + delay, artifact_type=p.artifact_type,
                         model_name=p.model_name, training_run_id=p.training_run_id, trigger=d.recovery_trigger,
                         strategy="direct", role="recovery")
            rec.started_at = rec.finished_at - int(min(rng.uniform(*d.deploy_minutes) * MINUTE, 0.5 * delay))
            if p.bad_kind == "rollback":
                rec.is_rollback = True
                rec.rollback_of = p.uid
                rec.is_unplanned = None
                rec.model_version = previous_model_version if p.kind == "model" else None
                rec.artifact_version = (f"{p.model_name}:{previous_model_version}" if p.kind == "model"
                                        else previous_artifact)
                if p.kind == "model":
                    current_version[p.model_name] = previous_model_version
                else:
                    current_artifact = previous_artifact
            else:
                rec.is_unplanned = True
                rec.model_version = p.model_version
                rec.artifact_version = p.artifact_version if p.kind == "model" else (
                    f"{svc}-{pd.Timestamp(rec.finished_at, unit='us'):%Y.%m.%d}-{hex_tokens(rng, 1, 7)[0]}")
                rec.pre_deploy_eval_passed = p.pre_deploy_eval_passed
                if p.kind == "model":
                    current_version[p.model_name] = p.model_version
                else:
                    current_artifact = rec.artifact_version
            rows.append(rec)
            if p.bad_kind == "incident" or (p.bad_kind == "rollback" and rng.random() < 0.3):
                incidents.append(Incident(
                    service_id=svc, team_id=p.team_id, started_at=p.finished_at + int(0.15 * delay),
                    detected_at=p.finished_at + int(0.35 * delay),
                    resolved_at=min(rec.finished_at + int(rng.uniform(1, 20) * MINUTE), END - MINUTE),
                    severity=str(rng.choice(["sev2", "sev3", "sev4"], p=[0.2, 0.5, 0.3])),
                    root_cause="model" if p.kind == "model" else "code",
                    remediation="rollback" if p.bad_kind == "rollback" else "fix_forward", caused_by=p.uid,
                ))
    if scenario_prompt_uid is not None:
        s = INCIDENT_SCENARIO
        live = ts(s.live_at)
        incidents.append(Incident(
            service_id=s.service_id, team_id=s.team_id, started_at=live + 2 * HOUR,
            detected_at=ts("2025-09-08 14:20:00"), resolved_at=ts(s.rollback_at) + HOUR, severity="sev2",
            root_cause="prompt", remediation="rollback", caused_by=scenario_prompt_uid,
            detection_source="customer", reported_at=ts("2025-09-09 10:00:00"), fixed_source=True,
        ))
    changes = _changes(ctx, rows)
    _assign_authors(ctx, changes, people)
    incidents += _background_incidents(ctx)
    _detection_and_reporting(ctx, incidents)
    return _frames(ctx, rows, changes, incidents, base_versions)


# ---------------------------------------------------------------------------------------------
@dataclass
class Change:
    uid: int
    service_id: str
    team_id: str
    first_commit_at: int
    merged_at: int
    author_key: str | None = None
    bot: bool = False


def _changes(ctx: Ctx, rows: list[Deploy]) -> list[Change]:
    uid = _Uid()
    changes: list[Change] = []
    by_uid = {r.uid: r for r in rows}
    by_service: dict[str, list[Deploy]] = {}
    for r in rows:
        if r.environment == "production" and r.role in ("primary", "recovery") and not r.is_rollback \
                and r.artifact_type in ("code", "config", "infra"):
            by_service.setdefault(r.service_id, []).append(r)
    for svc in sorted(by_service):
        rng = ctx.rng("changes", svc)
        pending: list[int] = []
        for r in sorted(by_service[svc], key=lambda r: (r.finished_at, r.uid)):
            d = TEAM_BY_ID[r.team_id].delivery
            new: list[int] = []
            if r.role == "recovery":
                lo = max(r.started_at - 3 * HOUR, START + MINUTE)
                first = int(rng.uniform(lo, r.started_at - MINUTE)) if r.started_at - MINUTE > lo else lo
                c = Change(uid(), svc, r.team_id, first, first + int(0.5 * (r.started_at - first)))
                changes.append(c)
                new.append(c.uid)
            else:
                for _ in range(max(1, int(rng.poisson(d.changes_per_deploy)))):
                    lead = int(rng.uniform(*d.lead_time_hours) * HOUR)
                    first = max(START + 30 * MINUTE, r.started_at - lead)
                    merged = first + int(rng.uniform(0.3, 0.9) * (r.started_at - first))
                    c = Change(uid(), svc, r.team_id, first, merged, bot=bool(rng.random() < 0.04))
                    changes.append(c)
                    new.append(c.uid)
            r.changes = pending + new
            pending = r.changes if r.status in ("failed", "rolled_back") else []
    for r in rows:
        if r.role in ("staging", "cancelled") and r.parent is not None:
            r.changes = list(by_uid[r.parent].changes)
    return changes


def _assign_authors(ctx: Ctx, changes: list[Change], people: list[Person]) -> None:
    for team in TEAMS:
        rng = ctx.rng("authors", team.team_id)
        authors = sorted((p for p in people if p.team_id == team.team_id and p.is_author),
                         key=lambda p: (p.eligible_from, p.person_key))
        queue = [p for p in authors if p.is_new]
        mine = sorted((c for c in changes if c.team_id == team.team_id), key=lambda c: (c.first_commit_at, c.uid))
        for c in mine:
            t = c.first_commit_at
            if queue and queue[0].eligible_from <= t and (queue[0].left_at is None or queue[0].left_at > t):
                c.author_key = queue.pop(0).person_key
                continue
            if c.bot:
                continue
            eligible = [p for p in authors if p.eligible_from <= t and (p.left_at is None or p.left_at > t)
                        and p not in queue]
            if not eligible:
                eligible = [p for p in authors if p.joined_at <= t and (p.left_at is None or p.left_at > t)
                            and p not in queue]
            if eligible:
                c.author_key = eligible[int(rng.integers(0, len(eligible)))].person_key


# ---------------------------------------------------------------------------------------------
_ROOT_CAUSES = ("infra", "dependency", "data_drift", "model", "unknown")
_REMEDIATION = {"infra": "config", "dependency": "none", "data_drift": "retrain", "model": "retrain",
                "unknown": "fix_forward"}


def _background_incidents(ctx: Ctx) -> list[Incident]:
    services_by_month = team_services_by_month()
    out: list[Incident] = []
    for team in TEAMS:
        d = team.delivery
        rng = ctx.rng("incidents", team.team_id)
        for m in range(N_MONTHS):
            n = int(round(d.incidents_per_month * max(1.0, ctx.size.deploy_scale / 3)))
            svcs = sorted(services_by_month[team.team_id][m])
            for _ in range(n):
                started = month_start(m) + int(rng.uniform(0.5, 26.5) * DAY)
                cause = str(rng.choice(_ROOT_CAUSES, p=[0.3, 0.25, 0.15, 0.1, 0.2]))
                resolved = started + int(rng.uniform(*d.resolve_hours) * HOUR) + HOUR
                out.append(Incident(
                    service_id=str(rng.choice(svcs)), team_id=team.team_id, started_at=started,
                    detected_at=started + 30 * MINUTE, resolved_at=resolved if resolved < END else None,
                    severity=str(rng.choice(["sev1", "sev2", "sev3", "sev4"], p=[0.05, 0.2, 0.45, 0.3])),
                    root_cause=cause, remediation=_REMEDIATION[cause],
                ))
    # one long-open low-severity incident from November
    nov = [i for i in out if i.team_id == "team_tracked_a" and month_of(i.started_at) == 10]
    if nov:
        nov[0].resolved_at = None
        nov[0].severity = "sev4"
    return out


def _detection_and_reporting(ctx: Ctx, incidents: list[Incident]) -> None:
    groups: dict[tuple[str, int], list[Incident]] = {}
    for inc in incidents:
        if not inc.fixed_source:
            groups.setdefault((inc.team_id, int(month_of(inc.detected_at))), []).append(inc)
    delays = {"automated": (2, 20), "staff": (10, 180), "customer": (60, 600)}
    for (team_id, m), group in sorted(groups.items()):
        team = TEAM_BY_ID[team_id]
        d = team.delivery
        rng = ctx.rng("detection", team_id, m)
        n = len(group)
        if team.levels.team_culture >= 3:
            k_staff = int(math.ceil(0.5 * n))
        elif team.levels.team_culture == 2:
            k_staff = int(math.floor(d.staff_detect_share * n))
        else:
            k_staff = int(rng.binomial(n, d.staff_detect_share))
        k_cust = min(int(round(d.customer_share * n)), n - k_staff - 1) if n - k_staff >= 1 else 0
        sources = ["staff"] * k_staff + ["customer"] * max(0, k_cust)
        sources += ["automated"] * (n - len(sources))
        rng.shuffle(sources)
        for inc, source in zip(sorted(group, key=lambda i: (i.started_at, i.service_id)), sources, strict=True):
            inc.detection_source = source
            if inc.caused_by is None:
                inc.detected_at = inc.started_at + int(rng.uniform(*delays[source]) * MINUTE)
                if inc.resolved_at is not None:
                    inc.resolved_at = max(inc.resolved_at, inc.detected_at + 10 * MINUTE)
            if rng.random() >= d.report_missing_share:
                reported = inc.detected_at + int(rng.uniform(*d.report_delay_hours) * HOUR)
                inc.reported_at = reported if reported < END else None


# ---------------------------------------------------------------------------------------------
def _frames(ctx: Ctx, rows: list[Deploy], changes: list[Change], incidents: list[Incident],
            base_versions: dict[str, str]) -> DeliveryResult:
    rows = sorted(rows, key=lambda r: (r.finished_at, r.service_id, r.uid))
    dep_ids = {r.uid: i for i, r in enumerate(rows)}
    ids = seq_ids("dep-", len(rows), 6)
    stamp = {r.uid: TEAM_BY_ID[r.team_id].delivery.team_id_on_events for r in rows}
    deployments = pd.DataFrame({
        "deployment_id": ids,
        "service_id": [r.service_id for r in rows],
        "team_id": pd.array([r.team_id if stamp[r.uid] else None for r in rows], dtype="str"),
        "environment": [r.environment for r in rows],
        "artifact_type": [r.artifact_type for r in rows],
        "artifact_version": pd.array([r.artifact_version for r in rows], dtype="str"),
        "model_name": pd.array([r.model_name for r in rows], dtype="str"),
        "model_version": pd.array([r.model_version for r in rows], dtype="str"),
        "training_run_id": pd.array([r.training_run_id for r in rows], dtype="str"),
        "started_at": [r.started_at for r in rows],
        "finished_at": [r.finished_at for r in rows],
        "status": [r.status for r in rows],
        "trigger": [r.trigger for r in rows],
        "strategy": pd.array([r.strategy for r in rows], dtype="str"),
        "is_rollback": pd.array([r.is_rollback for r in rows], dtype="boolean"),
        "rollback_of_deployment_id": pd.array(
            [ids[dep_ids[r.rollback_of]] if r.rollback_of is not None else None for r in rows], dtype="str"),
        "is_unplanned": pd.array([r.is_unplanned for r in rows], dtype="boolean"),
        "pre_deploy_eval_passed": pd.array([r.pre_deploy_eval_passed for r in rows], dtype="boolean"),
    })
    rng = ctx.rng("deployments", "loaded")
    deployments["_loaded_at"] = daily_load_time(deployments["finished_at"].to_numpy(), rng)
    # a few pipelines leave is_rollback / is_unplanned null (null means false)
    nulls = rng.random(len(deployments)) < 0.05
    deployments.loc[nulls & (deployments["is_rollback"] == False), "is_rollback"] = pd.NA  # noqa: E712

    changes = sorted(changes, key=lambda c: (c.first_commit_at, c.service_id, c.uid))
    change_ids = {c.uid: cid for c, cid in zip(changes, seq_ids("chg-", len(changes), 7), strict=True)}
    changes_df = pd.DataFrame({
        "change_id": [change_ids[c.uid] for c in changes],
        "service_id": [c.service_id for c in changes],
        "first_commit_at": [c.first_commit_at for c in changes],
        "merged_at": [c.merged_at for c in changes],
        "author_key": pd.array([c.author_key for c in changes], dtype="str"),
    })
    changes_df["_loaded_at"] = daily_load_time(changes_df["merged_at"].to_numpy(), ctx.rng("changes", "loaded"))
    links = [(ids[dep_ids[r.uid]], change_ids[c], r.finished_at) for r in rows for c in r.changes]
    dc = pd.DataFrame(links, columns=["deployment_id", "change_id", "finished_at"])
    dc["_loaded_at"] = daily_load_time(dc["finished_at"].to_numpy(), ctx.rng("deployment_changes", "loaded"))
    dc = dc.drop(columns=["finished_at"])

    incidents = sorted(incidents, key=lambda i: (i.detected_at, i.service_id))
    inc_df = pd.DataFrame({
        "incident_id": seq_ids("inc-", len(incidents), 5),
        "service_id": [i.service_id for i in incidents],
        "team_id": pd.array([i.team_id if TEAM_BY_ID[i.team_id].delivery.team_id_on_events else None
                             for i in incidents], dtype="str"),
        "severity": [i.severity for i in incidents],
        "started_at": [i.started_at for i in incidents],
        "detected_at": pd.array([i.detected_at for i in incidents], dtype="Int64"),
        "reported_at": pd.array([i.reported_at for i in incidents], dtype="Int64"),
        "resolved_at": pd.array([i.resolved_at for i in incidents], dtype="Int64"),
        "detection_source": [i.detection_source for i in incidents],
        "caused_by_deployment_id": pd.array(
            [ids[dep_ids[i.caused_by]] if i.caused_by is not None else None for i in incidents], dtype="str"),
        "root_cause": [i.root_cause for i in incidents],
        "remediation": [i.remediation for i in incidents],
    })
    inc_df["_loaded_at"] = daily_load_time(inc_df["detected_at"].to_numpy(dtype=np.int64),
                                           ctx.rng("incidents", "loaded"))

    timeline: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for model, base in base_versions.items():
        events: list[tuple[int, str | None]] = [(START - DAY, base)]
        for r in rows:
            if r.model_name == model and r.environment == "production" and r.status == "success" and r.role != "cancelled":
                events.append((r.finished_at, r.model_version))
        events.sort(key=lambda e: e[0])
        timeline[model] = (np.array([e[0] for e in events], dtype=np.int64), np.array([e[1] for e in events], dtype=object))
    return DeliveryResult(deployments, changes_df, dc, inc_df, timeline)

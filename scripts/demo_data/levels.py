"""An independent pandas reading of the maturity criteria (maturity.md defaults) over generated
data: the metrics the criteria use, per team × month, and the plane levels they give.

It exists to check the team designs in `profiles.py` (a level must hold every month, whatever a
criterion's `if_no_data` is, except where a metric rests on fewer values than the package's default
var ai_maturity__min_sample_size: there the rule decides, as in the package). It is deliberately
simple and is not the dbt implementation.

    python scripts/demo_data/levels.py [--profile small] [--seed 42]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "demo_data"

from demo_data.build import generate
from demo_data.common import DAY, HOUR, N_MONTHS, month_end, month_of, month_start
from demo_data.organisation import owners_vector
from demo_data.profiles import FEATURES, PLANES, TEAMS
from demo_data.schema import TABLES

CRITERIA: tuple[tuple[str, int, str, str, float], ...] = (
    ("process", 1, "deployment_frequency_per_week", ">=", 0.25),
    ("process", 1, "pipeline_deploy_share", ">=", 0.5),
    ("process", 2, "automated_training_share", ">=", 0.5),
    ("process", 2, "eval_gated_run_share", ">=", 0.5),
    ("process", 3, "model_deploy_automation_share", ">=", 0.8),
    ("process", 3, "progressive_model_deploy_share", ">=", 0.5),
    ("process", 3, "change_fail_rate", "<=", 0.3),
    ("process", 4, "drift_auto_retrain_share", ">=", 0.8),
    ("process", 4, "drift_to_retrain_median_hours", "<=", 24),
    ("process", 4, "failed_deployment_recovery_median_hours", "<=", 1),
    ("platform", 1, "reproducible_run_share", ">=", 0.5),
    ("platform", 2, "reproducible_run_share", ">=", 0.9),
    ("platform", 2, "model_traceability_share", ">=", 0.8),
    ("platform", 3, "drift_monitoring_coverage", ">=", 0.8),
    ("platform", 3, "trace_id_coverage", ">=", 0.95),
    ("platform", 4, "sla_adherence", ">=", 0.99),
    ("platform", 4, "evaluation_coverage", ">=", 0.05),
    ("team_culture", 1, "psych_safety_present", "=", 1),
    ("team_culture", 2, "psych_safety_score", ">=", 0.6),
    ("team_culture", 3, "staff_reported_incident_share", ">=", 0.3),
    ("team_culture", 3, "detect_to_report_median_hours", "<=", 24),
    ("team_culture", 4, "psych_safety_score", ">=", 0.75),
    ("team_culture", 4, "knowledge_diffusion_median_days", "<=", 30),
    ("product", 1, "ai_active_users", ">", 0),
    ("product", 2, "feedback_events", ">", 0),
    ("product", 2, "evaluation_coverage", ">", 0),
    ("product", 3, "ai_adoption_share", ">=", 0.2),
    ("product", 3, "sla_adherence", ">=", 0.95),
    ("product", 3, "hallucination_rate", "<=", 0.05),
    ("product", 4, "conversion_uplift", ">", 0),
    ("product", 4, "downvote_rate", "<=", 0.1),
    ("product", 4, "safety_pass_rate", ">=", 0.99),
)


# ---------------------------------------------------------------------------------------------
def stage(tables: dict[str, pd.DataFrame], manifest: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Dedupe (greatest `_loaded_at`), fold enums to lower case, drop rejected rows, null flagged fields."""
    out = {}
    for name, df in tables.items():
        spec = TABLES[name]
        df = df.copy()
        for col, _ in spec.enums:
            df[col] = df[col].str.lower()
        df = df.sort_values("_loaded_at", na_position="first", kind="stable")
        df = df.drop_duplicates(list(spec.key), keep="last")
        for a in manifest[name]["anomalies"]:
            if a["category"] != "rejected":
                continue
            hit = np.ones(len(df), dtype=bool)
            for k, v in a["key"].items():
                hit &= (df[k] == v).to_numpy(dtype=bool)
            df = df[~hit]
        out[name] = df.reset_index(drop=True)
    runs = out["training_runs"]
    bad = pd.to_numeric(runs["ended_at"]) < pd.to_numeric(runs["started_at"])
    runs.loc[bad.fillna(False), "ended_at"] = pd.NA
    req = out["llm_requests"]
    req.loc[(pd.to_numeric(req["output_tokens"]) < 0).fillna(False), "output_tokens"] = pd.NA
    req.loc[(pd.to_numeric(req["cost_usd"]) < 0).fillna(False), "cost_usd"] = pd.NA
    return out


def _i(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s).astype("float").to_numpy()


def _b(s: pd.Series) -> np.ndarray:
    return s.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _grid() -> pd.MultiIndex:
    return pd.MultiIndex.from_product([[t.team_id for t in TEAMS], range(N_MONTHS)], names=["team_id", "month"])


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num.reindex(_grid(), fill_value=0) / den.reindex(_grid(), fill_value=0).replace(0, np.nan))


def metrics(t: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The criteria's metrics per team × month, and the number of values each rests on (its `_n`;
    a metric without one, such as a count, has no column there)."""
    g = _grid()
    res = pd.DataFrame(index=g)
    ns = pd.DataFrame(index=g)

    def count(series: pd.Series) -> pd.Series:
        return series.reindex(g, fill_value=0)
    # ---- change delivery
    d = t["deployments"].copy()
    d["fin"] = _i(d["finished_at"])
    d["team"] = d["team_id"].where(
        d["team_id"].notna(),
        pd.Series(owners_vector(d["service_id"].to_numpy(), d["fin"].astype(np.int64)), index=d.index),
    )
    d["month"] = month_of(d["fin"].astype(np.int64))
    d["rb"] = _b(d["is_rollback"])
    prod = d[d["environment"] == "production"]
    dep = prod[(prod["status"] != "cancelled") & ~prod["rb"]].copy()
    inc = t["incidents"].copy()
    failed_ids = set(prod["rollback_of_deployment_id"].dropna()) | set(inc["caused_by_deployment_id"].dropna())
    dep["failed"] = dep["status"].isin(["failed", "rolled_back"]) | dep["deployment_id"].isin(failed_ids)
    key = ["team", "month"]
    cnt = dep.groupby(key).size().rename_axis(["team_id", "month"])
    days = pd.Series([ (month_end(m) - month_start(m)) / DAY for _, m in g], index=g)
    res["deployment_frequency_per_week"] = cnt.reindex(g, fill_value=0) / (days / 7)
    res["pipeline_deploy_share"] = _rate(dep[dep["trigger"] != "manual"].groupby(key).size().rename_axis(g.names), cnt)
    res["change_fail_rate"] = _rate(dep[dep["failed"]].groupby(key).size().rename_axis(g.names), cnt)
    ns["pipeline_deploy_share"] = ns["change_fail_rate"] = count(cnt)
    ok_prod = prod[prod["status"] == "success"].sort_values("fin")
    rec_hours = []
    for r in dep[dep["failed"]].itertuples():
        nxt = ok_prod[(ok_prod["service_id"] == r.service_id) & (ok_prod["fin"] > r.fin)]["fin"]
        cands = [nxt.iloc[0]] if len(nxt) else []
        res_inc = _i(inc.loc[inc["caused_by_deployment_id"] == r.deployment_id, "resolved_at"])
        cands += [x for x in res_inc if not np.isnan(x)]
        rec_hours.append((r.team, r.month, (min(cands) - r.fin) / HOUR if cands else np.nan))
    rh = pd.DataFrame(rec_hours, columns=["team_id", "month", "h"]).dropna()
    res["failed_deployment_recovery_median_hours"] = rh.groupby(["team_id", "month"])["h"].median().reindex(g)
    ns["failed_deployment_recovery_median_hours"] = count(rh.groupby(["team_id", "month"]).size())
    # ---- ML lifecycle
    runs = t["training_runs"].copy()
    runs["start"] = _i(runs["started_at"])
    runs["end"] = _i(runs["ended_at"])
    runs["m_start"] = month_of(runs["start"].astype(np.int64))
    n_runs = runs.groupby(["team_id", "m_start"]).size().rename_axis(g.names)
    res["automated_training_share"] = _rate(
        runs[runs["trigger_type"] != "manual"].groupby(["team_id", "m_start"]).size().rename_axis(g.names), n_runs
    )
    ns["automated_training_share"] = count(n_runs)
    fin = runs[(runs["status"] == "finished") & runs["end"].notna()].copy()
    fin["m_end"] = month_of(fin["end"].astype(np.int64))
    fin["repro"] = (
        fin["git_commit"].notna() & fin["dataset_digest"].notna() & _b(fin["params_logged"]) & _b(fin["metrics_logged"])
    )
    n_fin = fin.groupby(["team_id", "m_end"]).size().rename_axis(g.names)
    res["reproducible_run_share"] = _rate(fin[fin["repro"]].groupby(["team_id", "m_end"]).size().rename_axis(g.names), n_fin)
    res["eval_gated_run_share"] = _rate(
        fin[fin["eval_gate_passed"].notna()].groupby(["team_id", "m_end"]).size().rename_axis(g.names), n_fin
    )
    ns["reproducible_run_share"] = ns["eval_gated_run_share"] = count(n_fin)
    repro_ids = set(fin.loc[fin["repro"], "run_id"])
    md = dep[dep["artifact_type"] == "model"]
    n_md = md.groupby(key).size().rename_axis(g.names)
    res["model_deploy_automation_share"] = _rate(md[md["trigger"] != "manual"].groupby(key).size().rename_axis(g.names), n_md)
    progressive = md["strategy"].isin(["canary", "blue_green", "ab_test", "shadow"])
    res["progressive_model_deploy_share"] = _rate(md[progressive].groupby(key).size().rename_axis(g.names), n_md)
    res["model_traceability_share"] = _rate(
        md[md["training_run_id"].isin(repro_ids)].groupby(key).size().rename_axis(g.names), n_md
    )
    ns["model_deploy_automation_share"] = ns["progressive_model_deploy_share"] = count(n_md)
    ns["model_traceability_share"] = count(n_md)
    dc = t["drift_checks"].copy()
    dc["chk"] = _i(dc["checked_at"])
    dc["month"] = month_of(dc["chk"].astype(np.int64))
    alerts = dc[_b(dc["drift_detected"]) & ~_b(dc["is_false_positive"])]
    rows = []
    for a in alerts.itertuples():
        linked = runs[runs["drift_check_id"] == a.check_id].sort_values("start")
        if not len(linked):
            linked = runs[(runs["team_id"] == a.team_id) & (runs["model_name"] == a.model_name)
                          & runs["trigger_type"].isin(["data_drift", "performance_degradation"])
                          & (runs["start"] >= a.chk) & (runs["start"] <= a.chk + 14 * DAY)].sort_values("start")
        if len(linked):
            first = linked.iloc[0]
            rows.append((a.team_id, a.month, (first["start"] - a.chk) / HOUR, first["trigger_type"] != "manual"))
        else:
            rows.append((a.team_id, a.month, np.nan, False))
    al = pd.DataFrame(rows, columns=["team_id", "month", "h", "auto"])
    n_al = al.groupby(["team_id", "month"]).size()
    res["drift_auto_retrain_share"] = _rate(al[al["auto"]].groupby(["team_id", "month"]).size(), n_al)
    res["drift_to_retrain_median_hours"] = al.dropna().groupby(["team_id", "month"])["h"].median().reindex(g)
    ns["drift_auto_retrain_share"] = count(n_al)
    ns["drift_to_retrain_median_hours"] = count(al.dropna().groupby(["team_id", "month"]).size())
    # ---- serving
    w = t["inference_windows"].copy()
    w["ws"] = _i(w["window_start"]).astype(np.int64)
    w = w[_i(w["request_count"]) > 0]
    w["team_id"] = owners_vector(w["service_id"].to_numpy(), w["ws"].to_numpy())
    w["month"] = month_of(w["ws"].to_numpy())
    slo = t["slo_targets"].pivot(index="service_id", columns="sli", values="objective")
    slo = slo.rename(columns={"availability": "obj_availability", "latency_p95_ms": "obj_latency"})
    w = w.join(slo, on="service_id")
    ws = w[w["obj_availability"].notna() | w["obj_latency"].notna()].copy()
    avail_ok = ws["obj_availability"].isna() | ((1 - _i(ws["error_count"]) / _i(ws["request_count"])) >= ws["obj_availability"])
    lat_ok = ws["obj_latency"].isna() | (_i(ws["latency_p95_ms"]) <= ws["obj_latency"])
    ws["meets"] = avail_ok & lat_ok
    n_w = ws.groupby(["team_id", "month"]).size()
    res["sla_adherence"] = _rate(ws[ws["meets"]].groupby(["team_id", "month"]).size(), n_w)
    ns["sla_adherence"] = count(n_w)
    served = w.groupby(["team_id", "month"])["model_name"].apply(set)
    checked = dc.groupby("month")["model_name"].apply(set)
    cov = {}
    for (team, m), models in served.items():
        cov[(team, m)] = len(models & checked.get(m, set())) / len(models) if models else np.nan
    res["drift_monitoring_coverage"] = pd.Series(cov).reindex(g)
    ns["drift_monitoring_coverage"] = count(served.map(len))
    # ---- LLM
    req = t["llm_requests"].copy()
    req = req[req["environment"].isna() | (req["environment"] == "production")]
    req["month"] = month_of(_i(req["started_at"]).astype(np.int64))
    chunks = t["llm_request_chunks"]
    retrieved = set(chunks.loc[chunks["kind"] == "retrieved", "request_id"])
    carries = (req["model_version"].notna() | req["response_model"].notna()) & req["prompt_hash"].notna() & (
        ~req["request_id"].isin(retrieved) | req["retrieval_config_id"].notna())
    n_req = req.groupby(["team_id", "month"]).size()
    res["trace_id_coverage"] = _rate(req[carries].groupby(["team_id", "month"]).size(), n_req)
    ev = t["llm_evaluations"].copy()
    evaluated = set(ev["request_id"].dropna())
    res["evaluation_coverage"] = _rate(req[req["request_id"].isin(evaluated)].groupby(["team_id", "month"]).size(), n_req)
    ns["trace_id_coverage"] = ns["evaluation_coverage"] = count(n_req)
    all_req = t["llm_requests"].set_index("request_id")["team_id"]
    ev["team"] = ev["request_id"].map(all_req).fillna(ev["team_id"])
    ev["month"] = month_of(_i(ev["evaluated_at"]).astype(np.int64))
    ev["passed_b"] = _b(ev["passed"])
    online = ev[ev["suite"].isin(["production_sample", "human_review"])]
    h = online[online["evaluation_name"] == "hallucination"]
    res["hallucination_rate"] = _rate(h[~h["passed_b"]].groupby(["team", "month"]).size(), h.groupby(["team", "month"]).size())
    s = ev[ev["evaluation_name"].isin(["toxicity", "pii_leak"])]
    res["safety_pass_rate"] = _rate(s[s["passed_b"]].groupby(["team", "month"]).size(), s.groupby(["team", "month"]).size())
    ns["hallucination_rate"] = count(h.groupby(["team", "month"]).size().rename_axis(g.names))
    ns["safety_pass_rate"] = count(s.groupby(["team", "month"]).size().rename_axis(g.names))
    # ---- product
    pe = t["product_events"].copy()
    pe["month"] = month_of(_i(pe["occurred_at"]).astype(np.int64))
    ai = {f.feature_name for f in FEATURES if f.is_ai_feature}
    uses = pe[(pe["event_type"] == "feature_use") & pe["feature_name"].isin(ai)]
    everyone = pe.groupby("month")["user_key"].nunique()
    converters = pe[pe["event_type"] == "conversion"].groupby("month")["user_key"].apply(set)
    population = pe.groupby("month")["user_key"].apply(set)
    act = uses.groupby(["team_id", "month"])["user_key"].apply(set)
    res["ai_active_users"] = act.apply(len).reindex(g, fill_value=0)
    res["ai_adoption_share"] = [len(act.get((tm, m), set())) / everyone.get(m, np.nan) for tm, m in g]
    ns["ai_adoption_share"] = [everyone.get(m, 0) for _, m in g]
    upl = []
    for tm, m in g:
        users = act.get((tm, m), set())
        pop = population.get(m, set())
        conv = converters.get(m, set())
        others = pop - users
        a = len(users & conv) / len(users) if users else np.nan
        b = len(others & conv) / len(others) if others else np.nan
        upl.append(a - b)
    res["conversion_uplift"] = upl
    votes = pe[pe["event_type"].isin(["upvote", "downvote"]) & pe["feature_name"].isin(ai)]
    nv = votes.groupby(["team_id", "month"]).size()
    res["feedback_events"] = nv.reindex(g, fill_value=0)
    res["downvote_rate"] = _rate(votes[votes["event_type"] == "downvote"].groupby(["team_id", "month"]).size(), nv)
    ns["downvote_rate"] = count(nv)
    # ---- people & culture
    sr = t["survey_responses"].copy()
    sr = sr[sr["instrument"] == "psych_safety"]
    sr["month"] = month_of(_i(sr["submitted_at"]).astype(np.int64))
    v = _i(sr["response_value"])
    lo, hi = _i(sr["scale_min"]), _i(sr["scale_max"])
    v = np.where(_b(sr["reverse_scored"]), lo + hi - v, v)
    sr["scaled"] = (v - lo) / (hi - lo)
    per_resp = sr.groupby(["team_id", "month", "respondent_key"])["scaled"].mean()
    n_resp = per_resp.groupby(["team_id", "month"]).size()
    score = per_resp.groupby(["team_id", "month"]).mean().where(n_resp >= 5)
    score = score.reindex(g)
    carried = score.groupby(level="team_id").transform(lambda s: s.ffill(limit=2))
    res["psych_safety_score"] = carried
    res["psych_safety_present"] = carried.notna().astype(float)
    inc = inc.copy()
    inc["det"] = _i(inc["detected_at"])
    inc = inc[~np.isnan(inc["det"])]
    inc["team"] = inc["team_id"].where(
        inc["team_id"].notna(),
        pd.Series(owners_vector(inc["service_id"].to_numpy(), inc["det"].astype(np.int64)), index=inc.index),
    )
    inc["month"] = month_of(inc["det"].astype(np.int64))
    sa = inc[inc["detection_source"].isin(["staff", "automated"])]
    res["staff_reported_incident_share"] = _rate(
        sa[sa["detection_source"] == "staff"].groupby(["team", "month"]).size(), sa.groupby(["team", "month"]).size()
    )
    ns["staff_reported_incident_share"] = count(sa.groupby(["team", "month"]).size().rename_axis(g.names))
    rep = inc[inc["reported_at"].notna()].copy()
    rep["h"] = (_i(rep["reported_at"]) - rep["det"]) / HOUR
    res["detect_to_report_median_hours"] = rep.groupby(["team", "month"])["h"].median().reindex(g)
    ns["detect_to_report_median_hours"] = count(rep.groupby(["team", "month"]).size().rename_axis(g.names))
    ch = t["changes"].merge(t["deployment_changes"], on="change_id").merge(
        ok_prod[["deployment_id", "fin"]], on="deployment_id")
    first_ship = ch.groupby("change_id")["fin"].min()
    authored = t["changes"].set_index("change_id")["author_key"].dropna()
    ships = pd.DataFrame({"author": authored, "ship": first_ship.reindex(authored.index)}).dropna()
    person_first = ships.groupby("author")["ship"].min()
    ppl = t["people"].set_index("person_key")
    kd = pd.DataFrame({"ship": person_first})
    kd["team_id"] = ppl["team_id"].reindex(kd.index)
    kd["days"] = (kd["ship"] - _i(ppl["joined_at"].reindex(kd.index))) / DAY
    kd["month"] = month_of(kd["ship"].astype(np.int64))
    res["knowledge_diffusion_median_days"] = kd.groupby(["team_id", "month"])["days"].median().reindex(g)
    ns["knowledge_diffusion_median_days"] = count(kd.groupby(["team_id", "month"]).size())
    return res, ns


PROJECT_DIR = Path(__file__).resolve().parents[2]
SHORT = "insufficient_data"  # a value resting on fewer values than the package's min_sample_size


def min_sample_size() -> int:
    """The package default of var ai_maturity__min_sample_size (dbt_project.yml)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(project["vars"]["ai_maturity"]["ai_maturity__min_sample_size"])


def no_data_rules() -> dict[tuple[str, int, str], str]:
    """(plane, level, metric) → the criterion's if_no_data rule (seeds/maturity_criteria.csv)."""
    criteria = pd.read_csv(PROJECT_DIR / "seeds" / "maturity_criteria.csv")
    return {(row.plane, int(row.level), row.metric_name): row.if_no_data for row in criteria.itertuples()}


def short_verdicts(values: pd.Series, rule: str, comparator: str, threshold: float) -> pd.Series:
    """Whether a criterion is met where its value is SHORT, by its if_no_data rule: `met`, `not_met`,
    or `carry_forward` — the last value of the two previous months judged instead (SHORT ones skipped),
    not met without one. The generated volumes are fixed by design, so this is no matter of chance."""
    if rule != "carry_forward":
        return pd.Series(rule == "met", index=values.index)
    numeric = pd.to_numeric(values.where(values.map(lambda x: not isinstance(x, str))), errors="coerce")
    carried = numeric.groupby(level="team_id").transform(lambda s: s.shift(1).ffill(limit=1))
    return carried.apply(lambda x: False if pd.isna(x) else _met(x, comparator, threshold))


def usable(res: pd.DataFrame, ns: pd.DataFrame, floor: int) -> pd.DataFrame:
    """The metrics a criterion may use: a value resting on fewer than `floor` values is replaced by
    SHORT (insufficient data; `levels` reads it as null, or as met where the rule says so)."""
    short = (ns.reindex(columns=res.columns) < floor).fillna(False)
    return res.astype(object).mask(short, SHORT)


def _met(value: float, comparator: str, threshold: float) -> bool:
    return {">=": value >= threshold, ">": value > threshold, "<=": value <= threshold, "<": value < threshold,
            "=": value == threshold}[comparator]


def levels(res: pd.DataFrame, null_means_met: bool) -> pd.DataFrame:
    """Plane levels per team × month with the 2-period plateau; nulls count as not met (strict) or
    met (lenient) — a design holds when both readings agree with it. A value on too few values
    (SHORT) follows its criterion's if_no_data rule in both readings (`short_verdicts`): a team's
    volume is designed, so a short metric is short whatever the draw (team_manual's one deploy a
    month; a team's one or two newcomers a month for knowledge diffusion)."""
    out = pd.DataFrame(index=res.index)
    rules = no_data_rules()
    for plane in PLANES:
        crit = [c for c in CRITERIA if c[0] == plane]
        met_level = pd.Series(0, index=res.index)
        for lvl in range(1, 5):
            ok = pd.Series(True, index=res.index)
            for _, level, metric, comp, thr in crit:
                if level != lvl:
                    continue
                values = res[metric]
                judged = values.apply(lambda x, comp=comp, thr=thr: False if isinstance(x, str)
                                      else null_means_met if pd.isna(x) else _met(x, comp, thr))
                is_short = values.map(lambda x: isinstance(x, str) and x == SHORT).astype(bool)
                rule = rules.get((plane, level, metric), "not_met")
                ok &= judged.where(~is_short, short_verdicts(values, rule, comp, thr)).astype(bool)
            met_level = met_level.where(~((met_level == lvl - 1) & ok), lvl)
        plateau = met_level.groupby(level="team_id").transform(lambda s: s.rolling(2, min_periods=1).min())
        out[plane] = plateau.astype(int)
    out["overall"] = out[list(PLANES)].min(axis=1)
    return out


def check(tables: dict[str, pd.DataFrame], manifest: dict[str, dict]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    staged = stage(tables, manifest)
    res, ns = metrics(staged)
    res = usable(res, ns, min_sample_size())
    return res, levels(res, null_means_met=False), levels(res, null_means_met=True)


def mismatches(strict: pd.DataFrame, lenient: pd.DataFrame) -> list[str]:
    problems = []
    for team in TEAMS:
        want = {**team.levels.as_dict(), "overall": team.levels.overall}
        for plane, level in want.items():
            for name, table in (("strict", strict), ("lenient", lenient)):
                got = table.loc[team.team_id, plane]
                bad = got[got != level]
                if len(bad):
                    problems.append(f"{team.team_id} {plane} ({name}): want {level}, got {dict(bad)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--show", action="store_true", help="print the metric table")
    args = parser.parse_args()
    gen = generate(args.profile, args.seed)
    res, strict, lenient = check(gen.tables, gen.manifest)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.max_rows", 200)
    if args.show:
        print(res.round(3).to_string())
    print(strict.unstack("month")["overall"].to_string())
    problems = mismatches(strict, lenient)
    print("\n".join(problems) if problems else "every team holds its designed level on every plane, every month")


if __name__ == "__main__":
    main()

"""Product usage: who is active each month, who uses which feature, conversions with revenue, and
the product_events table (active / feature_use / upvote / downvote / conversion)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import N_MONTHS, Ctx, daily_load_time, month_end, month_start, seq_ids, stable_hex
from .profiles import (
    ACTIVE_USERS_PER_MONTH,
    BASE_CONVERSION,
    CONVERSION_FEATURE,
    FEATURES,
    TEAM_BY_ID,
    TEAMS,
    USER_POPULATION,
)

FEATURE_BY_NAME = {f.feature_name: f for f in FEATURES}


@dataclass
class Usage:
    user_keys: np.ndarray  # population, salted-hash-looking keys
    active: list[np.ndarray]  # per month, indices of active users
    feature_users: dict[tuple[str, int], np.ndarray]  # (feature, month) → user indices using it


def build_usage(ctx: Ctx) -> Usage:
    rng = ctx.rng("usage")
    population = USER_POPULATION * ctx.size.volume
    per_month = ACTIVE_USERS_PER_MONTH * ctx.size.volume
    keys = np.array([stable_hex("user", ctx.seed, i) for i in range(population)], dtype=object)
    active: list[np.ndarray] = []
    feature_users: dict[tuple[str, int], np.ndarray] = {}
    for m in range(N_MONTHS):
        act = np.sort(rng.choice(population, size=per_month, replace=False))
        active.append(act)
        for f in FEATURES:
            if f.feature_name == "app_shell":
                feature_users[(f.feature_name, m)] = act
                continue
            k = int(round(f.user_share * per_month))
            feature_users[(f.feature_name, m)] = np.sort(rng.choice(act, size=k, replace=False))
    return Usage(keys, active, feature_users)


def _random_times(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    return rng.integers(month_start(m), month_end(m) - 1_000_000, size=n)


def _conversions(ctx: Ctx, usage: Usage, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Converting users of month m: a base rate plus the boost of each AI feature used. Redrawn
    (deterministically) until every team designed at product level 4 shows a clear uplift."""
    act = usage.active[m]
    pos = {u: i for i, u in enumerate(act.tolist())}
    prob = np.full(len(act), BASE_CONVERSION)
    used_by_team: dict[str, np.ndarray] = {t.team_id: np.zeros(len(act), dtype=bool) for t in TEAMS}
    for f in FEATURES:
        if not f.is_ai_feature:
            continue
        idx = np.array([pos[u] for u in usage.feature_users[(f.feature_name, m)].tolist()], dtype=int)
        if len(idx):
            prob[idx] += f.conversion_boost
            used_by_team[f.team_id][idx] = True
    rng = ctx.rng("conversions", m)
    for _ in range(50):
        converted = rng.random(len(act)) < prob
        ok = True
        for team in TEAMS:
            if team.levels.product < 4:
                continue
            used = used_by_team[team.team_id]
            if converted[used].mean() - converted[~used].mean() < 0.03:
                ok = False
        if ok:
            break
    return act[converted], rng.lognormal(np.log(55), 0.6, converted.sum())


def build_product_events(ctx: Ctx, usage: Usage, votes: pd.DataFrame) -> pd.DataFrame:
    frames = [votes]
    for m in range(N_MONTHS):
        rng = ctx.rng("product_events", m)
        for f in FEATURES:
            users = usage.feature_users[(f.feature_name, m)]
            repeat = 1 + (rng.random(len(users)) < (0.2 if f.feature_name == "app_shell" else 0.1))
            who = np.repeat(users, repeat)
            frames.append(pd.DataFrame({
                "occurred_at": _random_times(rng, m, len(who)), "user_key": usage.user_keys[who],
                "team_id": f.team_id, "feature_name": f.feature_name, "is_ai_feature": f.is_ai_feature,
                "event_type": "active" if f.feature_name == "app_shell" else "feature_use",
                "request_id": None, "revenue_usd": np.nan,
            }))
        converted, revenue = _conversions(ctx, usage, m)
        conv = FEATURE_BY_NAME[CONVERSION_FEATURE]
        frames.append(pd.DataFrame({
            "occurred_at": _random_times(rng, m, len(converted)), "user_key": usage.user_keys[converted],
            "team_id": conv.team_id, "feature_name": conv.feature_name, "is_ai_feature": conv.is_ai_feature,
            "event_type": "conversion", "request_id": None, "revenue_usd": np.round(revenue, 2),
        }))
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["occurred_at", "user_key", "feature_name", "event_type"], kind="stable", ignore_index=True)
    df.insert(0, "event_id", seq_ids("evt-", len(df), 8))
    df["request_id"] = pd.array(df["request_id"].to_numpy(dtype=object), dtype="str")
    df["_loaded_at"] = daily_load_time(df["occurred_at"].to_numpy(), ctx.rng("product_events", "loaded"))
    assert set(df["team_id"]) <= set(TEAM_BY_ID)
    return df

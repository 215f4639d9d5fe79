"""People (salted-hash keys, roles, tenure) and quarterly pulse-survey responses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import DAY, DIMENSION_LOADED_AT, HOUR, MINUTE, START, Ctx, daily_load_time, hex_tokens, month_start, stable_hex, ts
from .profiles import INSTRUMENTS, TEAMS, WAVE_MONTHS, TeamProfile

AUTHOR_ROLES = frozenset({"software", "applied_ml", "ml_platform", "data"})


@dataclass(frozen=True)
class Person:
    person_key: str
    team_id: str
    role: str
    joined_at: int
    left_at: int | None
    eligible_from: int  # first moment they author changes
    is_new: bool  # joined (the team) recently: their first change is forced to them

    @property
    def is_author(self) -> bool:
        return self.role in AUTHOR_ROLES


def _roles(rng: np.random.Generator, team: TeamProfile, n: int) -> list[str]:
    names = [r for r, _ in team.culture.role_weights]
    weights = np.array([w for _, w in team.culture.role_weights], dtype=float)
    counts = np.floor(weights / weights.sum() * n).astype(int)
    while counts.sum() < n:  # largest remainders, deterministic
        remainder = weights / weights.sum() * n - counts
        counts[int(np.argmax(remainder))] += 1
    roles = [name for name, c in zip(names, counts, strict=True) for _ in range(c)]
    rng.shuffle(roles)
    return roles


def build_people(ctx: Ctx) -> list[Person]:
    people: list[Person] = []
    for team in TEAMS:
        rng = ctx.rng("people", team.team_id)
        c = team.culture
        created = ts(team.created_at)
        n_hires = sum(c.hires_by_month)
        roles = _roles(rng, team, c.initial_headcount + n_hires)
        if team.levels.team_culture >= 4:  # every hire ships code (knowledge diffusion each month)
            roles = sorted(roles, key=lambda r: r in AUTHOR_ROLES)
        idx = 0
        # initial members
        for _ in range(c.initial_headcount):
            if c.formed_recently:
                joined = ts("2024-12-15") + int(rng.integers(0, 7)) * DAY + int(rng.integers(9 * 60, 17 * 60)) * MINUTE
                eligible = ts("2025-01-02") + int(rng.uniform(0, 1.5) * DAY)
                is_new = True
            else:
                lo, hi = created, ts("2024-11-30")
                joined = int(rng.uniform(lo, hi)) if hi > lo else lo
                joined -= joined % DAY
                joined += 9 * HOUR
                eligible = START
                is_new = False
            people.append(
                Person(stable_hex("person", ctx.seed, team.team_id, idx), team.team_id, roles[idx], joined, None,
                       eligible, is_new)
            )
            idx += 1
        # hires during the year
        for m, h in enumerate(c.hires_by_month):
            for _ in range(h):
                day_hi = 8 if c.onboarding_days[1] <= 7 else 24
                joined = month_start(m) + int(rng.integers(0, day_hi)) * DAY + 9 * HOUR
                eligible = joined + int(rng.uniform(*c.onboarding_days) * DAY)
                people.append(
                    Person(stable_hex("person", ctx.seed, team.team_id, idx), team.team_id, roles[idx], joined,
                           None, eligible, True)
                )
                idx += 1
        # leavers among the initial members (not the first three, who keep the team staffed)
        candidates = list(range(len(people) - idx + 3, len(people) - n_hires))
        for j in rng.choice(candidates, size=min(c.leavers, len(candidates)), replace=False):
            p = people[int(j)]
            left = month_start(int(rng.integers(3, 10))) + int(rng.integers(0, 25)) * DAY + 17 * HOUR
            people[int(j)] = Person(p.person_key, p.team_id, p.role, p.joined_at, left, p.eligible_from, p.is_new)
    return people


def people_frame(people: list[Person]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_key": [p.person_key for p in people],
            "team_id": [p.team_id for p in people],
            "role": [p.role for p in people],
            "joined_at": [p.joined_at for p in people],
            "left_at": pd.array([p.left_at for p in people], dtype="Int64"),
            "_loaded_at": DIMENSION_LOADED_AT,
        }
    )


def _instrument_score(values: np.ndarray, reverse: np.ndarray, lo: int, hi: int) -> float:
    """Team score as metrics.md scores it: flip reverse items, scale 0–1, respondent mean, team mean.
    values: respondents × items."""
    flipped = np.where(reverse[None, :], lo + hi - values, values)
    return float(((flipped - lo) / (hi - lo)).mean(axis=1).mean())


def _answers(rng: np.random.Generator, n: int, target: float, items: int, lo: int, hi: int,
             reverse: np.ndarray) -> np.ndarray:
    """Stored answers (reverse items stored reversed) whose score is within 0.025 of target when n ≥ 5."""
    for _ in range(200):
        latent = np.clip(target + rng.normal(0, 0.05, size=(n, 1)), 0, 1)
        u = np.clip(latent + rng.normal(0, 0.12, size=(n, items)), 0, 1)
        straight = lo + np.rint(u * (hi - lo)).astype(np.int64)
        stored = np.where(reverse[None, :], lo + hi - straight, straight)
        if n < 5 or abs(_instrument_score(stored, reverse, lo, hi) - target) <= 0.025:
            return stored
    return stored


_COMMENTS = (
    "more time for refactoring would help",
    "on-call load is heavy this quarter",
    "good collaboration with the platform team",
    "unclear priorities between roadmap and incidents",
    "retros are useful and blameless",
    "would like more pairing with senior engineers",
)


def build_survey_responses(ctx: Ctx, people: list[Person]) -> pd.DataFrame:
    frames = []
    targets = {"psych_safety": "psych_target", "westrum": "westrum_target", "wellbeing": "wellbeing_target",
               "knowledge": "wellbeing_target"}
    for team in TEAMS:
        members = [p for p in people if p.team_id == team.team_id]
        for w, m in enumerate(WAVE_MONTHS):
            rng = ctx.rng("survey", team.team_id, w)
            wave = f"2025-q{w + 1}"
            opens = month_start(m) + 5 * DAY
            active = [p for p in members if p.joined_at <= opens and (p.left_at is None or p.left_at > opens + 20 * DAY)]
            if team.culture.respondents_by_wave is not None:
                n = team.culture.respondents_by_wave[w]
            else:
                n = max(5, int(round(0.75 * len(active))))
            n = min(n, len(active))
            if n == 0:
                continue
            chosen = [active[i] for i in sorted(rng.choice(len(active), size=n, replace=False))]
            submitted = opens + rng.integers(0, 14, size=n) * DAY + (rng.uniform(9, 18, size=n) * HOUR).astype(np.int64)
            response_ids = [f"resp-{wave}-{stable_hex('response', ctx.seed, p.person_key, wave, length=12)}" for p in chosen]
            for instrument, items, lo, hi, reverse_items in INSTRUMENTS:
                reverse = np.array([i in reverse_items for i in items])
                target = getattr(team.culture, targets[instrument])
                if instrument == "knowledge":
                    target = min(0.95, target + 0.05)
                stored = _answers(rng, n, target, len(items), lo, hi, reverse)
                frames.append(
                    pd.DataFrame(
                        {
                            "response_id": np.repeat(response_ids, len(items)),
                            "survey_id": f"pulse-{wave}",
                            "wave": wave,
                            "respondent_key": np.repeat([p.person_key for p in chosen], len(items)),
                            "team_id": team.team_id,
                            "submitted_at": np.repeat(submitted, len(items)),
                            "instrument": instrument,
                            "item_code": np.tile(np.array(items, dtype=object), n),
                            "response_value": stored.reshape(-1),
                            "scale_min": lo,
                            "scale_max": hi,
                            "reverse_scored": np.tile(reverse, n),
                        }
                    )
                )
    df = pd.concat(frames, ignore_index=True)
    rng = ctx.rng("survey", "comments")
    is_comment_item = df["item_code"].isin(["ps_7", "wb_5"]).to_numpy()
    has_comment = is_comment_item & (rng.random(len(df)) < 0.35)
    tokens = hex_tokens(rng, len(df), 10)
    texts = rng.choice(np.array(_COMMENTS, dtype=object), size=len(df))
    comment = np.where(has_comment, "COMMENT-TEXT-" + tokens + " " + texts, None)
    df["comment_text"] = pd.array(comment, dtype="str")
    df["_loaded_at"] = daily_load_time(df["submitted_at"].to_numpy(), ctx.rng("survey", "loaded"))
    return df

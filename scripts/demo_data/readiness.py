"""Self-assessments: the roadmap's readiness checklists (seeds/readiness_items.csv) as the demo
teams answer them, once a quarter. Most teams claim the level they are designed at; a few are
designed to misjudge themselves, so that fct_readiness_gap shows both directions."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from .common import DAY, HOUR, Ctx, daily_load_time, month_start
from .profiles import TEAMS

ITEMS_CSV = Path(__file__).resolve().parents[2] / "seeds" / "readiness_items.csv"
ASSESSMENT_MONTHS = (1, 4, 7, 10)  # 0-based: February, May, August, November
ROLES = ("tech_lead", "engineering_manager", "ml_engineer")
# team → plane → the level the team claims, where it differs from its designed level
MISJUDGED: dict[str, dict[str, int]] = {
    "team_manual": {"process": 2, "platform": 1, "team_culture": 2, "product": 1},  # overrates itself
    "team_scaling_a": {"process": 3},  # overrates its process
    "team_tracked_b": {"process": 1, "platform": 2},  # underrates its delivery and platform
    "team_optimizing_b": {"process": 3},  # underrates its process
}


def readiness_items() -> list[dict[str, str]]:
    """The checklist items of the seed, in seed order."""
    with ITEMS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def claimed_levels() -> dict[str, dict[str, int]]:
    """team_id → plane → the level the team claims in every assessment."""
    return {t.team_id: {**t.levels.as_dict(), **MISJUDGED.get(t.team_id, {})} for t in TEAMS}


def _answer(rng: np.random.Generator, item_level: int, claimed: int, first_of_level: bool) -> str | None:
    """yes up to the claimed level; at the next level, the level's first item is never yes; above,
    a mix (None: the item is left out)."""
    if item_level <= claimed:
        return "yes"
    if item_level == claimed + 1 and first_of_level:
        return "partial" if rng.random() < 0.6 else "no"
    draw = rng.random()
    if draw < 0.1:
        return None
    return "yes" if draw < 0.4 else "partial" if draw < 0.7 else "no"


def build_readiness_assessments(ctx: Ctx) -> pd.DataFrame:
    items = readiness_items()
    claims = claimed_levels()
    rows = []
    for team in TEAMS:
        rng = ctx.rng("readiness", team.team_id)
        for m in ASSESSMENT_MONTHS:
            assessed = month_start(m) + int(rng.integers(5, 20)) * DAY + int(rng.integers(9, 17)) * HOUR
            role = str(rng.choice(ROLES))
            seen: set[tuple[str, int]] = set()
            for item in items:
                plane, level = item["plane"], int(item["level"])
                answer = _answer(rng, level, claims[team.team_id][plane], (plane, level) not in seen)
                seen.add((plane, level))
                if answer is not None:
                    rows.append((f"ra-{team.team_id}-{m + 1:02d}", team.team_id, assessed, plane, level,
                                 item["item_code"], answer, role))
    df = pd.DataFrame(rows, columns=["assessment_id", "team_id", "assessed_at", "plane", "level", "item_code",
                                     "answer", "respondent_role"])
    df["_loaded_at"] = daily_load_time(df["assessed_at"].to_numpy(), ctx.rng("readiness", "loaded"))
    return df

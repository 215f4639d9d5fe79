"""Organisation tables: teams and service ownership (half-open validity intervals)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .common import DIMENSION_LOADED_AT, N_MONTHS, START, month_start, ts
from .profiles import OWNERSHIP_CHANGES, SERVICES, TEAMS


def build_teams() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team_id": [t.team_id for t in TEAMS],
            "team_name": [t.team_name for t in TEAMS],
            "org_unit": [t.org_unit for t in TEAMS],
            "created_at": [ts(t.created_at) for t in TEAMS],
            "_loaded_at": DIMENSION_LOADED_AT,
        }
    )


@lru_cache(maxsize=1)
def ownership_intervals() -> tuple[tuple[str, str, int, int | None], ...]:
    """(service_id, team_id, valid_from, valid_to) rows; valid_to None = current owner."""
    rows: list[tuple[str, str, int, int | None]] = []
    changes = {c.service_id: c for c in OWNERSHIP_CHANGES}
    for svc in SERVICES:
        created = START - 400 * 86_400_000_000 + (hash_offset(svc.service_id) * 86_400_000_000)
        change = changes.get(svc.service_id)
        if change is None:
            rows.append((svc.service_id, svc.team_id, created, None))
        else:
            at = ts(change.at)
            rows.append((svc.service_id, svc.team_id, created, at))
            rows.append((svc.service_id, change.new_team_id, at, None))
    return tuple(rows)


def hash_offset(text: str) -> int:
    """A small stable day offset so services were not all created on the same day."""
    return sum(map(ord, text)) % 200


def build_service_ownership() -> pd.DataFrame:
    rows = ownership_intervals()
    return pd.DataFrame(
        {
            "service_id": [r[0] for r in rows],
            "team_id": [r[1] for r in rows],
            "valid_from": [r[2] for r in rows],
            "valid_to": pd.array([r[3] for r in rows], dtype="Int64"),
            "_loaded_at": DIMENSION_LOADED_AT,
        }
    )


def owner_at(service_id: str, t: int) -> str:
    for svc, team, valid_from, valid_to in ownership_intervals():
        if svc == service_id and valid_from <= t and (valid_to is None or t < valid_to):
            return team
    raise KeyError(f"{service_id} has no owner at {t}")


def owners_by_month() -> dict[str, list[str]]:
    """service_id → owner at each month's start (ownership changes are month-aligned)."""
    return {s.service_id: [owner_at(s.service_id, month_start(m)) for m in range(N_MONTHS)] for s in SERVICES}


def team_services_by_month() -> dict[str, list[list[str]]]:
    """team_id → per month, the services it owns."""
    owners = owners_by_month()
    out: dict[str, list[list[str]]] = {t.team_id: [[] for _ in range(N_MONTHS)] for t in TEAMS}
    for svc, per_month in owners.items():
        for m, team in enumerate(per_month):
            out[team][m].append(svc)
    return out


def owners_vector(service_ids: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Vectorised owner lookup for (service, timestamp) pairs."""
    result = np.empty(len(service_ids), dtype=object)
    service_ids = np.asarray(service_ids, dtype=object)
    times = np.asarray(times, dtype=np.int64)
    for svc, team, valid_from, valid_to in ownership_intervals():
        mask = (service_ids == svc) & (times >= valid_from)
        if valid_to is not None:
            mask &= times < valid_to
        result[mask] = team
    return result

"""Time constants, seeded random streams, ids and hash-like keys shared by every module.

Timestamps are carried as int64 microseconds since the Unix epoch (naive UTC) until the writer
turns them into TIMESTAMP; nothing reads the wall clock.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def ts(iso: str) -> int:
    """Microseconds since epoch of an ISO timestamp (naive, UTC)."""
    return int(pd.Timestamp(iso).value // 1000)


START = ts("2025-01-01")
END = ts("2026-01-01")  # exclusive: the last event is before this instant
MONTH_STARTS = np.array([ts(f"2025-{m:02d}-01") for m in range(1, 13)] + [END], dtype=np.int64)
N_MONTHS = 12
DIMENSION_LOADED_AT = ts("2026-01-01 01:00:00")


def month_start(m: int) -> int:
    return int(MONTH_STARTS[m])


def month_end(m: int) -> int:
    """Exclusive end of month m (0-based)."""
    return int(MONTH_STARTS[m + 1])


def month_of(t: np.ndarray | int) -> np.ndarray:
    """0-based month index of timestamps (values outside 2025 clip to 0 / 11)."""
    idx = np.searchsorted(MONTH_STARTS, np.asarray(t, dtype=np.int64), side="right") - 1
    return np.clip(idx, 0, N_MONTHS - 1)


def month_label(m: int) -> str:
    return f"2025-{m + 1:02d}"


def weekdays_of_month(m: int) -> np.ndarray:
    """Day-start timestamps of the Monday–Friday days of month m."""
    days = np.arange(month_start(m), month_end(m), DAY, dtype=np.int64)
    weekday = pd.to_datetime(days, unit="us").day_of_week
    return days[np.asarray(weekday) < 5]


def stable_int(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stable_hex(*parts: object, length: int = 40) -> str:
    """A salted-hash-looking hex string that depends only on its parts."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class SizeProfile:
    """Volume knobs of a generator run; `small` is the designed reference."""

    name: str
    volume: int  # multiplier for user, LLM and event volumes
    deploy_scale: float  # multiplier for deployment / change volumes (kept sub-linear)
    windows_per_day: int  # inference windows per service × model and day
    checks_per_day: int  # drift monitor runs per monitored model and day


SIZES: dict[str, SizeProfile] = {
    "small": SizeProfile("small", volume=1, deploy_scale=1.0, windows_per_day=1, checks_per_day=1),
    "medium": SizeProfile("medium", volume=13, deploy_scale=3.0, windows_per_day=6, checks_per_day=4),
    "large": SizeProfile("large", volume=125, deploy_scale=10.0, windows_per_day=24, checks_per_day=24),
}


@dataclass
class Ctx:
    """Run context: the seed, the size and independent random streams per component."""

    seed: int
    size: SizeProfile
    _streams: dict[str, np.random.Generator] = field(default_factory=dict)

    def rng(self, *names: object) -> np.random.Generator:
        """A generator that depends only on the seed and the component name (stable across edits
        of other components)."""
        key = "/".join(str(n) for n in names)
        return np.random.default_rng([self.seed, stable_int(key)])

    def scaled(self, n: float) -> int:
        return int(round(n * self.size.volume))

    def deploy_scaled(self, n: float) -> float:
        return n * self.size.deploy_scale

    def user_key(self, i: int) -> str:
        return stable_hex("user", self.seed, i)


def hex_tokens(rng: np.random.Generator, n: int, length: int = 16) -> np.ndarray:
    """n random lowercase hex strings of `length` chars (length ≤ 32)."""
    hi = rng.integers(0, 2**63, size=n, dtype=np.int64)
    lo = rng.integers(0, 2**63, size=n, dtype=np.int64)
    out = [f"{a:016x}{b:016x}"[:length] for a, b in zip(hi.tolist(), lo.tolist(), strict=True)]
    return np.array(out, dtype=object)


def seq_ids(prefix: str, n: int, width: int = 7) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def uniform_between(rng: np.random.Generator, bounds: tuple[float, float], n: int | None = None) -> np.ndarray:
    return rng.uniform(bounds[0], bounds[1], size=n)


def hours(x: float | np.ndarray) -> np.ndarray:
    return (np.asarray(x) * HOUR).astype(np.int64)


def minutes(x: float | np.ndarray) -> np.ndarray:
    return (np.asarray(x) * MINUTE).astype(np.int64)


def daily_load_time(event_us: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`_loaded_at` of a nightly batch: the day after the event, 02:00–03:00."""
    ev = np.asarray(event_us, dtype=np.int64)
    day = ev - (ev % DAY)
    return day + DAY + 2 * HOUR + rng.integers(0, 60, size=len(ev)) * MINUTE

"""Numbers as text, honestly: null, NaN and infinity are "no data", never 0 or a number."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

NO_DATA = "no data"


def is_number(value: Any) -> bool:
    """True for a finite number (not null, NaN, infinity or a boolean)."""
    if value is None or isinstance(value, bool) or value is pd.NA or value is pd.NaT:
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number)


def settle(value: Any) -> float:
    """A finite number rounded to 12 significant digits, so that engines whose sums differ in the
    last bits (DuckDB, Spark, PostgreSQL) print the same digits."""
    return float(f"{float(value):.12g}")


def format_score(value: Any, digits: int = 2) -> str:
    """A survey score with `digits` decimals, rounded half up (0.685 → 0.69), or "no data"."""
    if not is_number(value):
        return NO_DATA
    return str(Decimal(repr(settle(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def format_value(value: Any, unit: str | None) -> str:
    """A metric value in its unit (from dim_metrics), or "no data"."""
    if not is_number(value):
        return NO_DATA
    number = settle(value)
    if unit == "ratio":
        return f"{number * 100:.1f} %"
    if unit == "usd":
        return f"${number:,.2f}" if abs(number) >= 1 else f"${number:.4g}"
    if unit == "count":
        return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"
    suffix = {"hours": " h", "days": " d", "minutes": " min", "ms": " ms", "per_week": " / week"}.get(unit or "", "")
    if abs(number) >= 100:
        return f"{number:,.0f}{suffix}"
    return f"{number:.3g}{suffix}" if abs(number) < 10 else f"{number:.1f}{suffix}"


def format_sample_size(sample_size: Any, has_sample_size: bool) -> str:
    """The sample size beside a value: "n = 64"; a count or a calendar rate has none; no sample is "n = 0"."""
    if not has_sample_size:
        return "n not applicable"
    if not is_number(sample_size):
        return "n = 0"
    return f"n = {int(float(sample_size)):,}"


def format_plain(value: Any, digits: int = 3) -> str:
    """A threshold, observed value or gap without a unit."""
    if not is_number(value):
        return NO_DATA
    number = settle(value)
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:.{digits}g}"


def format_period(value: Any) -> str:
    """A period start as YYYY-MM-DD, or "no data"."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def humanise(name: str) -> str:
    """A column name as a label: `change_fail_rate` → `change fail rate`."""
    return name.replace("_", " ")


def period_labels(periods: pd.Series) -> dict[pd.Timestamp, str]:
    """A label per period start: "Sep 2025" when every period starts a month, else the date."""
    starts = sorted({pd.Timestamp(value) for value in periods.dropna()})
    monthly = all(start.day == 1 for start in starts)
    return {start: start.strftime("%b %Y" if monthly else "%Y-%m-%d") for start in starts}

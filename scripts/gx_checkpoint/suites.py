"""Expectation suites of the checkpoint: generated from the raw contract, plus the mart invariants.

Severity (GX's own `severity`): `critical` for structural and gross faults — a missing required
column, a column of the wrong type family, an empty required table or mart, a key, a required value
or an enumeration violated by more than `max_share` of the rows (and at least `min_violating_rows`
rows), a volume collapse against the previous period (raw event rows, pro rata of the latest
period elapsed; rows per period of a cluster mart), a team of dim_teams missing from a cluster mart
in the latest period, a maturity level outside the seed. `warning` for the row-level faults staging
quarantines or flags anyway (a few duplicates, an unknown enumeration value, a missing required
value, a value out of range, an implausible timestamp), each reporting its count, for a missing
optional column or an empty optional table, and for the headline-metric distribution and the
measured values of the latest period (an open period legitimately has fewer). Every check is an
aggregate query (GX metrics, or an UnexpectedRowsExpectation whose query GX wraps in a count): no
table is read row by row.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from .contract import PROJECT_DIR, RawColumn, RawTable
from .engines import Target

# the severities of the findings; the expectations take GX's FailureSeverity of the same value
CRITICAL = "critical"
WARNING = "warning"

# the interval of one reporting period (var ai_maturity__period), portable to DuckDB, PostgreSQL, Spark
PERIOD_INTERVALS = {"week": "interval '7' day", "month": "interval '1' month", "quarter": "interval '3' month"}

# headline metrics whose distribution across teams is compared with the previous period
HEADLINE_METRICS = (
    "deployment_frequency_per_week",
    "change_lead_time_median_hours",
    "change_fail_rate",
    "failed_deployment_recovery_median_hours",
    "llm_error_rate",
    "ai_adoption_share",
)


@dataclass(frozen=True)
class Thresholds:
    """What turns a fault critical."""

    max_share: float = 0.05  # share of rows violating a key, a required value or an enumeration
    max_volume_drop: float = 0.5  # fall of a period's volume against the previous period
    max_mean_shift: float = 1.0  # relative move of a headline metric's mean across teams (warning)
    min_violating_rows: int = 5  # fewer violating rows are never critical (one bad row of a tiny table)


def _family(type_name: str) -> str:
    """The logical family of a warehouse column type (DuckDB, PostgreSQL or Spark spelling)."""
    name = type_name.lower()
    if "timestamp" in name or name.startswith("date"):
        return "timestamp"
    if any(word in name for word in ("char", "text", "string")):
        return "string"
    if "bool" in name:
        return "boolean"
    if any(word in name for word in ("double", "float", "real", "decimal", "numeric")):
        return "double"
    if any(word in name for word in ("int", "long", "short", "byte")):
        return "bigint"
    return "other"


def _fits(column: RawColumn, type_name: str) -> bool:
    """Whether a present column's type can hold its logical type (text timestamps are parsed by staging)."""
    family = _family(type_name)
    if column.logical_type == "timestamp":
        return family in ("timestamp", "string")
    if column.logical_type == "double":
        return family in ("double", "bigint")
    return family == column.logical_type


def _meta(stage: str, table: str, check: str, column: str | None = None) -> dict[str, Any]:
    return {"stage": stage, "table": table, "check": check, **({"column": column} if column else {})}


def _quote_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _share_exceeded(violations_sql: str, thresholds: Thresholds) -> str:
    """One row (total_rows, violating_rows) when the violations exceed max_share of the rows and
    min_violating_rows; `violations_sql` yields total_rows and violating_rows from {batch}."""
    return (
        f"select total_rows, violating_rows from ({violations_sql}) as counted "
        f"where violating_rows > {thresholds.max_share!r} * total_rows "
        f"and violating_rows >= {thresholds.min_violating_rows}"
    )


def _rows_where(condition: str) -> str:
    return ("select count(*) as total_rows, sum(case when " + condition + " then 1 else 0 end) as violating_rows "
            "from {batch}")


def raw_expectations(
    table: RawTable,
    present: Mapping[str, str],
    target: Target,
    settings: Mapping[str, Any],
    thresholds: Thresholds,
) -> list[gxe.Expectation]:
    """The suite of one raw table that exists (`present`: its columns and their warehouse types)."""
    stage, name = "raw", table.name
    share = thresholds.max_share
    expectations: list[gxe.Expectation] = [
        gxe.ExpectTableRowCountToBeBetween(
            min_value=1,
            severity=FailureSeverity.WARNING if table.optional else FailureSeverity.CRITICAL,
            description=f"{name} is not empty",
            meta=_meta(stage, name, "not_empty"),
        )
    ]
    usable: dict[str, RawColumn] = {}
    for column in table.columns:
        severity = FailureSeverity.CRITICAL if column.required else FailureSeverity.WARNING
        expectations.append(
            gxe.ExpectColumnToExist(
                column=column.name,
                severity=severity,
                description=f"{name}.{column.name} exists ({'required' if column.required else 'optional'} column)",
                meta=_meta(stage, name, "column_exists", column.name),
            )
        )
        type_name = present.get(column.name.lower())
        if type_name is None:
            continue
        expectations.append(
            gxe.ExpectColumnValuesToBeInTypeList(
                column=column.name,
                type_list=target.type_names[column.logical_type],
                severity=FailureSeverity.CRITICAL,
                description=f"{name}.{column.name} has a {column.logical_type} type",
                meta=_meta(stage, name, "column_type", column.name),
            )
        )
        if _fits(column, type_name):
            usable[column.name] = column

    for column in usable.values():
        col = column.name
        if column.required:
            expectations += [
                gxe.ExpectColumnValuesToNotBeNull(
                    column=col, severity=FailureSeverity.WARNING,
                    description=f"{name}.{col} is never null (required value; staging rejects the row)",
                    meta=_meta(stage, name, "required_value", col),
                ),
                gxe.UnexpectedRowsExpectation(
                    unexpected_rows_query=_share_exceeded(_rows_where(f"{col} is null"), thresholds),
                    severity=FailureSeverity.CRITICAL,
                    description=f"{name}.{col} is null in at most {share:.0%} of rows",
                    meta=_meta(stage, name, "required_value_share", col),
                ),
            ]
        if column.accepted_values and _family(present[col.lower()]) == "string":
            unknown = f"{col} is not null and lower(trim({col})) not in ({_quote_list(column.accepted_values)})"
            expectations += [
                gxe.UnexpectedRowsExpectation(
                    unexpected_rows_query=f"select {col} from {{batch}} where {unknown}",
                    severity=FailureSeverity.WARNING,
                    description=f"{name}.{col} is one of {', '.join(column.accepted_values)} "
                                "(trimmed, any case; staging rejects the row)",
                    meta=_meta(stage, name, "enumeration", col),
                ),
                gxe.UnexpectedRowsExpectation(
                    unexpected_rows_query=_share_exceeded(_rows_where(unknown), thresholds),
                    severity=FailureSeverity.CRITICAL,
                    description=f"{name}.{col} is outside its enumeration in at most {share:.0%} of rows",
                    meta=_meta(stage, name, "enumeration_share", col),
                ),
            ]
        ranged = column.minimum is not None or column.maximum is not None
        if ranged and _family(present[col.lower()]) in ("double", "bigint"):
            upper = "∞" if column.maximum is None else column.maximum
            expectations.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=col, min_value=column.minimum, max_value=column.maximum, severity=FailureSeverity.WARNING,
                    description=f"{name}.{col} is in [{column.minimum}, {upper}] "
                                "(staging rejects or nulls it otherwise)",
                    meta=_meta(stage, name, "range", col),
                )
            )

    key = [column for column in table.primary_key if column in usable]
    if key and len(key) == len(table.primary_key):
        listed = ", ".join(key)
        copies = (f"select sum(copies) as total_rows, sum(copies - 1) as violating_rows from "
                  f"(select {listed}, count(*) as copies from {{batch}} group by {listed}) as keys")
        expectations += [
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=f"select total_rows, violating_rows from ({copies}) as counted "
                                      "where violating_rows > 0",
                severity=FailureSeverity.WARNING,
                description=f"{name} key ({listed}) is unique (staging keeps the latest delivery)",
                meta=_meta(stage, name, "key_unique"),
            ),
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=_share_exceeded(copies, thresholds),
                severity=FailureSeverity.CRITICAL,
                description=f"{name} key ({listed}): extra deliveries are at most {share:.0%} of rows",
                meta=_meta(stage, name, "key_unique_share"),
            ),
        ]

    period = table.period_column
    if period and period in usable and _family(present[period.lower()]) == "timestamp":
        expectations += _period_expectations(name, period, present, target, settings, thresholds)
    return expectations


def _period_expectations(
    name: str,
    period: str,
    present: Mapping[str, str],
    target: Target,
    settings: Mapping[str, Any],
    thresholds: Thresholds,
) -> list[gxe.Expectation]:
    """Implausible period timestamps (warning) and a volume collapse of the latest period (critical)."""
    min_date = settings["ai_maturity__min_event_date"]
    skew_hours = int(settings["ai_maturity__clock_skew_hours"])
    grain = str(settings["ai_maturity__period"])
    loaded = "_loaded_at" in present and _family(present["_loaded_at"]) == "timestamp"
    too_late = f" or {period} > _loaded_at + interval '{skew_hours}' hour" if loaded else ""
    expectations: list[gxe.Expectation] = [
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=(
                f"select {period} from {{batch}} where {period} < timestamp '{min_date} 00:00:00'{too_late}"
            ),
            severity=FailureSeverity.WARNING,
            description=f"{name}.{period} is on or after {min_date}"
                        + (f" and at most {skew_hours} h after _loaded_at" if loaded else "")
                        + " (staging rejects the row)",
            meta=_meta("raw", name, "plausible_timestamp", period),
        )
    ]
    upper = (f"(select max(_loaded_at) from source_rows) + interval '{skew_hours}' hour" if loaded
             else "current_timestamp")
    plausible = f"{period} >= timestamp '{min_date} 00:00:00' and {period} <= {upper}"
    expectations.append(
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=_volume_collapse_sql(
                f"select date_trunc('{grain}', {period}) as period_start, {period} as event_at "
                f"from source_rows where {plausible}",
                target, grain, thresholds.max_volume_drop, prorate=True,
            ),
            severity=FailureSeverity.CRITICAL,
            description=(f"{name}: rows of the latest {grain} (pro rata of the part elapsed) are at least "
                         f"{1 - thresholds.max_volume_drop:.0%} of the previous {grain}'s"),
            meta=_meta("raw", name, "volume"),
        )
    )
    return expectations


# GX aliases the {batch} subquery only in a query without the word JOIN (it leaves the aliasing
# of join queries to their author): every query here names {batch} once and joins with commas.
def _volume_collapse_sql(events_sql: str, target: Target, grain: str, max_drop: float, prorate: bool,
                         volume: str = "count(*)", group: str = "") -> str:
    """One row per group whose latest period's volume fell below (1 − max_drop) × the previous period's.

    `events_sql` reads `source_rows` (the batch: GX substitutes {batch} once, aliased, so every query
    names it once) and yields period_start (and event_at when prorated); with `prorate` the previous
    period's volume is scaled by the share of the latest period elapsed at its last event, so an
    open period is not a collapse.
    """
    group_cols = f"{group}, " if group else ""
    partition = f"partition by {group} " if group else ""
    pairs = " and ".join([f"latest.{g.strip()} = previous.{g.strip()}" for g in group.split(",")]) if group else "1 = 1"
    if prorate:
        period_end = f"(latest.period_start + {PERIOD_INTERVALS[grain]})"
        elapsed = (f"least(1.0, ({target.epoch('latest.last_event_at')} - {target.epoch('latest.period_start')}) "
                   f"/ ({target.epoch(period_end)} - {target.epoch('latest.period_start')}))")
        last_event = ", max(event_at) as last_event_at"
    else:
        elapsed, last_event = "1.0", ""
    return (
        "with source_rows as (select * from {batch}), "
        f"events as ({events_sql}), "
        f"volumes as (select {group_cols}period_start, {volume} as volume{last_event} from events "
        f"group by {group_cols}period_start), "
        f"ranked as (select volumes.*, row_number() over ({partition}order by period_start desc) as period_rank "
        f"from volumes), "
        f"latest as (select * from ranked where period_rank = 1), "
        f"previous as (select * from ranked where period_rank = 2) "
        f"select {''.join(f'latest.{g.strip()}, ' for g in group.split(',')) if group else ''}"
        f"latest.period_start, latest.volume as latest_volume, previous.volume as previous_volume, "
        f"{elapsed} as elapsed_share "
        f"from latest, previous where {pairs} "
        f"and latest.volume < {1 - max_drop!r} * previous.volume * {elapsed}"
    )


def maturity_level_bounds() -> tuple[int, int]:
    """Lowest and highest maturity level of the package's maturity_levels seed."""
    with (PROJECT_DIR / "seeds" / "maturity_levels.csv").open() as handle:
        levels = [int(row["level"]) for row in csv.DictReader(handle)]
    return min(levels), max(levels)


def mart_expectations(
    mart: str,
    marts_schema: str,
    cluster_marts: Mapping[str, str],
    target: Target,
    settings: Mapping[str, Any],
    thresholds: Thresholds,
) -> list[gxe.Expectation]:
    """Invariants of one mart the dbt tests do not cover (cluster_marts: mart → cluster)."""
    stage = "marts"
    grain = str(settings["ai_maturity__period"])
    drop = thresholds.max_volume_drop
    expectations: list[gxe.Expectation] = [
        gxe.ExpectTableRowCountToBeBetween(
            min_value=1, severity=FailureSeverity.CRITICAL, description=f"{mart} is not empty",
            meta=_meta(stage, mart, "not_empty"))
    ]
    dim_teams = target.relation(marts_schema, "dim_teams")
    if mart in cluster_marts:
        expectations += [
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=(
                    "with mart as (select team_id, period_start from {batch}), "
                    "latest as (select max(period_start) as period_start from mart) "
                    f"select teams.team_id, latest.period_start from {dim_teams} as teams, latest "
                    "where not exists (select 1 from mart where mart.team_id = teams.team_id "
                    "and mart.period_start = latest.period_start)"
                ),
                severity=FailureSeverity.CRITICAL,
                description=f"{mart}: every team of dim_teams has a row in the latest {grain}",
                meta=_meta(stage, mart, "teams_in_latest_period"),
            ),
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=_volume_collapse_sql(
                    "select period_start from source_rows", target, grain, drop, prorate=False),
                severity=FailureSeverity.CRITICAL,
                description=f"{mart}: rows of the latest {grain} are at least {1 - drop:.0%} of the previous {grain}'s",
                meta=_meta(stage, mart, "volume"),
            ),
        ]
    if mart == "fct_team_metrics":
        expectations += [
            gxe.ExpectColumnDistinctValuesToContainSet(
                column="cluster", value_set=sorted(set(cluster_marts.values())), severity=FailureSeverity.CRITICAL,
                description="fct_team_metrics holds every cluster of dim_metrics",
                meta=_meta(stage, mart, "clusters_present", "cluster"),
            ),
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=_volume_collapse_sql(
                    "select cluster, period_start, metric_value from source_rows", target, grain, drop, prorate=False,
                    volume="count(metric_value)", group="cluster"),
                # a warning: an open latest period has fewer measurable metrics (the rows per
                # period of the cluster marts are the critical volume check)
                severity=FailureSeverity.WARNING,
                description=(f"fct_team_metrics: measured (non-null) values of each cluster in the latest {grain} are "
                             f"at least {1 - drop:.0%} of the previous {grain}'s (lower in a {grain} still open)"),
                meta=_meta(stage, mart, "measured_volume"),
            ),
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=_mean_shift_sql(thresholds.max_mean_shift),
                severity=FailureSeverity.WARNING,
                description=(f"fct_team_metrics: the mean over teams of each headline metric "
                             f"({', '.join(HEADLINE_METRICS)}) moved by at most {thresholds.max_mean_shift:.0%} "
                             f"from the previous {grain}, and its share of teams without a value rose by at most 25 points"),
                meta=_meta(stage, mart, "headline_distribution"),
            ),
        ]
    if mart == "fct_team_maturity":
        low, high = maturity_level_bounds()
        expectations.append(
            gxe.ExpectColumnValuesToBeBetween(
                column="maturity_level", min_value=low, max_value=high, severity=FailureSeverity.CRITICAL,
                description=f"fct_team_maturity.maturity_level is a level of the maturity_levels seed ({low}–{high})",
                meta=_meta(stage, mart, "maturity_level_range", "maturity_level"),
            )
        )
    return expectations


def _mean_shift_sql(max_shift: float) -> str:
    """Headline metrics whose latest-period mean or null share moved too far from the previous period's."""
    metrics = _quote_list(HEADLINE_METRICS)
    return (
        "with values_by_period as (select metric_name, period_start, avg(metric_value) as mean_value, "
        "avg(case when metric_value is null then 1.0 else 0.0 end) as null_share "
        f"from {{batch}} where metric_name in ({metrics}) group by metric_name, period_start), "
        "ranked as (select values_by_period.*, row_number() over (partition by metric_name order by period_start desc) "
        "as period_rank from values_by_period), "
        "latest as (select * from ranked where period_rank = 1), "
        "previous as (select * from ranked where period_rank = 2) "
        "select latest.metric_name, latest.period_start, latest.mean_value, previous.mean_value as previous_mean_value, "
        "latest.null_share, previous.null_share as previous_null_share "
        "from latest, previous where latest.metric_name = previous.metric_name "
        f"and (abs(latest.mean_value - previous.mean_value) > {max_shift!r} * abs(previous.mean_value) "
        "or latest.null_share > previous.null_share + 0.25)"
    )

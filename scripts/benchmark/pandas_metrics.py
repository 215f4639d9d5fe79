"""The change-delivery and LLM-economics metrics per team × month, written in vectorized pandas as a
user would write them in a notebook, straight from the RAW tables (no dbt model is read).

    python scripts/benchmark/pandas_metrics.py --duckdb FILE [--schema raw] [--out FILE.pkl]

DuckDB only loads the raw tables (`.df()`); every rule is pandas. It applies the raw contract's
validation these metrics need, as the package does (README "Data quality"):
- dedupe per primary key keeping the greatest `_loaded_at`; equal or null `_loaded_at` are broken
  by the greatest md5 of the row's whole content (`coalesce(cast(col as varchar), '<null>')`
  joined by `|`, contract column order), as `dedupe_rank` does;
- enumerations trimmed and lower-cased, then rejected outside the contract; missing required values
  rejected; unknown teams, services, parents rejected; the team of a deployment / incident is its
  own, else the owner of its service at `finished_at` / `detected_at` (half-open ownership
  intervals, an interval cut where the next one of the service starts);
- a row whose period timestamp is implausible (before var `ai_maturity__min_event_date`, or after
  its `_loaded_at` plus var `ai_maturity__clock_skew_hours`) is rejected;
- flagged fields of LLM requests (negative tokens, a negative or non-finite cost, first token
  before the start) are null.
Metric definitions: /work/shared/spec/metrics.md §1 and §5 and the README's "Choices where the
specification left room". Rows: the shared spine (each team from the month of its first event in
any event table to the last month of all data; a quiet month has zero counts and null rates).
No `ai_maturity__as_of` cut-off (the package default).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from config import duckdb_settings  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT_PROJECT_YML = PROJECT_DIR / "dbt_project.yml"
SOURCES_YML = PROJECT_DIR / "models" / "staging" / "ai_maturity_raw" / "_ai_maturity_raw__sources.yml"

CHANGE_DELIVERY_METRICS = (
    "deployments_count",
    "deployment_frequency_per_week",
    "change_lead_time_median_hours",
    "change_fail_rate",
    "failed_deployment_recovery_median_hours",
    "time_to_restore_median_hours",
    "rework_rate",
)
LLM_ECONOMICS_METRICS = ("llm_queries", "cost_per_query_usd", "tokens_per_response", "cost_per_useful_token_usd")
METRICS: dict[str, tuple[str, ...]] = {
    "fct_change_delivery": CHANGE_DELIVERY_METRICS,
    "fct_governance_ethics": LLM_ECONOMICS_METRICS,
}

NULL_SUFFIX = "__is_null"

# Free-text columns: loaded only for the rows whose dedupe tie-break needs the whole content.
TEXT_COLUMNS = {"prompt_text", "response_text", "comment_text"}

# Event tables that only bound the spine here: (team column or None → owner of service_id, period timestamp).
SPINE_ONLY_TABLES: dict[str, str] = {
    "training_runs": "started_at",
    "drift_checks": "checked_at",
    "inference_windows": "window_start",
    "survey_responses": "submitted_at",
    "explainability_requests": "requested_at",
    "bias_audits": "audited_at",
    "model_documentation": "documented_at",
}
OWNER_RESOLVED_SPINE_TABLES = {"inference_windows"}


@dataclass(frozen=True)
class TableContract:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, logical type) in contract order
    primary_key: tuple[str, ...]
    required: tuple[str, ...]
    accepted_values: dict[str, tuple[str, ...]]
    period_column: str | None = None


def read_contract(path: Path = SOURCES_YML) -> dict[str, TableContract]:
    """The raw contract (the package's source yml): columns, types, keys, required, enumerations."""
    source = yaml.safe_load(path.read_text())["sources"][0]
    contract = {}
    for table in source["tables"]:
        columns = tuple((c["name"], c.get("data_type") or "string") for c in table["columns"])
        meta = table.get("meta") or {}
        contract[table["name"]] = TableContract(
            name=table["name"],
            columns=columns,
            primary_key=tuple(meta.get("primary_key") or ()),
            required=tuple(c["name"] for c in table["columns"] if (c.get("meta") or {}).get("required")),
            accepted_values={
                c["name"]: tuple(c["meta"]["accepted_values"])
                for c in table["columns"]
                if (c.get("meta") or {}).get("accepted_values")
            },
            period_column=meta.get("period_column"),
        )
    return contract


@dataclass(frozen=True)
class PlausibleTime:
    """Vars ai_maturity__min_event_date and ai_maturity__clock_skew_hours (dbt_project.yml)."""

    min_event_date: pd.Timestamp
    clock_skew: pd.Timedelta


def read_plausible_time(path: Path = DBT_PROJECT_YML) -> PlausibleTime:
    variables = (yaml.safe_load(path.read_text()).get("vars") or {}) if path.exists() else {}
    scoped = {**variables, **(variables.get("ai_maturity") or {})}
    return PlausibleTime(
        pd.Timestamp(str(scoped.get("ai_maturity__min_event_date", "2000-01-01"))),
        pd.Timedelta(hours=int(scoped.get("ai_maturity__clock_skew_hours", 24))),
    )


PLAUSIBLE_TIME = read_plausible_time()


# ----------------------------------------------------------------------------------------------
# Loading and typing


class RawReader:
    """Loads raw tables from DuckDB into pandas (typed as the contract, like `try_cast`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, schema: str, contract: dict[str, TableContract]) -> None:
        self.con = con
        self.schema = schema
        self.contract = contract
        present = con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        ).fetchall()
        self.present = {name for (name,) in present}

    def columns_of(self, table: str) -> set[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [self.schema, table],
        ).fetchall()
        return {name.lower() for (name,) in rows}

    def load(self, table: str, columns: Collection[str] | None = None, with_text: bool = False) -> pd.DataFrame:
        """Contract columns of a raw table (all but free text unless asked; a missing optional
        column is null), plus `_rowid` to fetch a row's whole content later."""
        spec = self.contract[table]
        wanted = [
            (name, kind) for name, kind in spec.columns
            if (columns is None or name in columns) and (with_text or name not in TEXT_COLUMNS)
        ]
        if table not in self.present:
            return typed(pd.DataFrame({name: pd.Series([], dtype=object) for name, _ in wanted}), wanted)
        existing = self.columns_of(table)
        select = ", ".join(f'"{name}"' if name in existing else f'null as "{name}"' for name, _ in wanted)
        # pandas reads both SQL null and NaN of a double as NaN: a required double's null check
        # needs to know which (NaN is a value, flagged later; null is a missing value)
        nulls = "".join(
            f', "{name}" is null as "{name}{NULL_SUFFIX}"' for name, kind in wanted
            if kind == "double" and name in spec.required and name in existing
        )
        frame = self.con.sql(f'select rowid as _rowid, {select}{nulls} from "{self.schema}"."{table}"').df()
        return typed(frame, wanted)

    def fetch_rows(self, table: str, rowids: Sequence[int]) -> pd.DataFrame:
        """Whole contract rows (free text included) by rowid, for the dedupe tie-break."""
        spec = self.contract[table]
        existing = self.columns_of(table)
        select = ", ".join(f'"{n}"' if n in existing else f'null as "{n}"' for n, _ in spec.columns)
        nulls = "".join(f', "{n}" is null as "{n}{NULL_SUFFIX}"' for n, k in spec.columns
                        if k == "double" and n in existing)
        ids = ", ".join(str(int(i)) for i in rowids)
        frame = self.con.sql(
            f'select rowid as _rowid, {select}{nulls} from "{self.schema}"."{table}" where rowid in ({ids})'
        ).df()
        return typed(frame, list(spec.columns))


def typed(frame: pd.DataFrame, columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Cast each column to its contract type; a value that does not parse becomes null (try_cast)."""
    for name, kind in columns:
        column = frame[name]
        if kind == "timestamp":
            if not pd.api.types.is_datetime64_any_dtype(column) or getattr(column.dt, "tz", None) is not None:
                column = pd.to_datetime(column, errors="coerce", utc=True, format="mixed").dt.tz_convert(None)
            frame[name] = column.astype("datetime64[us]")
        elif kind in ("bigint", "double"):
            if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
                column = pd.to_numeric(column, errors="coerce")
            frame[name] = column.astype("Int64" if kind == "bigint" else "float64")
        elif kind == "boolean":
            if not pd.api.types.is_bool_dtype(column):
                text = column.astype("string").str.strip().str.lower()
                column = text.map({"true": True, "t": True, "1": True, "false": False, "f": False, "0": False})
            frame[name] = column.astype("boolean")
        else:
            frame[name] = column.astype("string")
    return frame


# ----------------------------------------------------------------------------------------------
# Validation


def varchar(value: Any, kind: str) -> str:
    """DuckDB's `coalesce(cast(value as varchar), '<null>')` for a contract-typed value."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "<null>"
    if kind == "timestamp":
        stamp = pd.Timestamp(value)
        text = stamp.strftime("%Y-%m-%d %H:%M:%S")
        micros = stamp.microsecond
        return f"{text}.{micros:06d}".rstrip("0") if micros else text
    if kind == "boolean":
        return "true" if bool(value) else "false"
    if kind == "bigint":
        return str(int(value))
    if kind == "double":
        return repr(float(value))
    return str(value)


def content_md5(frame: pd.DataFrame, columns: Sequence[tuple[str, str]]) -> pd.Series:
    """md5 of each row's whole content, as the package's surrogate_key over every contract column."""
    def cell(row: pd.Series, name: str, kind: str) -> str:
        value = row[name]
        # a double NaN (not a SQL null) is the text 'nan'; pandas reads both as NaN
        null_flag = f"{name}{NULL_SUFFIX}"
        if kind == "double" and null_flag in row.index and not row[null_flag] and pd.isna(value):
            return "nan"
        return varchar(value, kind)

    texts = ["|".join(cell(row, name, kind) for name, kind in columns) for _, row in frame.iterrows()]
    return pd.Series([hashlib.md5(text.encode()).hexdigest() for text in texts], index=frame.index, dtype="string")


def dedupe(frame: pd.DataFrame, spec: TableContract, fetch: Callable[[Sequence[int]], pd.DataFrame]) -> pd.DataFrame:
    """Rank-1 row of each primary key: greatest `_loaded_at` (nulls last), then greatest content
    md5. Rows with a null key part are dropped (every key column is required: they are rejected)."""
    keys = list(spec.primary_key)
    frame = frame[frame[keys].notna().all(axis=1)]
    repeated = frame.duplicated(keys, keep=False)
    if not repeated.any():
        return frame
    unique, groups = frame[~repeated], frame[repeated]
    latest = groups.groupby(keys, sort=False)["_loaded_at"].transform("max")
    candidates = groups[(groups["_loaded_at"] == latest).fillna(False) | latest.isna()]
    tied_mask = candidates.duplicated(keys, keep=False)
    clear, tied = candidates[~tied_mask], candidates[tied_mask]
    winners = [unique, clear]
    if len(tied):
        full = fetch(tied["_rowid"].tolist()).set_index("_rowid")
        md5 = content_md5(full, spec.columns)
        tied = tied.assign(_md5=tied["_rowid"].map(md5).to_numpy())
        winners.append(tied.sort_values("_md5", ascending=False).drop_duplicates(keys).drop(columns="_md5"))
    return pd.concat(winners)


def fold(column: pd.Series) -> pd.Series:
    """Enumeration value trimmed (spaces) and lower-cased, as `lower(trim(x))` (folded once per
    distinct value: an enumeration has few)."""
    codes, uniques = pd.factorize(column)
    folded = pd.Series(uniques, dtype="string").str.strip(" ").str.lower().to_numpy()
    values = np.where(codes >= 0, folded[np.maximum(codes, 0)] if len(folded) else None, None)
    return pd.Series(values, index=column.index, dtype="string")


def passes_contract(frame: pd.DataFrame, spec: TableContract) -> pd.Series:
    """Not rejected for a missing required value or an enumeration value outside the contract
    (enumerations are folded before this check)."""
    ok = pd.Series(True, index=frame.index)
    for name in spec.required:
        null_flag = f"{name}{NULL_SUFFIX}"
        ok &= ~frame[null_flag].astype(bool) if null_flag in frame else frame[name].notna()
    for name, values in spec.accepted_values.items():
        if name in frame:
            ok &= frame[name].isna() | frame[name].isin(values)
    if spec.period_column:
        ok &= ~implausible(frame[spec.period_column], frame["_loaded_at"])
    return ok.astype(bool)


def implausible(ts: pd.Series, loaded_at: pd.Series, plausible: PlausibleTime = PLAUSIBLE_TIME) -> pd.Series:
    """A period timestamp no event can have: before the earliest plausible date, or after its
    row's `_loaded_at` plus the clock skew (not checked when `_loaded_at` is null)."""
    return ((ts < plausible.min_event_date) | (ts > loaded_at + plausible.clock_skew)).fillna(False).astype(bool)


def owner_at(events: pd.DataFrame, ts_column: str, ownership: pd.DataFrame) -> pd.Series:
    """Team owning each event's service at its timestamp (half-open [valid_from, valid_until))."""
    left = events[["service_id", ts_column]].reset_index(names="_event")
    pairs = left.merge(ownership[["service_id", "team_id", "valid_from", "valid_until"]], on="service_id")
    covers = (pairs[ts_column] >= pairs["valid_from"]) & (
        pairs["valid_until"].isna() | (pairs[ts_column] < pairs["valid_until"])
    )
    owners = pairs[covers.fillna(False).astype(bool)].drop_duplicates("_event").set_index("_event")["team_id"]
    return owners.reindex(events.index).astype("string")


@dataclass
class Staged:
    teams: pd.Series
    ownership: pd.DataFrame
    changes: pd.DataFrame
    deployments: pd.DataFrame
    deployment_changes: pd.DataFrame
    incidents: pd.DataFrame
    requests: pd.DataFrame
    evaluations: pd.DataFrame
    downvotes: pd.DataFrame
    spine_events: list[pd.DataFrame]


def stage(reader: RawReader) -> Staged:
    """The staged rows (rank 1, not rejected) of every table these metrics read."""
    c = reader.contract

    def deduped(table: str, used: Sequence[str] | None = None) -> pd.DataFrame:
        """Rank-1 rows with the columns validation needs plus `used` (all columns when None)."""
        spec = c[table]
        columns = None if used is None else {
            *spec.primary_key, *spec.required, *spec.accepted_values, "_loaded_at", *used}
        return dedupe(reader.load(table, columns), spec, lambda ids: reader.fetch_rows(table, ids))

    teams = deduped("teams")
    teams = teams[passes_contract(teams, c["teams"])]
    team_ids = teams["team_id"].drop_duplicates()

    own = deduped("service_ownership")
    own = own[
        passes_contract(own, c["service_ownership"])
        & own["team_id"].isin(team_ids)
        & ~(own["valid_to"] <= own["valid_from"]).fillna(False).astype(bool)
    ].sort_values(["service_id", "valid_from"])
    next_from = own.groupby("service_id")["valid_from"].shift(-1)
    own = own.assign(valid_until=own["valid_to"].where(next_from.isna() | (own["valid_to"] < next_from), next_from))
    known_services = own["service_id"].drop_duplicates()

    changes = deduped("changes")
    changes = changes[passes_contract(changes, c["changes"]) & changes["service_id"].isin(known_services)]

    deps = deduped("deployments")
    for name in ("environment", "artifact_type", "status", "trigger", "strategy"):
        deps[name] = fold(deps[name])
    deps["is_rollback"] = deps["is_rollback"].fillna(False).astype(bool)
    deps["is_unplanned"] = deps["is_unplanned"].fillna(False).astype(bool)
    deps["team_id"] = deps["team_id"].fillna(owner_at(deps, "finished_at", own))
    deps = deps[
        passes_contract(deps, c["deployments"])
        & deps["service_id"].isin(known_services)
        & deps["team_id"].isin(team_ids)
    ]

    links = deduped("deployment_changes")
    links = links[
        passes_contract(links, c["deployment_changes"])
        & links["deployment_id"].isin(deps["deployment_id"])
        & links["change_id"].isin(changes["change_id"])
    ]

    incidents = deduped("incidents")
    for name in ("severity", "detection_source", "root_cause", "remediation"):
        incidents[name] = fold(incidents[name])
    incidents["team_id"] = incidents["team_id"].fillna(owner_at(incidents, "detected_at", own))
    incidents = incidents[
        passes_contract(incidents, c["incidents"])
        & incidents["service_id"].isin(known_services)
        & incidents["team_id"].isin(team_ids)
    ]

    requests = deduped("llm_requests", ["trace_id", "service_id", "environment", "first_token_at"])
    for name in ("environment", "operation_name", "status"):
        requests[name] = fold(requests[name])
    requests = requests[
        passes_contract(requests, c["llm_requests"])
        & requests["team_id"].isin(team_ids)
        & (requests["service_id"].isna() | requests["service_id"].isin(known_services))
    ]
    # flagged fields are spoiled: null, so they drop out of their metric only
    requests = requests.assign(
        first_token_at=requests["first_token_at"].where(requests["first_token_at"] >= requests["started_at"]),
        output_tokens=requests["output_tokens"].where(requests["output_tokens"] >= 0),
        cost_usd=requests["cost_usd"].where(np.isfinite(requests["cost_usd"]) & (requests["cost_usd"] >= 0)),
    )

    evaluations = deduped("llm_evaluations", ["request_id", "team_id"])
    for name in ("suite", "evaluation_name", "evaluator_source"):
        evaluations[name] = fold(evaluations[name])
    request_known = evaluations["request_id"].isin(requests["request_id"])
    evaluations = evaluations[
        passes_contract(evaluations, c["llm_evaluations"])
        & (evaluations["request_id"].isna() | request_known)
        & ~(evaluations["request_id"].isna() & evaluations["team_id"].isna())
        & (evaluations["team_id"].isna() | evaluations["team_id"].isin(team_ids))
        & evaluations["score_value"].between(0, 1)
    ]

    events = deduped("product_events", ["request_id"])
    events["event_type"] = fold(events["event_type"])
    events = events[passes_contract(events, c["product_events"]) & events["team_id"].isin(team_ids)]
    downvotes = events[(events["event_type"] == "downvote") & events["request_id"].notna()]

    # the spine's bounds: the other event tables' (team, period timestamp), known teams only
    spine_events = [
        deps[["team_id", "finished_at"]].set_axis(["team_id", "event_at"], axis=1),
        incidents[["team_id", "detected_at"]].set_axis(["team_id", "event_at"], axis=1),
        requests[["team_id", "started_at"]].set_axis(["team_id", "event_at"], axis=1),
        pd.DataFrame({
            "team_id": evaluations["request_id"].map(requests.set_index("request_id")["team_id"]).fillna(
                evaluations["team_id"]),
            "event_at": evaluations["evaluated_at"],
        }),
        events[["team_id", "occurred_at"]].set_axis(["team_id", "event_at"], axis=1),
    ]
    for table, ts_column in SPINE_ONLY_TABLES.items():
        if table in OWNER_RESOLVED_SPINE_TABLES:
            rows = reader.load(table, ["service_id", ts_column, "_loaded_at"])
            rows["team_id"] = owner_at(rows, ts_column, own)
        else:
            rows = reader.load(table, ["team_id", ts_column, "_loaded_at"])
        rows = rows[rows["team_id"].isin(team_ids) & rows[ts_column].notna()
                    & ~implausible(rows[ts_column], rows["_loaded_at"])]
        spine_events.append(rows[["team_id", ts_column]].set_axis(["team_id", "event_at"], axis=1))

    return Staged(team_ids, own, changes, deps, links, incidents, requests, evaluations, downvotes, spine_events)


# ----------------------------------------------------------------------------------------------
# Metrics


def month_start(ts: pd.Series) -> pd.Series:
    """First day of the UTC month of each timestamp (datetime64[s])."""
    return pd.Series(ts.to_numpy().astype("datetime64[M]").astype("datetime64[s]"), index=ts.index)


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Exact hours (microsecond epoch difference as a double / 1e6 / 3600); null when negative."""
    seconds = (end - start) / pd.Timedelta(microseconds=1) / 1_000_000
    return (seconds / 3600).where(seconds >= 0)


def build_spine(staged: Staged) -> pd.DataFrame:
    """Each team from the month of its first event to the last month of all data, with days_in_period."""
    events = pd.concat(staged.spine_events, ignore_index=True).dropna()
    events = events.assign(period_start=month_start(events["event_at"]))
    if events.empty:
        return pd.DataFrame({"team_id": pd.Series([], dtype="string"),
                             "period_start": pd.Series([], dtype="datetime64[s]"),
                             "days_in_period": pd.Series([], dtype="int64")})
    last = events["period_start"].max().to_datetime64().astype("datetime64[M]")
    firsts = events.groupby("team_id")["period_start"].min()
    firsts = firsts[firsts.index.isin(staged.teams)]
    team_ids, months = [], []
    for team_id, first in firsts.items():
        team_months = np.arange(first.to_datetime64().astype("datetime64[M]"), last + 1)
        team_ids += [team_id] * len(team_months)
        months.append(team_months)
    month = np.concatenate(months) if months else np.array([], dtype="datetime64[M]")
    return pd.DataFrame({
        "team_id": pd.Series(team_ids, dtype="string"),
        "period_start": month.astype("datetime64[s]"),
        "days_in_period": ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype("int64"),
    })


def change_delivery(staged: Staged, spine: pd.DataFrame) -> pd.DataFrame:
    """metrics.md §1 per team × month: deployments, frequency, lead time, fail rate, recovery,
    restore and rework."""
    deps = staged.deployments
    deps = deps[(deps["environment"] == "production") & (deps["status"] != "cancelled")].copy()
    incidents = staged.incidents

    named_by_rollback = deps.loc[deps["is_rollback"] & deps["rollback_of_deployment_id"].notna(),
                                 "rollback_of_deployment_id"]
    caused = incidents[incidents["caused_by_deployment_id"].notna()]
    first_resolved = caused.groupby("caused_by_deployment_id")["resolved_at"].min()

    # next successful production deployment of the same service finishing strictly later
    ordered = deps.sort_values("finished_at")
    successes = ordered.loc[ordered["status"] == "success", ["service_id", "finished_at"]]
    next_success = pd.merge_asof(
        ordered[["deployment_id", "service_id", "finished_at"]],
        successes.rename(columns={"finished_at": "next_success_at"}),
        left_on="finished_at", right_on="next_success_at", by="service_id",
        direction="forward", allow_exact_matches=False,
    ).set_index("deployment_id")["next_success_at"]

    deps["is_failed"] = (
        deps["status"].isin(["failed", "rolled_back"])
        | deps["deployment_id"].isin(named_by_rollback)
        | deps["deployment_id"].isin(caused["caused_by_deployment_id"])
    )
    recovered = pd.concat(
        [deps["deployment_id"].map(next_success), deps["deployment_id"].map(first_resolved)], axis=1
    ).min(axis=1)
    deps["recovery_hours"] = hours_between(deps["finished_at"], recovered.where(deps["is_failed"]))
    deps["is_dora"] = ~deps["is_rollback"]
    deps["is_rework"] = deps["is_unplanned"] | deps["is_rollback"]
    deps["period_start"] = month_start(deps["finished_at"])
    dora = deps[deps["is_dora"]]
    failed = dora[dora["is_failed"]]
    keys = ["team_id", "period_start"]
    stats = pd.concat(
        {
            "deployments_count": dora.groupby(keys).size(),
            "failed": failed.groupby(keys).size(),
            "failed_deployment_recovery_median_hours": failed.groupby(keys)["recovery_hours"].median(),
            "rework": deps.groupby(keys)["is_rework"].sum(),
            "production": deps.groupby(keys).size(),
        },
        axis=1,
    )

    # lead time: each change's earliest successful production deployment (rollbacks included)
    shipped = staged.deployment_changes[["deployment_id", "change_id"]].merge(
        deps.loc[deps["status"] == "success", ["deployment_id", "team_id", "finished_at"]], on="deployment_id"
    ).sort_values(["change_id", "finished_at", "deployment_id"]).drop_duplicates("change_id")
    shipped = shipped.merge(staged.changes[["change_id", "first_commit_at"]], on="change_id")
    shipped["lead_time_hours"] = hours_between(shipped["first_commit_at"], shipped["finished_at"])
    shipped["period_start"] = month_start(shipped["finished_at"])
    lead = shipped.groupby(keys)["lead_time_hours"].median().rename("change_lead_time_median_hours")

    resolved = incidents[incidents["resolved_at"].notna()].copy()
    resolved["restore_hours"] = hours_between(resolved["started_at"], resolved["resolved_at"])
    resolved["period_start"] = month_start(resolved["resolved_at"])
    restore = resolved.groupby(keys)["restore_hours"].median().rename("time_to_restore_median_hours")

    out = spine.merge(stats.reset_index(), on=keys, how="left")
    out = out.merge(lead.reset_index(), on=keys, how="left").merge(restore.reset_index(), on=keys, how="left")
    count = out["deployments_count"].fillna(0).astype("int64")
    out["deployments_count"] = count
    out["deployment_frequency_per_week"] = 7 * count / out["days_in_period"]
    out["change_fail_rate"] = (out["failed"].fillna(0) / count).where(count > 0)
    out["rework_rate"] = (out["rework"] / out["production"]).where(out["production"] > 0)
    return out[[*keys, *CHANGE_DELIVERY_METRICS]]


def llm_economics(staged: Staged, spine: pd.DataFrame) -> pd.DataFrame:
    """metrics.md §5 LLM economics per team × month: queries, cost per query, tokens per response,
    cost per useful token (in-scope requests: environment `production` or null)."""
    requests = staged.requests
    requests = requests[(requests["environment"] == "production").fillna(False).astype(bool)
                        | requests["environment"].isna()].copy()
    requests["period_start"] = month_start(requests["started_at"])
    keys = ["team_id", "period_start"]

    # a trace = trace_id, or the request alone without one; team and period of its first request
    requests["trace_key"] = ("t:" + requests["trace_id"]).fillna("r:" + requests["request_id"])
    first = requests.sort_values(["trace_key", "started_at", "request_id"]).drop_duplicates("trace_key")
    trace_cost = requests.groupby("trace_key")["cost_usd"].sum(min_count=1)
    first = first.assign(trace_cost=first["trace_key"].map(trace_cost))
    # the sum over traces skips traces without a known cost; all unknown → null
    traces = pd.concat(
        {
            "llm_queries": first.groupby(keys).size(),
            "trace_cost": first.groupby(keys)["trace_cost"].sum(min_count=1),
        },
        axis=1,
    )

    failed_evaluations = staged.evaluations.loc[
        staged.evaluations["request_id"].notna() & ~staged.evaluations["passed"].astype(bool), "request_id"]
    is_ok = (requests["status"] == "ok").fillna(False).astype(bool)
    operation = requests["operation_name"]
    response = is_ok & (operation.isin(["chat", "text_completion"]) | operation.isna())
    requests["response_output_tokens"] = requests["output_tokens"].astype("float64").where(response)
    useful = (is_ok & ~requests["request_id"].isin(failed_evaluations)
              & ~requests["request_id"].isin(staged.downvotes["request_id"]))
    requests["useful_output_tokens"] = requests["output_tokens"].where(useful)
    grouped = requests.groupby(keys)
    stats = pd.concat(
        {
            "tokens_per_response": grouped["response_output_tokens"].mean(),
            "request_cost": grouped["cost_usd"].sum(min_count=1),
            "useful_tokens": grouped["useful_output_tokens"].sum(min_count=1),
        },
        axis=1,
    )

    out = spine.merge(traces.reset_index(), on=keys, how="left").merge(stats.reset_index(), on=keys, how="left")
    queries = out["llm_queries"].fillna(0).astype("int64")
    out["llm_queries"] = queries
    out["cost_per_query_usd"] = (out["trace_cost"] / queries).where(queries > 0)
    useful_tokens = out["useful_tokens"].astype("float64")
    out["cost_per_useful_token_usd"] = (out["request_cost"].fillna(0) / useful_tokens).where(useful_tokens > 0)
    return out[[*keys, *LLM_ECONOMICS_METRICS]]


def compute(con: duckdb.DuckDBPyConnection, schema: str = "raw") -> pd.DataFrame:
    """Every metric of METRICS per team × month (one row per spine row)."""
    staged = stage(RawReader(con, schema, read_contract()))
    spine = build_spine(staged)
    delivery = change_delivery(staged, spine)
    economics = llm_economics(staged, spine)
    result = delivery.merge(economics, on=["team_id", "period_start"], how="outer")
    return result.sort_values(["team_id", "period_start"]).reset_index(drop=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb", required=True, help="DuckDB file holding the raw tables (opened read-only)")
    parser.add_argument("--schema", default="raw", help="schema of the raw tables (default: raw)")
    parser.add_argument("--out", help="write the team × month metrics here (pandas pickle)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    settings = duckdb_settings()
    with duckdb.connect(args.duckdb, read_only=True, config=settings.config(Path(args.duckdb + ".pandas.tmp"))) as con:
        result = compute(con, args.schema)
    if args.out:
        result.to_pickle(args.out)
    print(f"pandas metrics: {len(result)} team × month rows in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

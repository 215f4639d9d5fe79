"""`--append-day`: add the next day of events to an existing raw schema, set-based inside DuckDB.

Works on any database holding the contract (large or small profile). The day after the latest event
day N is built by cloning the rows of the latest day D with fresh keys (`<id>~YYYYMMDD` of N, an
earlier suffix replaced) and every timestamp moved one day later; children (deployment_changes,
chunks, evaluations, product votes, rollbacks, incidents, parent requests) are re-linked to the new
parent keys when their parent is cloned too. Besides that day:

* re-deliveries: a few existing rows of every event table delivered again with the same key, half
  of them with a changed value (a deployment's status, a request's cost, ...);
* late arrivals: a few events of days D-10 .. D-2 cloned with fresh keys (`~YYYYMMDDL`) and their
  original times, with their children.

Every added row gets a `_loaded_at` after every existing one. Selection uses the hash of the seed,
the new day and the row's key, so the same database, seed and sequence of calls give the same data.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import duckdb

from .large import _CHANGED, Log, close, connect, define_macros, fetch_one, progress
from .schema import TABLES, TS

# the timestamp that dates an event, per event table
PRIMARY_TIME: dict[str, str] = {
    "changes": "first_commit_at",
    "deployments": "started_at",
    "incidents": "started_at",
    "training_runs": "triggered_at",
    "drift_checks": "checked_at",
    "inference_windows": "window_start",
    "llm_requests": "started_at",
    "llm_evaluations": "evaluated_at",
    "product_events": "occurred_at",
    "survey_responses": "submitted_at",
    "explainability_requests": "requested_at",
    "bias_audits": "audited_at",
    "model_documentation": "documented_at",
    "readiness_assessments": "assessed_at",
}
# tables whose latest day defines "the latest event day" (dense, daily event streams)
DRIVING_TABLES = ("deployments", "llm_requests", "product_events", "inference_windows", "changes", "drift_checks")
# string columns that a clone renames (own identifiers; versions that name a clone's model)
OWN_IDS: dict[str, tuple[str, ...]] = {
    "changes": ("change_id",),
    "deployments": ("deployment_id", "model_version"),
    "incidents": ("incident_id",),
    "training_runs": ("run_id", "registered_model_version"),
    "drift_checks": ("check_id",),
    "llm_requests": ("request_id", "trace_id"),
    "llm_evaluations": ("evaluation_id", "trace_id"),
    "product_events": ("event_id",),
    "survey_responses": ("response_id",),
    "explainability_requests": ("request_id",),
    "bias_audits": ("audit_id",),
    "model_documentation": ("model_version",),
    "readiness_assessments": ("assessment_id",),
}
# (table, column) → parent table whose id it references
REFERENCES: dict[tuple[str, str], str] = {
    ("deployments", "rollback_of_deployment_id"): "deployments",
    ("deployments", "training_run_id"): "training_runs",
    ("deployment_changes", "deployment_id"): "deployments",
    ("deployment_changes", "change_id"): "changes",
    ("incidents", "caused_by_deployment_id"): "deployments",
    ("training_runs", "drift_check_id"): "drift_checks",
    ("llm_requests", "parent_request_id"): "llm_requests",
    ("llm_request_chunks", "request_id"): "llm_requests",
    ("llm_evaluations", "request_id"): "llm_requests",
    ("product_events", "request_id"): "llm_requests",
}
PARENT_ID = {"deployments": "deployment_id", "changes": "change_id", "training_runs": "run_id",
             "drift_checks": "check_id", "llm_requests": "request_id"}
# late arrivals: event tables with identifier keys (their children follow)
LATE_TABLES = ("deployments", "incidents", "llm_requests", "product_events", "changes")
DIMENSIONS = ("teams", "service_ownership", "people", "slo_targets", "rag_eval_cases")
REDELIVER_RATE = 0.0002
LATE_RATE = 0.0001


def _q(c: str) -> str:
    return f'"{c}"'


def _existing(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()
    return {r[0] for r in rows} & set(TABLES)


def _key_row(name: str, alias: str = "") -> str:
    pre = f"{alias}." if alias else ""
    return ", ".join(f"{pre}{_q(k)}" for k in TABLES[name].key)


def _all_row(name: str, alias: str = "") -> str:
    pre = f"{alias}." if alias else ""
    return ", ".join(f"{pre}{_q(c)}" for c in TABLES[name].column_names)


def latest_state(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[datetime, datetime]:
    """(latest _loaded_at of all tables, latest event day of the driving tables)."""
    tables = _existing(con, schema)
    loads = " union all ".join(f'select max(_loaded_at) as m from "{schema}"."{t}"' for t in sorted(tables))
    max_load = fetch_one(con, f"select max(m) from ({loads})")[0]
    days = " union all ".join(
        f'select max(date_trunc(\'day\', "{PRIMARY_TIME[t]}")) as d from "{schema}"."{t}" '
        f"where \"{PRIMARY_TIME[t]}\" >= timestamp '2000-01-01' "
        f"and \"{PRIMARY_TIME[t]}\" <= $1::timestamp + interval 1 day"
        for t in DRIVING_TABLES if t in tables
    )
    latest_day = fetch_one(con, f"select max(d) from ({days})", [max_load])[0]
    if max_load is None or latest_day is None:
        raise ValueError(f"schema {schema} holds no event with a _loaded_at to append after")
    return max_load, latest_day


def _sources(con: duckdb.DuckDBPyConnection, schema: str, tables: set[str], where: dict[str, str], tag: str) -> None:
    """Temp tables `_src_<tag>_<table>`: the rows to clone (parents before children)."""
    order = ["deployments", "training_runs", "drift_checks", "llm_requests", "deployment_changes", "changes",
             "incidents", "inference_windows", "llm_request_chunks", "llm_evaluations", "product_events",
             "survey_responses", "explainability_requests", "bias_audits", "model_documentation",
             "readiness_assessments"]
    for name in order:
        if name not in tables:
            continue
        cond = where.get(name)
        if cond is None:
            con.execute(f'create or replace temp table "_src_{tag}_{name}" as '
                        f'select * from "{schema}"."{name}" limit 0')
            continue
        con.execute(f'create or replace temp table "_src_{tag}_{name}" as '
                    f'select * from "{schema}"."{name}" as t where {cond}')


def _in_parent(tag: str, parent: str, col: str, tables: set[str]) -> str:
    if parent not in tables:
        return "false"
    return f'{col} in (select "{PARENT_ID[parent]}" from "_src_{tag}_{parent}")'


def _insert_clones(con: duckdb.DuckDBPyConnection, schema: str, tables: set[str], tag: str, suffix: str,
                   shift_days: int, load_base: str, day_key: str) -> dict[str, int]:
    added: dict[str, int] = {}
    new_id = f"regexp_replace({{c}}, '~[0-9]{{{{8}}}}L?$', '') || '{suffix}'"
    for name in tables:
        if name in DIMENSIONS:
            continue
        spec = TABLES[name]
        cols = []
        for c, t in spec.columns:
            qc = _q(c)
            if c == "_loaded_at":
                cols.append(f"{load_base} + to_microseconds(cast(floor(u(row('apl', '{day_key}', '{tag}', "
                            f"{_key_row(name)})) * 3600e6) as bigint))")
            elif t == TS:
                cols.append(f"{qc} + to_days({shift_days})" if shift_days else qc)
            elif c in OWN_IDS.get(name, ()):
                cols.append(new_id.format(c=qc))
            elif (name, c) in REFERENCES:
                parent = REFERENCES[(name, c)]
                cols.append(f"case when {_in_parent(tag, parent, qc, tables)} then {new_id.format(c=qc)} else {qc} end")
            else:
                cols.append(qc)
        before = fetch_one(con, f'select count(*) from "_src_{tag}_{name}"')[0]
        if before:
            con.execute(f'insert into "{schema}"."{name}" select {", ".join(cols)} from "_src_{tag}_{name}"')
        added[name] = before
    return added


def _top_k(relation: str, name: str, cond: str, rate: float, count: int, salt: str) -> str:
    """Condition on alias `t`: the row's key is among the k keys of `relation` with the smallest hash."""
    k = max(1, round(count * rate))
    return (f"({_key_row(name, 't')}) in (select ({_key_row(name)}) from (select {_key_row(name)} from {relation} "
            f"where {cond} order by hash('{salt}', {_key_row(name)}), {_key_row(name)} limit {k}))")


def append_day(path: str | Path, seed: int = 42, schema: str = "raw", log: Log = progress) -> dict[str, int]:
    """Append one day (plus re-deliveries and late arrivals); returns rows added per table."""
    began = time.perf_counter()
    con = connect(path)
    try:
        define_macros(con, seed)
        tables = _existing(con, schema)
        max_load, latest_day = latest_state(con, schema)
        con.execute(f"create or replace temp table _state as select timestamp '{max_load}' as max_load, "
                    f"timestamp '{latest_day}' as d")
        new_day = fetch_one(con, "select d + interval 1 day from _state")[0]
        day_key = new_day.strftime("%Y%m%d")
        load_base = (f"greatest(timestamp '{max_load}', timestamp '{new_day}' + interval 1 day) "
                     f"+ interval 1 hour")
        log(f"latest event day {latest_day:%Y-%m-%d}, latest _loaded_at {max_load}; appending {day_key}")
        counts = {t: fetch_one(con, f'select count(*) from "{schema}"."{t}"')[0] for t in tables}
        added: dict[str, int] = {t: 0 for t in tables}

        # 1. the new day: clones of the latest day, one day later
        t0 = time.perf_counter()
        on_day = {t: f"date_trunc('day', \"{c}\") = timestamp '{latest_day}'" for t, c in PRIMARY_TIME.items()}
        where = dict(on_day)
        where["deployment_changes"] = 'deployment_id in (select deployment_id from "_src_day_deployments")'
        where["changes"] = (f"{on_day['changes']} or change_id in "
                            f'(select change_id from "_src_day_deployment_changes")')
        where["llm_request_chunks"] = 'request_id in (select request_id from "_src_day_llm_requests")'
        where["llm_evaluations"] = ('request_id in (select request_id from "_src_day_llm_requests") or '
                                    f"(request_id is null and {on_day['llm_evaluations']})")
        _sources(con, schema, tables, where, "day")
        for name, n in _insert_clones(con, schema, tables, "day", f"~{day_key}", 1, load_base, day_key).items():
            added[name] += n
        log(f"new day {day_key}: {sum(added.values()):,} rows in {time.perf_counter() - t0:.1f} s")

        # 2. late arrivals: a few events of days D-10 .. D-2 with fresh keys, original times
        t0 = time.perf_counter()
        late: dict[str, str] = {}
        for name in LATE_TABLES:
            if name not in tables:
                continue
            col = PRIMARY_TIME[name]
            window = (f"\"{col}\" >= timestamp '{latest_day}' - interval 10 day "
                      f"and \"{col}\" < timestamp '{latest_day}' - interval 1 day")
            late[name] = _top_k(f'"{schema}"."{name}"', name, window, LATE_RATE, counts[name], f"late{day_key}{seed}")
        late["deployment_changes"] = 'deployment_id in (select deployment_id from "_src_late_deployments")'
        late["llm_request_chunks"] = 'request_id in (select request_id from "_src_late_llm_requests")'
        late["llm_evaluations"] = 'request_id in (select request_id from "_src_late_llm_requests")'
        _sources(con, schema, tables, late, "late")
        n_late = 0
        for name, n in _insert_clones(con, schema, tables, "late", f"~{day_key}L", 0, load_base, day_key).items():
            added[name] += n
            n_late += n
        log(f"late arrivals: {n_late:,} rows in {time.perf_counter() - t0:.1f} s")

        # 3. re-deliveries of existing keys (half with a changed value), from the rows before this call
        t0 = time.perf_counter()
        n_re = 0
        for name in sorted(tables):
            if name in DIMENSIONS:
                continue
            changed = _CHANGED.get(name, {})
            cols = []
            for c, _t in TABLES[name].columns:
                if c == "_loaded_at":
                    cols.append(f"{load_base} + to_microseconds(cast(floor(u(row('apr', '{day_key}', "
                                f"{_key_row(name)})) * 3600e6) as bigint))")
                elif c in changed:
                    cols.append(f"case when u(row('chg', '{day_key}', {_key_row(name)})) < 0.5 then {changed[c]} "
                                f"else {_q(c)} end")
                else:
                    cols.append(_q(c))
            cond = f"_loaded_at <= timestamp '{max_load}'"
            pick = _top_k(f'"{schema}"."{name}"', name, cond, REDELIVER_RATE, counts[name], f"redeliver{day_key}{seed}")
            con.execute(f"""
                insert into "{schema}"."{name}"
                select {", ".join(cols)} from (
                    select * from "{schema}"."{name}" as t where {pick} and {cond}
                    qualify row_number() over (partition by {_key_row(name)} order by _loaded_at desc nulls last,
                        md5(cast(row({_all_row(name)}) as varchar))) = 1
                )
            """)
            n = fetch_one(con, f'select count(*) from "{schema}"."{name}"')[0] - counts[name] - added[name]
            added[name] += n
            n_re += n
        log(f"re-deliveries: {n_re:,} rows in {time.perf_counter() - t0:.1f} s")
        for name in sorted(tables):
            if added.get(name):
                log(f"{name:<26} +{added[name]:>10,} rows")
        for tag in ("day", "late"):
            for name in tables:
                con.execute(f'drop table if exists "_src_{tag}_{name}"')
        con.execute("checkpoint")
        log(f"appended {sum(added.values()):,} rows in {time.perf_counter() - began:.1f} s")
        return added
    finally:
        close(con, path)

"""Warehouse-scale demo data (`--profile large`): the whole raw contract written by set-based SQL
inside DuckDB, with no Python row loop and no data frame.

Shape at scale 1: 200 teams × 731 days (2024-01-01 .. 2025-12-31), ≈ 15.6 M raw rows (5.0 M
llm_requests, 4.7 M chunks, 1.1 M deployment_changes, inference_windows and product_events, 1.0 M
changes, ...). `scale` multiplies the number of teams and with them every event volume.

Pseudo-randomness is `hash(seed, row(<component>, <ids>))` of the row's own identifiers, so a table
depends only on the seed and the scale (never on row order or thread scheduling). Every team gets a
maturity tier 0–4 that drives its rates (deploy frequency, failures, automation, monitoring, ...),
so every metric of every cluster has spread. Mess of the kinds the small profile injects is added
at small rates (see `_MESS` and `_inject_rare`), decided by a hash of each row's key.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from .readiness import ITEMS_CSV
from .schema import TABLES, TS

N_DAYS = 731  # 2024-01-01 .. 2025-12-31
DAY0_US = 1_704_067_200_000_000  # 2024-01-01 00:00:00 UTC in microseconds
DAY_US = 86_400_000_000
TEAMS_AT_SCALE_1 = 200

Log = Callable[[str], None]


def progress(message: str) -> None:
    """Default progress log: one flushed line (visible at once when stdout is a file)."""
    print(message, flush=True)


def team_count(scale: float) -> int:
    return max(2, round(TEAMS_AT_SCALE_1 * scale))


def temp_dir(path: str | Path) -> Path:
    """DuckDB's spill directory, beside the database file (removed when the run ends)."""
    db = Path(path)
    return db.parent / f"{db.name}.tmp"


def close(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    con.close()
    shutil.rmtree(temp_dir(path), ignore_errors=True)


def connect(path: str | Path, threads: int = 2, memory_limit: str = "8GB") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection sized for a shared 2-core machine, spilling next to the file."""
    db = Path(path)
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    tmp = temp_dir(db)
    tmp.mkdir(exist_ok=True)
    con.execute(f"set threads = {int(threads)}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(f"set temp_directory = '{tmp.as_posix()}'")
    con.execute("set preserve_insertion_order = false")
    return con


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None) -> tuple[Any, ...]:
    """The row of a query that returns one (a count, an aggregate)."""
    row = con.execute(sql, parameters).fetchone()
    assert row is not None, f"no row: {sql}"
    return row


def define_macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Temporary (never stored in the file) helpers: uniform draws, hex ids, microsecond times."""
    s = int(seed)
    con.execute(f"create or replace temp macro u(x) as ((hash({s}, x) >> 11)::double / 9007199254740992.0)")
    con.execute(f"create or replace temp macro hx(x, n) as substr(md5(concat({s}, '|', x::varchar)), 1, n)")
    con.execute("create or replace temp macro ts(us) as make_timestamp(cast(us as bigint))")
    con.execute("create or replace temp macro pick(arr, r) as arr[1 + cast(floor(r * len(arr)) as bigint)]")
    # nightly load of an event: the next day, 02:00-03:00
    con.execute(
        f"create or replace temp macro nightly(us, r) as make_timestamp(cast("
        f"us - ((us % {DAY_US}) + {DAY_US}) % {DAY_US} + {DAY_US} + 7200000000 + floor(r * 3600) * 1000000 as bigint))"
    )
    con.execute(f"create or replace temp macro pkey(team_no, k) as md5(concat({s}, '|person|', team_no, '|', k))")
    con.execute(f"create or replace temp macro ukey(team_no, k) as md5(concat({s}, '|user|', team_no, '|', k))")
    con.execute("create or replace temp macro svc(team_no, kind) as format('svc_{:04d}_{}', team_no, kind)")
    con.execute("create or replace temp macro tid(team_no) as format('team_{:04d}', team_no)")


# --------------------------------------------------------------------------------------------
# helper tables (temporary): teams with tiers, days, releases, traces


def _helpers(con: duckdb.DuckDBPyConnection, seed: int, teams: int) -> None:
    con.execute(f"""
        create or replace temp table _teams as
        select
            i as team_no,
            tid(i) as team_id,
            cast((i + hash({int(seed)}, 'tier') % 5) % 5 as integer) as tier,
            cast(8 + hash({int(seed)}, 'people', i) % 7 as integer) as n_people
        from range({int(teams)}) as r(i)
    """)
    con.execute(f"""
        create or replace temp table _days as
        select
            d,
            {DAY0_US} + d * {DAY_US} as day_us,
            d % 7 < 5 as wd,
            (year(ts({DAY0_US} + d * {DAY_US})) - 2024) * 12 + month(ts({DAY0_US} + d * {DAY_US})) - 1 as m
        from range({N_DAYS}) as r(d)
    """)
    # production releases: team × day × slot, rate by tier, fewer at weekends
    con.execute("""
        create or replace temp table _rel as
        with base as (
            select t.*, d.d, d.day_us,
                [0.15, 0.5, 1.2, 2.5, 4.5][t.tier + 1] * (case when d.wd then 1.0 else 0.2 end) as rate
            from _teams t cross join _days d
        ),
        slots as (
            select * exclude (rate), unnest(range(cast(floor(rate + u(row('nrel', team_no, d))) as bigint))) as slot
            from base
        ),
        drawn as (
            select *,
                'dep-' || team_no || '-' || d || '-' || slot as dep_id,
                u(row('art', team_no, d, slot)) as r_art,
                u(row('fail', team_no, d, slot)) as r_fail,
                u(row('trig', team_no, d, slot)) as r_trig,
                u(row('strat', team_no, d, slot)) as r_strat,
                day_us + cast((8 * 3600 + floor(u(row('hour', team_no, d, slot)) * 36000)) * 1000000 as bigint)
                    as start_us,
                cast((120 + floor(u(row('dur', team_no, d, slot)) * 2400)) * 1000000 as bigint) as dur_us,
                cast(1 + floor(u(row('nchg', team_no, d, slot)) * 9) as bigint) as n_chg
            from slots
        )
        select *,
            case when r_art < 0.72 then 'code' when r_art < 0.82 then 'model' when r_art < 0.90 then 'prompt'
                when r_art < 0.96 then 'config' else 'infra' end as art,
            case
                when r_fail < [0.35, 0.25, 0.15, 0.08, 0.04][tier + 1] * 0.45 then 'failed'
                when r_fail < [0.35, 0.25, 0.15, 0.08, 0.04][tier + 1] then 'rolled_back'
                when r_fail > 0.985 then 'cancelled'
                else 'success'
            end as outcome,
            case tier
                when 0 then 'manual'
                when 1 then case when r_trig < 0.5 then 'pipeline' else 'manual' end
                when 2 then case when r_trig < 0.85 then 'pipeline' else 'manual' end
                when 3 then case when r_trig < 0.3 then 'automated' when r_trig < 0.95 then 'pipeline' else 'manual' end
                else case when r_trig < 0.6 then 'automated' else 'pipeline' end
            end as trig,
            case
                when tier <= 1 then case when r_strat < 0.3 then null else 'direct' end
                when tier = 2 then case when r_strat < 0.6 then 'direct' else 'canary' end
                else pick(['canary', 'canary', 'canary', 'canary', 'blue_green', 'blue_green', 'blue_green',
                           'shadow', 'ab_test', 'direct'], r_strat)
            end as strategy,
            start_us + dur_us as finish_us
        from drawn
    """)
    # LLM traces: team × day × slot; pattern chat / rag / agent
    con.execute("""
        create or replace temp table _tr as
        with base as (
            select t.*, d.d, d.day_us,
                [5.25, 9.4, 15.7, 22.0, 26.2][t.tier + 1] * (case when d.wd then 1.0 else 0.6 end) as rate
            from _teams t cross join _days d
        ),
        slots as (
            select * exclude (rate), unnest(range(cast(floor(rate + u(row('ntr', team_no, d))) as bigint))) as slot
            from base
        ),
        drawn as (
            select *,
                u(row('pat', team_no, d, slot)) as r_pat,
                u(row('mod', team_no, d, slot)) as r_mod,
                u(row('case', team_no, d, slot)) as r_case,
                u(row('env', team_no, d, slot)) as r_env,
                cast(floor(u(row('user', team_no, d, slot)) * 150) as bigint) as user_idx,
                day_us + cast(floor((7 * 3600 + u(row('at', team_no, d, slot)) * 14 * 3600) * 1000) * 1000 as bigint)
                    as start_us
            from slots
        ),
        patterned as (
            select *,
                case when r_pat < 0.35 then 'chat' when r_pat < 0.85 then 'rag' else 'agent' end as pattern
            from drawn
        )
        select team_no, team_id, tier, d, slot, pattern, user_idx, start_us,
            case pattern when 'chat' then 'assistant' when 'rag' then 'search' else 'agent' end
                || format('_{:04d}', team_no) as feature_name,
            cast((hash(team_no, pattern) + case when r_mod < 0.3 then 1 else 0 end) % 6 as integer) as midx,
            cast(1 + floor((d + hash(team_no, pattern, 'pv') % 60) / 91.0) as integer) as prompt_v,
            case when pattern = 'rag' and r_case < 0.04
                then 'case-' || team_no || '-' || cast(floor(r_case * 500) as bigint) end as case_id,
            case when r_env < 0.95 then 'production' when r_env < 0.99 then 'staging' end as environment,
            hx(row('trace', team_no, d, slot), 32) as trace_id
        from patterned
    """)
    # small lookups instead of an md5 per row: users' keys, prompt hashes by feature version
    con.execute("""
        create or replace temp table _users as
        select team_no, k as user_idx, ukey(team_no, k) as user_key from _teams cross join range(150) as r(k)
    """)
    con.execute(f"""
        create or replace temp table _prompts as
        select team_no, pattern, v as prompt_v, substr(md5(concat({int(seed)}, '|prompt|',
            case pattern when 'chat' then 'assistant' when 'rag' then 'search' else 'agent' end
            || format('_{{:04d}}', team_no), '|', v)), 1, 16) as prompt_hash
        from _teams cross join (values ('chat'), ('rag'), ('agent')) as p(pattern) cross join range(1, 12) as r(v)
    """)
    con.execute("""
        create or replace temp table _steps as
        select * from (values
            ('chat', 0, 'chat'),
            ('rag', 0, 'embeddings'), ('rag', 1, 'retrieval'), ('rag', 2, 'chat'),
            ('agent', 0, 'invoke_agent'), ('agent', 1, 'chat'), ('agent', 2, 'execute_tool'), ('agent', 3, 'chat')
        ) as s(pattern, step, op)
    """)
    con.execute("""
        create or replace temp table _models as
        select * from (values
            (0, 'openai', 'gpt-4o', 'gpt-4o-2024-08-06', 2.5, 10.0),
            (1, 'openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 0.15, 0.6),
            (2, 'anthropic', 'claude-3-5-sonnet', 'claude-3-5-sonnet-20241022', 3.0, 15.0),
            (3, 'anthropic', 'claude-3-5-haiku', 'claude-3-5-haiku-20241022', 0.8, 4.0),
            (4, 'google', 'gemini-1.5-flash', 'gemini-1.5-flash-002', 0.075, 0.3),
            (5, 'mistral', 'mistral-large', 'mistral-large-2411', 2.0, 6.0)
        ) as m(midx, provider, request_model, response_model, price_in, price_out)
    """)


# --------------------------------------------------------------------------------------------
# clean rows of every table: SELECTs producing the contract columns (+ nothing else)

def _sql_teams() -> str:
    return """
        select team_id, format('Team {:04d}', team_no) as team_name, 'org_' || (team_no % 10) as org_unit,
            ts(1672531200000000 + team_no * 3600000000) as created_at,
            timestamp '2024-01-01 01:00:00' as _loaded_at
        from _teams
    """


def _sql_service_ownership() -> str:
    # three services per team; 3 % of api services change hands on 2025-01-01 (two intervals)
    return """
        with svcs as (
            select team_no, team_id, kind, svc(team_no, kind) as service_id,
                kind = 'api' and u(row('handover', team_no)) < 0.03 as handed
            from _teams cross join (values ('api'), ('ml'), ('llm')) as k(kind)
        ),
        n as (select count(*) as teams from _teams)
        select service_id, team_id, timestamp '2023-06-01' as valid_from,
            case when handed then timestamp '2025-01-01' end as valid_to,
            timestamp '2024-01-01 01:00:00' as _loaded_at
        from svcs
        union all
        select service_id, tid((team_no + 1) % n.teams), timestamp '2025-01-01', null,
            timestamp '2025-01-01 01:00:00'
        from svcs cross join n where handed
    """


def _sql_people() -> str:
    return """
        with p as (
            select t.team_no, t.team_id, t.tier, k,
                u(row('role', t.team_no, k)) as r_role,
                u(row('join', t.team_no, k)) as r_join,
                u(row('leave', t.team_no, k)) as r_leave
            from _teams t, lateral (select unnest(range(t.n_people)) as k)
        )
        select pkey(team_no, k) as person_key, team_id,
            case
                when tier >= 3 then pick(['research', 'applied_ml', 'applied_ml', 'ml_platform', 'ml_platform',
                    'software', 'software', 'data', 'product', 'other'], r_role)
                else pick(['research', 'applied_ml', 'software', 'software', 'software', 'data', 'product',
                    'other'], r_role)
            end as role,
            ts(join_us) as joined_at, ts(left_us) as left_at,
            nightly(greatest(join_us, left_us, 1704067200000000 - 86400000000), r_role) as _loaded_at
        from (
            select *,
                case when k < 6 then 1577836800000000 + cast(floor(r_join * 1000) as bigint) * 86400000000
                    else 1704067200000000 + cast(floor(r_join * 700) as bigint) * 86400000000 end as join_us
            from p
        ) as joined
        cross join lateral (
            -- 15 % of the later hires leave 90-390 days after joining (within the calendar)
            select case when k >= 6 and r_leave < 0.15
                and join_us + cast(90 + floor(r_leave * 2000) as bigint) * 86400000000 < 1767225600000000
                then join_us + cast(90 + floor(r_leave * 2000) as bigint) * 86400000000 end as left_us
        )
    """


def _sql_changes() -> str:
    return """
        with c as (
            select r.*, k, u(row('lead', team_no, d, slot, k)) as r_lead,
                u(row('merge', team_no, d, slot, k)) as r_merge,
                u(row('author', team_no, d, slot, k)) as r_author
            from _rel r, lateral (select unnest(range(r.n_chg)) as k)
        ),
        timed as (
            select *,
                start_us - cast([480.0, 168.0, 48.0, 12.0, 3.0][tier + 1] * (0.1 + 1.9 * r_lead) * 3600e6 as bigint)
                    as first_us
            from c
        )
        select dep_id || '-' || k as change_id,
            svc(team_no, case art when 'model' then 'ml' when 'prompt' then 'llm' else 'api' end) as service_id,
            ts(first_us) as first_commit_at,
            case when r_merge < 0.95 then ts(first_us + cast((start_us - first_us) * 0.7 * r_merge as bigint)) end
                as merged_at,
            pkey(team_no, cast(floor(r_author * n_people) as bigint)) as author_key,
            nightly(first_us, r_merge) as _loaded_at
        from timed
    """


_DEPLOY_COLUMNS = """
    svc(team_no, case art when 'model' then 'ml' when 'prompt' then 'llm' else 'api' end) as service_id,
    case when u(row('team', dep_id)) < 0.3 then null else team_id end as team_id,
    art as artifact_type,
    svc(team_no, 'api') || '-' || strftime(ts(start_us), '%Y.%m.%d') || '-' || slot as artifact_version,
    case when art = 'model' then format('model_{:04d}_a', team_no) end as model_name,
    case when art = 'model' then strftime(ts(start_us), '%Y.%m.%d') || '.' || slot end as model_version,
    case when art = 'model' and (tier > 0 or u(row('trun', dep_id)) < 0.5) then 'run-' || dep_id end
        as training_run_id
"""


def _sql_deployments() -> str:
    return f"""
        with prod as (
            select dep_id as deployment_id, {_DEPLOY_COLUMNS}, 'production' as environment,
                start_us, finish_us, outcome as status, trig as trigger, strategy,
                false as is_rollback, cast(null as varchar) as rollback_of_deployment_id,
                u(row('unpl', dep_id)) < 0.05 as is_unplanned,
                case when art in ('model', 'prompt') and tier >= 2 then u(row('gate', dep_id)) > 0.05 end
                    as pre_deploy_eval_passed
            from _rel
        ),
        retry as (
            select dep_id || '-r', {_DEPLOY_COLUMNS}, 'production',
                finish_us + cast((1 + 3 * u(row('retry', dep_id))) * 3600e6 as bigint) as start_us,
                finish_us + cast((1 + 3 * u(row('retry', dep_id))) * 3600e6 as bigint) + dur_us,
                'success', trig, strategy, false, null, false,
                case when art in ('model', 'prompt') and tier >= 2 then true end
            from _rel where outcome in ('failed', 'cancelled')
        ),
        rollback as (
            select dep_id || '-rb', {_DEPLOY_COLUMNS}, 'production',
                finish_us + cast([240.0, 120.0, 45.0, 15.0, 6.0][tier + 1] * (0.2 + 1.6 * u(row('rb', dep_id)))
                    * 60e6 as bigint) as s,
                finish_us + cast([240.0, 120.0, 45.0, 15.0, 6.0][tier + 1] * (0.2 + 1.6 * u(row('rb', dep_id)))
                    * 60e6 as bigint) + 90000000,
                'success', trig, strategy, true, dep_id, true, null
            from _rel where outcome = 'rolled_back'
        ),
        staging as (
            select dep_id || '-stg', {_DEPLOY_COLUMNS}, 'staging',
                start_us - cast((1 + 2 * u(row('stg', dep_id))) * 3600e6 as bigint),
                start_us - cast((1 + 2 * u(row('stg', dep_id))) * 3600e6 as bigint) + dur_us,
                case when u(row('stgok', dep_id)) < 0.95 then 'success' else 'failed' end, trig, strategy,
                false, null, false, null
            from _rel where u(row('hasstg', dep_id)) < [0.0, 0.3, 0.5, 0.7, 0.8][tier + 1]
        ),
        dev as (
            select dep_id || '-dev', {_DEPLOY_COLUMNS}, 'development',
                start_us - 5 * 3600000000, start_us - 5 * 3600000000 + dur_us, 'success', 'manual', null,
                false, null, false, null
            from _rel where u(row('hasdev', dep_id)) < 0.1
        ),
        allrows as (
            select * from prod union all select * from retry union all select * from rollback
            union all select * from staging union all select * from dev
        )
        select deployment_id, service_id, team_id, environment, artifact_type, artifact_version, model_name,
            model_version, training_run_id, ts(start_us) as started_at, ts(finish_us) as finished_at, status,
            trigger, strategy, is_rollback, rollback_of_deployment_id, is_unplanned, pre_deploy_eval_passed,
            nightly(finish_us, u(row('load', deployment_id))) as _loaded_at
        from allrows
    """


def _sql_deployment_changes() -> str:
    return """
        with c as (select r.*, k from _rel r, lateral (select unnest(range(r.n_chg)) as k))
        select dep_id as deployment_id, dep_id || '-' || k as change_id,
            nightly(finish_us, u(row('load', dep_id))) as _loaded_at
        from c
        union all
        select dep_id || '-r', dep_id || '-' || k,
            nightly(finish_us + cast((1 + 3 * u(row('retry', dep_id))) * 3600e6 as bigint) + dur_us,
                u(row('load', dep_id || '-r')))
        from c where outcome in ('failed', 'cancelled')
    """


def _sql_incidents() -> str:
    return """
        with caused as (
            select 'inc-' || dep_id as incident_id, team_no, tier, dep_id as cause,
                svc(team_no, case art when 'model' then 'ml' when 'prompt' then 'llm' else 'api' end) as service_id,
                finish_us + cast((1 + 29 * u(row('istart', dep_id))) * 60e6 as bigint) as start_us,
                case art when 'model' then 'model' when 'prompt' then 'prompt' when 'infra' then 'infra'
                    else 'code' end as root_cause,
                case outcome when 'rolled_back' then 'rollback' else 'fix_forward' end as remediation
            from _rel
            where outcome = 'rolled_back' or (outcome = 'failed' and u(row('incf', dep_id)) < 0.3)
        ),
        background as (
            select 'inc-' || t.team_no || '-' || d.d as incident_id, t.team_no, t.tier, null as cause,
                svc(t.team_no, pick(['api', 'ml', 'llm'], u(row('isvc', t.team_no, d.d)))) as service_id,
                d.day_us + cast(u(row('ibg', t.team_no, d.d)) * 86400e6 as bigint) as start_us,
                pick(['code', 'model', 'data_drift', 'prompt', 'infra', 'dependency', 'unknown'],
                    u(row('irc', t.team_no, d.d))) as root_cause,
                pick(['fix_forward', 'retrain', 'config', 'none', 'rollback'], u(row('irm', t.team_no, d.d)))
                    as remediation
            from _teams t cross join _days d
            where u(row('inc', t.team_no, d.d)) < [0.03, 0.02, 0.015, 0.01, 0.008][t.tier + 1]
        ),
        allrows as (select * from caused union all select * from background),
        timed as (
            select *,
                start_us + cast([120.0, 60.0, 30.0, 10.0, 3.0][tier + 1] * (0.2 + 1.6 * u(row('det', incident_id)))
                    * 60e6 as bigint) as detect_us,
                u(row('src', incident_id)) as r_src,
                u(row('rep', incident_id)) as r_rep,
                u(row('res', incident_id)) as r_res
            from allrows
        )
        select incident_id, service_id,
            case when u(row('iteam', incident_id)) < 0.5 then tid(team_no) end as team_id,
            pick(['sev1', 'sev2', 'sev2', 'sev2', 'sev3', 'sev3', 'sev3', 'sev3', 'sev4', 'sev4'],
                u(row('sev', incident_id))) as severity,
            ts(start_us) as started_at, ts(detect_us) as detected_at,
            case when r_rep < 0.8 then ts(detect_us + cast((0.5 + 47.5 * r_rep) * 3600e6 as bigint)) end
                as reported_at,
            case when r_res >= 0.02
                then ts(detect_us + cast([72.0, 24.0, 8.0, 2.0, 0.5][tier + 1] * (0.1 + 1.9 * r_res) * 3600e6
                    as bigint)) end as resolved_at,
            case
                when r_src < [0.2, 0.4, 0.6, 0.8, 0.9][tier + 1] then 'automated'
                when r_src < [0.2, 0.4, 0.6, 0.8, 0.9][tier + 1] + 0.6 * (1 - [0.2, 0.4, 0.6, 0.8, 0.9][tier + 1])
                    then 'staff'
                else 'customer'
            end as detection_source,
            cause as caused_by_deployment_id, root_cause, remediation,
            nightly(detect_us + cast([72.0, 24.0, 8.0, 2.0, 0.5][tier + 1] * 2.0 * 3600e6 as bigint),
                u(row('load', incident_id))) as _loaded_at
        from timed
    """


def _sql_drift_checks() -> str:
    return """
        with monitors as (
            select team_no, tier, model, monitor from _teams
            cross join (values ('a', 'data_drift', 1), ('b', 'data_drift', 3), ('a', 'prediction_drift', 4))
                as m(model, monitor, min_tier)
            where tier >= min_tier
        ),
        c as (
            select m.*, d.d, d.day_us,
                'dc-' || team_no || '-' || model || '-' || monitor || '-' || d.d as check_id,
                u(row('drift', team_no, model, monitor, d.d)) as r_drift,
                u(row('dscore', team_no, model, monitor, d.d)) as r_score
            from monitors m cross join _days d
        ),
        timed as (
            select *, day_us + cast((6 * 3600 + 3600 * r_score) * 1e6 as bigint) as check_us,
                r_drift < 0.03 as detected
            from c
        )
        select check_id, tid(team_no) as team_id, format('model_{:04d}_{}', team_no, model) as model_name,
            strftime(ts(check_us), '%Y.%m') as model_version,
            'evidently_' || model || '_' || monitor as monitor_name,
            ts(check_us) as checked_at, detected as drift_detected,
            case when detected then 0.3 + 0.6 * r_score else 0.25 * r_score end as drift_score,
            0.1 as stattest_threshold,
            case when detected then 0.3 + 0.5 * r_score else 0.2 * r_score end as share_of_drifted_columns,
            case when detected then pick(['low', 'medium', 'high'], r_score) end as severity,
            case when detected and tier >= 1
                then ts(check_us + cast([480.0, 480.0, 120.0, 30.0, 10.0][tier + 1] * (0.2 + 1.6 * r_drift * 33)
                    * 60e6 as bigint)) end as acknowledged_at,
            case when detected and tier >= 2 then ts(check_us + cast((4 + 40 * r_drift * 33) * 3600e6 as bigint))
                end as resolved_at,
            case when detected then u(row('fp', check_id)) < 0.15 else false end as is_false_positive,
            nightly(check_us + 48 * 3600000000, u(row('load', check_id))) as _loaded_at
        from timed
    """


def _sql_training_runs() -> str:
    return """
        with released as (
            select 'run-' || dep_id as run_id, team_no, tier, format('model_{:04d}_a', team_no) as model_name,
                case tier when 0 then 'manual' when 1 then pick(['manual', 'schedule'], r_trig)
                    when 2 then pick(['schedule', 'ci'], r_trig)
                    else pick(['ci', 'new_data', 'schedule'], r_trig) end as trigger_type,
                start_us - cast((24 + 48 * u(row('rt', dep_id))) * 3600e6 as bigint) as trig_us,
                'finished' as status,
                strftime(ts(start_us), '%Y.%m.%d') || '.' || slot as registered_model_version,
                cast(null as varchar) as drift_check_id
            from _rel where art = 'model'
        ),
        scheduled as (
            select 'run-s-' || t.team_no || '-' || d.d, t.team_no, t.tier,
                format('model_{:04d}_{}', t.team_no, case when d.d % 2 = 0 then 'a' else 'b' end),
                case when t.tier >= 2 then 'schedule' else 'manual' end,
                d.day_us + 2 * 3600000000,
                case when d.d > 728 and u(row('srun', t.team_no, d.d)) < 0.5 then 'running'
                    else pick(['finished', 'finished', 'finished', 'finished', 'finished', 'finished', 'finished',
                        'failed', 'failed', 'killed'], u(row('sst', t.team_no, d.d))) end,
                null, null
            from _teams t cross join _days d
            where (d.d + t.team_no) % [30, 14, 7, 7, 3][t.tier + 1] = 0
        ),
        drift as (
            select 'run-d-' || check_id, t.team_no, t.tier, model_name,
                case when monitor_name like '%prediction_drift' then 'performance_degradation' else 'data_drift' end,
                epoch_us(checked_at) + cast((10 + 230 * u(row('dr', check_id))) * 60e6 as bigint),
                'finished', null,
                case when t.tier >= 3 then check_id end
            from _dc_helper dc join _teams t on dc.team_id = t.team_id
            where drift_detected and not is_false_positive
                and u(row('dretrain', check_id)) < [0.0, 0.0, 0.4, 0.8, 0.95][t.tier + 1]
        ),
        allrows as (
            select * from released union all select * from scheduled union all select * from drift
        ),
        timed as (
            select *,
                trig_us + cast(case when tier = 0 then (1 + 23 * u(row('delay', run_id))) * 3600e6
                    else (5 + 55 * u(row('delay', run_id))) * 60e6 end as bigint) as start_us,
                u(row('rdur', run_id)) as r_dur,
                u(row('repro', run_id)) as r_repro
            from allrows
        )
        select run_id, tid(team_no) as team_id, model_name, model_name || '-experiment' as experiment_name,
            trigger_type, ts(trig_us) as triggered_at, ts(start_us) as started_at,
            case when status <> 'running' then ts(start_us + cast((1 + 5 * r_dur) * 3600e6 as bigint)) end as ended_at,
            status,
            case when tier >= 1 or r_repro < 0.3 then hx(row('git', run_id), 40) end as git_commit,
            case when tier >= 2 or r_repro < 0.3 then 'sha256:' || hx(row('data', run_id), 32) end as dataset_digest,
            ts(trig_us - cast([240.0, 72.0, 24.0, 6.0, 2.0][tier + 1] * (0.2 + 1.6 * r_dur) * 3600e6 as bigint))
                as data_snapshot_at,
            tier >= 2 or r_repro < 0.5 as params_logged,
            tier >= 1 and r_repro < 0.9 as metrics_logged,
            case when tier >= 2 then status = 'finished' or r_dur < 0.5 end as eval_gate_passed,
            registered_model_version, drift_check_id,
            nightly(start_us + 6 * 3600000000, u(row('load', run_id))) as _loaded_at
        from timed
    """


def _sql_inference_windows() -> str:
    return """
        with w as (
            select t.team_no, t.tier, d.d, d.day_us, k,
                u(row('iwr', t.team_no, d.d, k)) as r_req,
                u(row('iwe', t.team_no, d.d, k)) as r_err,
                u(row('iwl', t.team_no, d.d, k)) as r_lat
            from _teams t cross join _days d cross join range(8) as r(k)
        )
        select svc(team_no, 'ml') as service_id, format('model_{:04d}_a', team_no) as model_name,
            strftime(ts(day_us), '%Y.%m') as model_version,
            ts(day_us + k * 3 * 3600000000) as window_start,
            ts(day_us + (k + 1) * 3 * 3600000000) as window_end,
            cast(floor((200 + 400 * (team_no % 7)) * [0.3, 0.4, 0.8, 1.5, 1.5, 1.2, 1.0, 0.6][k + 1]
                * (0.7 + 0.6 * r_req)) as bigint) as request_count,
            cast(floor((200 + 400 * (team_no % 7)) * [0.3, 0.4, 0.8, 1.5, 1.5, 1.2, 1.0, 0.6][k + 1]
                * (0.7 + 0.6 * r_req) * [0.02, 0.01, 0.005, 0.002, 0.001][tier + 1] * 2 * r_err) as bigint)
                as error_count,
            40 + 80 * r_lat as latency_p50_ms,
            (40 + 80 * r_lat) * (2 + 2 * r_err) * case when r_lat > 0.97 then 4 else 1 end as latency_p95_ms,
            (40 + 80 * r_lat) * (2 + 2 * r_err) * 1.6 * case when r_lat > 0.97 then 4 else 1 end as latency_p99_ms,
            nightly(day_us + (k + 1) * 3 * 3600000000 - 1, r_req) as _loaded_at
        from w
    """


def _sql_slo_targets() -> str:
    return """
        select svc(team_no, 'ml') as service_id, 'availability' as sli,
            [0.99, 0.99, 0.995, 0.999, 0.999][tier + 1] as objective, 'p2' as slo_class,
            timestamp '2024-01-01 01:00:00' as _loaded_at
        from _teams
        union all
        select svc(team_no, 'ml'), 'latency_p95_ms', [800.0, 600.0, 500.0, 400.0, 300.0][tier + 1], 'p3',
            timestamp '2024-01-01 01:00:00' from _teams where tier >= 1
        union all
        select svc(team_no, 'llm'), 'availability', 0.99, 'p3', timestamp '2024-01-01 01:00:00'
        from _teams where tier >= 2
    """


# request-level values shared by requests, chunks, evaluations and votes
_REQ_ID = "'req-' || tr.team_no || '-' || tr.d || '-' || tr.slot || '-' || s.step"


def _sql_llm_requests() -> str:
    return f"""
        with r as (
            select tr.*, s.step, s.op, m.provider, m.request_model, m.response_model, m.price_in, m.price_out,
                {_REQ_ID} as request_id,
                u(row('rst', tr.team_no, tr.d, tr.slot, s.step)) as r_st,
                u(row('rtok', tr.team_no, tr.d, tr.slot, s.step)) as r_tok,
                u(row('rlat', tr.team_no, tr.d, tr.slot, s.step)) as r_lat,
                tr.start_us + s.step * 1500000 as req_us
            from _tr tr join _steps s using (pattern) join _models m using (midx)
        ),
        keyed as (
            select r.*, p.prompt_hash, us.user_key
            from r join _prompts p using (team_no, pattern, prompt_v) join _users us using (team_no, user_idx)
        ),
        shaped as (
            select *,
                case when op not in ('chat', 'invoke_agent') then 'ok'
                    when r_st < [0.04, 0.03, 0.02, 0.012, 0.008][tier + 1] then 'error'
                    when r_st < [0.04, 0.03, 0.02, 0.012, 0.008][tier + 1] * 1.5 then 'timeout'
                    when r_st > 0.988 then 'refused'
                    when r_st > 0.982 then 'filtered'
                    else 'ok' end as status,
                case op when 'chat' then cast(300 + 3000 * r_tok + case when pattern = 'rag' then 1500 else 0 end
                        as bigint)
                    when 'invoke_agent' then cast(100 + 300 * r_tok as bigint)
                    when 'embeddings' then cast(20 + 180 * r_tok as bigint) else 0 end as in_tok,
                case op when 'chat' then cast(30 + 700 * r_lat as bigint)
                    when 'invoke_agent' then cast(10 + 50 * r_lat as bigint) else 0 end as out_tok0,
                op = 'chat' and r_tok < 0.7 as streaming
            from keyed
        ),
        final as (
            select *,
                case when status in ('error', 'timeout') then 0 else out_tok0 end as out_tok,
                req_us + cast(floor(case op when 'chat' then 400 + out_tok0 * (10 + 30 * r_tok)
                    when 'embeddings' then 50 + 100 * r_lat when 'retrieval' then 30 + 150 * r_lat
                    when 'execute_tool' then 200 + 2000 * r_lat else 300 + 500 * r_lat end) * 1000 as bigint)
                    as end_us
            from shaped
        )
        select request_id, trace_id,
            case when step > 0 then 'req-' || team_no || '-' || d || '-' || slot || '-0' end as parent_request_id,
            'conv-' || team_no || '-' || user_idx || '-' || (d // 7) as conversation_id,
            team_id, svc(team_no, 'llm') as service_id, feature_name, environment, op as operation_name,
            case op when 'embeddings' then 'openai' when 'retrieval' then 'internal' when 'execute_tool' then 'internal'
                else provider end as provider_name,
            case op when 'embeddings' then 'text-embedding-3-small' when 'retrieval' then 'pgvector'
                when 'execute_tool' then 'tool-runtime' else request_model end as request_model,
            case op when 'embeddings' then 'text-embedding-3-small' when 'retrieval' then 'pgvector'
                when 'execute_tool' then 'tool-runtime' else response_model end as response_model,
            case when op in ('chat', 'invoke_agent') then response_model end as model_version,
            feature_name as prompt_name, 'v' || prompt_v as prompt_version,
            prompt_hash,
            case when pattern = 'rag' and step >= 1
                then 'rcfg_' || team_no || case when d < 365 then '_dense_k5' else '_rerank_k8' end end
                as retrieval_config_id,
            streaming as is_streaming,
            ts(req_us) as started_at,
            case when streaming and status = 'ok' then ts(req_us + cast(floor(150 + 1350 * r_st) * 1000 as bigint)) end
                as first_token_at,
            ts(end_us) as ended_at,
            in_tok as input_tokens, out_tok as output_tokens,
            case when op = 'chat' and r_lat < 0.3 then cast(floor(in_tok * r_lat) as bigint)
                when op = 'chat' then 0 end as cache_read_input_tokens,
            case when op = 'chat' and midx = 0 and r_lat > 0.8 then cast(floor(out_tok * 0.5) as bigint) end
                as reasoning_output_tokens,
            round(case op when 'embeddings' then in_tok * 0.02 when 'retrieval' then 0.0 when 'execute_tool' then 0.0
                else in_tok * price_in + out_tok * price_out end / 1e6, 8) as cost_usd,
            status,
            case status when 'ok' then case when out_tok0 >= 720 then 'length' else 'stop' end
                when 'refused' then 'content_filter' when 'filtered' then 'content_filter' end as finish_reason,
            case status when 'error' then pick(['rate_limit', 'server_error', 'invalid_request'], r_lat)
                when 'timeout' then 'timeout' end as error_type,
            user_key,
            case when op = 'chat' then case_id end as eval_case_id,
            case when op = 'chat' and r_tok < 0.02 then 'PROMPT-TEXT-' || request_id end as prompt_text,
            case when op = 'chat' and r_tok < 0.02 and status = 'ok' then 'RESPONSE-TEXT-' || request_id end
                as response_text,
            nightly(end_us, r_lat) as _loaded_at
        from final
    """


def _sql_llm_request_chunks() -> str:
    # rag answers (step 2) carry 4 retrieved chunks and up to 2 cited (among the retrieved ones);
    # answers to a standard question (case_id) retrieve its relevant chunks most of the time
    return """
        with a as (
            select tr.*, 2 as step, k,
                u(row('chk', tr.team_no, tr.d, tr.slot, k)) as r_chk
            from _tr tr cross join range(4) as r(k)
            where tr.pattern = 'rag'
        ),
        chunks as (
            select *, 'req-' || team_no || '-' || d || '-' || slot || '-2' as request_id,
                case when case_id is not null and k < 3 and r_chk < 0.75 then 'kb-' || case_id || '#' || k
                    else 'kb-' || team_no || '-' || cast(floor(r_chk * 400) as bigint) || '#' || k end as chunk_id,
                start_us + 2 * 1500000 as req_us
            from a
        )
        -- one pass (a CTE read twice would be materialized): every chunk retrieved, a few also cited
        select request_id, chunk_id, kind, k + 1 as rank,
            nightly(req_us + 20000000, u(row('load', request_id))) as _loaded_at
        from chunks cross join (values ('retrieved'), ('cited')) as kinds(kind)
        where kind = 'retrieved' or (k < 2 and u(row('cite', request_id, k)) < [0.35, 0.25][k + 1])
    """


def _sql_rag_eval_cases() -> str:
    return """
        select 'case-' || team_no || '-' || c as case_id, 'kb_golden_' || team_no as suite,
            'kb-case-' || team_no || '-' || c || '#' || j as chunk_id,
            timestamp '2024-01-01 01:00:00' as _loaded_at
        from _teams cross join range(500) as r(c) cross join range(3) as q(j)
        where c < 20 or c % 25 = 0
    """


_EVAL_SCORE = """
    least(1.0, greatest(0.0, 0.58 + 0.07 * tier + case when prompt_v % 3 = 0 then -0.08 else 0.02 end
        + (u(row('score', evaluation_id)) - 0.5) * 0.8))
"""


def _sql_llm_evaluations() -> str:
    return f"""
        with req as (
            select tr.*, s.step, {_REQ_ID} as request_id,
                u(row('rst', tr.team_no, tr.d, tr.slot, s.step)) as r_st,
                u(row('samp', tr.team_no, tr.d, tr.slot, s.step)) as r_samp,
                tr.start_us + s.step * 1500000 as req_us
            from _tr tr join _steps s using (pattern)
            where s.op = 'chat'
        ),
        sampled as (
            select req.*, name, 'production_sample' as suite, 'automated' as source, 'llm-judge' as evaluator
            from req, lateral (select unnest(case pattern
                when 'rag' then ['faithfulness', 'hallucination', 'answer_relevancy']
                when 'chat' then ['hallucination', 'instruction_following', 'answer_relevancy']
                else ['instruction_following', 'hallucination', 'toxicity'] end) as name)
            where r_samp < [0.0, 0.012, 0.035, 0.06, 0.12][tier + 1]
            union all
            select req.*, 'faithfulness', 'human_review', 'human', 'reviewer'
            from req where tier >= 2 and r_samp > 0.99
            union all
            select req.*, 'refusal', 'production_sample', 'automated', 'refusal-judge'
            from req where tier >= 1 and (r_st > 0.988 or r_samp between 0.5 and 0.52)
        ),
        online as (
            select request_id || '-' || name as evaluation_id, request_id, trace_id,
                req_us + cast((5 + 115 * r_samp) * 60e6 as bigint) as eval_us,
                suite, name, source, evaluator, tier, prompt_v, r_st,
                u(row('legit', request_id)) < 0.6 as legit,
                cast(null as varchar) as team_id, cast(null as varchar) as feature_name,
                cast(null as varchar) as model_version, cast(null as varchar) as prompt_hash,
                cast(null as varchar) as retrieval_config_id
            from sampled
        ),
        versions as (
            select distinct t.team_no, t.team_id, t.tier, p.pattern,
                case p.pattern when 'chat' then 'assistant' when 'rag' then 'search' else 'agent' end
                    || format('_{{:04d}}', t.team_no) as feature_name,
                cast(1 + floor((d.d + hash(t.team_no, p.pattern, 'pv') % 60) / 91.0) as integer) as prompt_v,
                min(d.day_us) over (partition by t.team_no, p.pattern,
                    cast(1 + floor((d.d + hash(t.team_no, p.pattern, 'pv') % 60) / 91.0) as integer)) as from_us
            from _teams t cross join (values ('chat'), ('rag'), ('agent')) as p(pattern) cross join _days d
            where t.tier >= 2
        ),
        offline as (
            select 'ev-ci-' || team_no || '-' || pattern || '-' || prompt_v || '-' || c || '-' || name
                    as evaluation_id,
                null as request_id, null as trace_id,
                from_us - 86400000000 + c * 60000000 as eval_us,
                'ci_release' as suite, name, 'automated' as source, 'ci-eval' as evaluator, tier, prompt_v,
                0.5 as r_st, true as legit, team_id, feature_name, 'v' || prompt_v as model_version,
                substr(md5(concat({{seed}}, '|prompt|', feature_name, '|', prompt_v)), 1, 16) as prompt_hash,
                case when pattern = 'rag' then 'rcfg_' || team_no || case when from_us < {DAY0_US + 365 * DAY_US}
                    then '_dense_k5' else '_rerank_k8' end end as retrieval_config_id
            from versions cross join range(10) as r(c)
                cross join (values ('faithfulness'), ('instruction_following')) as n(name)
            union all
            select 'ev-adv-' || t.team_no || '-' || d.d || '-' || c || '-' || name, null, null,
                d.day_us + 10 * 3600000000 + c * 60000000, 'adversarial', name, 'automated', 'red-team', t.tier, 1,
                0.5, c = 0, t.team_id, 'assistant' || format('_{{:04d}}', t.team_no), null, null, null
            from _teams t cross join _days d cross join range(2) as r(c)
                cross join (values ('toxicity'), ('pii_leak'), ('refusal')) as n(name)
            where t.tier >= 3 and d.d % 7 = t.team_no % 7
        ),
        allrows as (select * from online union all select * from offline),
        scored as (
            select *,
                case
                    when name = 'refusal' and suite = 'production_sample'
                        then case when r_st > 0.988 then 1.0 else 0.0 end
                    when name = 'refusal' then 1.0
                    when name in ('toxicity', 'pii_leak') then 0.1 * u(row('score', evaluation_id))
                        + case when u(row('bad', evaluation_id)) < 0.02 then 0.8 else 0.0 end
                    when name = 'hallucination' then 1.0 - {_EVAL_SCORE}
                    else {_EVAL_SCORE}
                end as score
            from allrows
        )
        select evaluation_id, request_id, trace_id, ts(eval_us) as evaluated_at, suite, name as evaluation_name,
            round(score, 4) as score_value,
            case
                when name = 'refusal' and suite = 'production_sample' then not (score = 1.0 and legit)
                when name = 'refusal' then not legit
                when name in ('hallucination', 'toxicity', 'pii_leak') then score < 0.5
                else score >= 0.5
            end as passed,
            source as evaluator_source, evaluator as evaluator_name,
            case when name = 'refusal' then legit end as is_legitimate_request,
            team_id, feature_name, model_version, prompt_hash, retrieval_config_id,
            nightly(eval_us, u(row('load', evaluation_id))) as _loaded_at
        from scored
    """


def _sql_product_events() -> str:
    return f"""
        with base as (
            select t.*, d.d, d.day_us, (case when d.wd then 7.0 else 5.0 end) as rate from _teams t cross join _days d
        ),
        e as (
            select * exclude (rate), unnest(range(cast(floor(rate + u(row('npe', team_no, d))) as bigint))) as k
            from base
        ),
        typed as (
            select *, 'evt-' || team_no || '-' || d || '-' || k as event_id,
                u(row('pet', team_no, d, k)) as r_type,
                u(row('pef', team_no, d, k)) as r_feat,
                cast(floor(u(row('peu', team_no, d, k)) * 150) as bigint) as user_idx,
                day_us + cast(u(row('pat', team_no, d, k)) * 86400e6 as bigint) // 1000000 * 1000000 as at_us
            from e
        ),
        generated as (
            select event_id, at_us, us.user_key, team_id,
                case
                    when r_type < 0.45 then 'app_' || format('{{:04d}}', team_no)
                    when r_type < 0.85 then case
                        when r_feat < 0.25 + 0.1 * tier then pick(['assistant', 'search', 'agent'], r_feat * 3 % 1)
                            || format('_{{:04d}}', team_no)
                        else 'classic_' || format('{{:04d}}', team_no) end
                    else 'checkout_' || format('{{:04d}}', team_no)
                end as feature_name,
                case when r_type < 0.45 then 'active' when r_type < 0.85 then 'feature_use' else 'conversion' end
                    as event_type,
                cast(null as varchar) as request_id,
                case when r_type >= 0.85 then round(5 + 495 * r_feat, 2) end as revenue_usd
            from typed join _users us using (team_no, user_idx)
        ),
        votes as (
            select 'vote-' || {_REQ_ID} as event_id,
                tr.start_us + s.step * 1500000 + cast((10 + 290 * u(row('vt', tr.trace_id))) * 1e6 as bigint)
                    // 1000000 * 1000000 as at_us,
                us.user_key, tr.team_id, tr.feature_name,
                case when u(row('vote', tr.trace_id)) < 0.04 + 0.03 * (4 - tr.tier)
                        + case when tr.prompt_v % 3 = 0 then 0.08 else 0 end then 'downvote'
                    else 'upvote' end as event_type,
                {_REQ_ID} as request_id, cast(null as double) as revenue_usd
            from _tr tr join _steps s using (pattern) join _users us on tr.team_no = us.team_no
                and tr.user_idx = us.user_idx
            where s.op = 'chat' and s.step = case tr.pattern when 'agent' then 3 else s.step end
                and u(row('hasvote', tr.trace_id)) < 0.08
        ),
        allrows as (select * from generated union all select * from votes)
        select event_id, ts(at_us) as occurred_at, user_key, team_id, feature_name,
            feature_name like 'assistant%' or feature_name like 'search%' or feature_name like 'agent%'
                as is_ai_feature,
            event_type, request_id, revenue_usd,
            nightly(at_us, u(row('load', event_id))) as _loaded_at
        from allrows
    """


def _sql_survey_responses() -> str:
    return """
        with waves as (
            select w, (2024 + w // 4) || '-q' || (w % 4 + 1) as wave,
                epoch_us(make_timestamp(2024 + w // 4, 3 * (w % 4) + 2, 1, 9, 0, 0)) as wave_us
            from range(8) as r(w)
        ),
        items as (
            select * from (values
                ('psych_safety', 'ps_1', 7, true), ('psych_safety', 'ps_2', 7, false),
                ('psych_safety', 'ps_3', 7, true), ('psych_safety', 'ps_4', 7, false),
                ('psych_safety', 'ps_5', 7, true), ('psych_safety', 'ps_6', 7, false),
                ('psych_safety', 'ps_7', 7, false),
                ('westrum', 'wc_1', 7, false), ('westrum', 'wc_2', 7, false), ('westrum', 'wc_3', 7, false),
                ('westrum', 'wc_4', 7, false), ('westrum', 'wc_5', 7, false), ('westrum', 'wc_6', 7, false),
                ('wellbeing', 'wb_1', 5, false), ('wellbeing', 'wb_2', 5, false), ('wellbeing', 'wb_3', 5, true),
                ('wellbeing', 'wb_4', 5, false), ('wellbeing', 'wb_5', 5, false),
                ('knowledge', 'kn_1', 5, false), ('knowledge', 'kn_2', 5, false), ('knowledge', 'kn_3', 5, false)
            ) as i(instrument, item_code, scale_max, reverse_scored)
        ),
        resp as (
            select t.team_no, t.team_id, t.tier, w.*, k,
                'resp-' || t.team_no || '-' || w.w || '-' || k as response_id,
                w.wave_us + cast(u(row('sub', t.team_no, w.w, k)) * 10 * 86400e6 as bigint) // 1000000 * 1000000
                    as sub_us
            from _teams t cross join waves w, lateral (select unnest(range(t.n_people)) as k)
            where k < 6 or u(row('answers', t.team_no, w.w, k)) < 0.7
        )
        select response_id, 'survey-' || wave as survey_id, wave, pkey(team_no, k) as respondent_key, team_id,
            ts(sub_us) as submitted_at, instrument, item_code,
            cast(least(scale_max, greatest(1, round(
                case when reverse_scored then scale_max + 1 - (1 + (scale_max - 1) * (0.3 + 0.1 * tier))
                    else 1 + (scale_max - 1) * (0.3 + 0.1 * tier) end
                + (u(row('ans', response_id, item_code)) - 0.5) * 3))) as bigint) as response_value,
            1 as scale_min, scale_max, reverse_scored,
            case when item_code = 'ps_2' and u(row('comment', response_id)) < 0.1
                then 'COMMENT-TEXT-' || response_id end as comment_text,
            nightly(sub_us, u(row('load', response_id))) as _loaded_at
        from resp cross join items
    """


def _sql_explainability_requests() -> str:
    return """
        with x as (
            select t.*, d.d, d.day_us, 'xr-' || t.team_no || '-' || d.d as request_id,
                u(row('xf', t.team_no, d.d)) as r_f
            from _teams t cross join _days d
            where t.tier >= 1 and u(row('xr', t.team_no, d.d)) < 0.015
        )
        select request_id, team_id, format('model_{:04d}_a', team_no) as model_name,
            ts(day_us + 10 * 3600000000) as requested_at,
            case when r_f < 0.9 then ts(day_us + 10 * 3600000000
                + cast([12.0, 8.0, 5.0, 3.0, 2.0][tier + 1] * (0.2 + 1.6 * r_f) * 86400e6 as bigint)) end
                as fulfilled_at,
            pick(['auditor', 'regulator', 'customer', 'internal', 'internal'], r_f * 7 % 1) as requester_type,
            nightly(day_us + 10 * 3600000000 + 25 * 86400000000, r_f) as _loaded_at
        from x
    """


def _sql_bias_audits() -> str:
    return """
        with a as (
            select t.*, q, model, 'ba-' || t.team_no || '-' || model || '-' || q as audit_id,
                {day0} + (q * 91 + t.team_no % 30) * {day} + 11 * 3600000000 as audit_us,
                u(row('ba', t.team_no, model, q)) as r_a
            from _teams t cross join range(8) as r(q) cross join (values ('a'), ('b')) as m(model)
            where t.tier >= 2 or (t.tier = 1 and model = 'a' and q % 2 = 0)
        )
        select audit_id, team_id, format('model_{{:04d}}_{{}}', team_no, model) as model_name,
            ts(audit_us) as audited_at, cast(floor(r_a * 5) as bigint) as findings_count,
            case when floor(r_a * 5) > 0 and u(row('rem', audit_id)) < 0.8
                then ts(audit_us + cast((5 + 55 * u(row('rem', audit_id))) * 86400e6 as bigint)) end as remediated_at,
            nightly(audit_us + 70 * {day}, r_a) as _loaded_at
        from a
    """.replace("{day0}", str(DAY0_US)).replace("{day}", str(DAY_US)).replace("{{", "{").replace("}}", "}")


def _sql_model_documentation() -> str:
    return """
        select format('model_{:04d}_a', team_no) as model_name,
            strftime(ts(start_us), '%Y.%m.%d') || '.' || slot as model_version, team_id,
            ts(start_us - 3600000000) as documented_at, 12 as required_fields,
            cast(least(12, floor((0.4 + 0.15 * tier) * 12 + 3 * u(row('doc', dep_id)))) as bigint) as completed_fields,
            nightly(start_us, u(row('load', dep_id))) as _loaded_at
        from _rel
        where art = 'model' and u(row('hasdoc', dep_id)) < [0.3, 0.5, 0.8, 0.95, 1.0][tier + 1]
    """


def _sql_readiness_assessments() -> str:
    """A readiness checklist (seeds/readiness_items.csv) per team and quarter: yes up to the level
    the team claims, never yes for the first item of the next level, a mix above (10 % left out).
    Most teams claim their tier; 15 % claim more (overrate), 15 % less (underrate)."""
    return """
        with items as (
            select item_code, plane, cast(level as integer) as level,
                row_number() over (partition by plane, level order by item_code) as item_rank
            from read_csv('{items}', header = true, all_varchar = true)
        ),
        claims as (
            select team_no, team_id,
                case when u(row('claim', team_no)) < 0.15 then least(4, tier + 1 + (tier % 2))
                    when u(row('claim', team_no)) < 0.30 then greatest(0, tier - 1 - (tier % 2))
                    else tier end as claimed
            from _teams
        ),
        assessments as (
            select c.*, 'ra-' || team_no || '-' || q as assessment_id,
                {day0} + (q * 91 + 30 + team_no % 45) * {day} + 10 * 3600000000 as at_us
            from claims c cross join range(8) as r(q)
        ),
        answered as (
            select a.*, i.*, u(row('ans', a.assessment_id, i.item_code)) as r_ans
            from assessments a cross join items i
        )
        select assessment_id, team_id, ts(at_us) as assessed_at, plane, level, item_code,
            case when level <= claimed then 'yes'
                when level = claimed + 1 and item_rank = 1 then case when r_ans < 0.6 then 'partial' else 'no' end
                when r_ans < 0.3 then 'yes' when r_ans < 0.6 then 'partial' else 'no' end as answer,
            pick(['tech_lead', 'engineering_manager', 'ml_engineer'], u(row('role', assessment_id))) as respondent_role,
            nightly(at_us, u(row('load', assessment_id, item_code))) as _loaded_at
        from answered
        where level <= claimed + 1 or r_ans < 0.9
    """.replace("{items}", ITEMS_CSV.as_posix().replace("'", "''")).replace("{day0}", str(DAY0_US)).replace(
        "{day}", str(DAY_US))


_SQL: dict[str, Callable[[], str]] = {
    "teams": _sql_teams,
    "service_ownership": _sql_service_ownership,
    "people": _sql_people,
    "changes": _sql_changes,
    "deployments": _sql_deployments,
    "deployment_changes": _sql_deployment_changes,
    "incidents": _sql_incidents,
    "drift_checks": _sql_drift_checks,
    "training_runs": _sql_training_runs,
    "inference_windows": _sql_inference_windows,
    "slo_targets": _sql_slo_targets,
    "llm_requests": _sql_llm_requests,
    "llm_request_chunks": _sql_llm_request_chunks,
    "rag_eval_cases": _sql_rag_eval_cases,
    "llm_evaluations": _sql_llm_evaluations,
    "product_events": _sql_product_events,
    "survey_responses": _sql_survey_responses,
    "explainability_requests": _sql_explainability_requests,
    "bias_audits": _sql_bias_audits,
    "model_documentation": _sql_model_documentation,
    "readiness_assessments": _sql_readiness_assessments,
}

# --------------------------------------------------------------------------------------------
# mess, decided by `_m` = a uniform draw of the row's key; disjoint sub-ranges per kind

# an enumeration value upper-cased (0.3 %), padded with spaces (0.1 %) or unknown (0.05 %)
_ENUM_MESS = ("case when _m < 0.003 then upper({c}) when _m < 0.004 then ' ' || {c} || ' ' "
              "when _m < 0.0045 then 'unknown_' || {c} else {c} end")
# late arrivals (0.5 %): loaded 2-10 days after the nightly load
_LATE = ("case when _m >= 0.005 and _m < 0.010 then _loaded_at + to_days(cast(2 + floor(_m * 1e5) % 9 as integer)) "
         "else _loaded_at end")


def _nonfinite(c: str, lo: float) -> str:
    return (f"case when _m >= {lo} and _m < {lo + 0.0005} then 'nan'::double when _m >= {lo + 0.0005} and _m < "
            f"{lo + 0.001} then 'inf'::double when _m >= {lo + 0.001} and _m < {lo + 0.0015} then '-inf'::double "
            f"else {c} end")


_MESS: dict[str, dict[str, str]] = {
    "changes": {"_loaded_at": _LATE},
    "deployments": {
        "status": _ENUM_MESS.format(c="status"),
        "trigger": "case when _m >= 0.0045 and _m < 0.005 then upper(trigger) else trigger end",
        # an end before its start
        "finished_at": "case when _m >= 0.010 and _m < 0.012 then started_at - to_minutes(7) else finished_at end",
        "_loaded_at": _LATE,
    },
    "deployment_changes": {"_loaded_at": _LATE},
    "incidents": {"severity": _ENUM_MESS.format(c="severity"), "_loaded_at": _LATE},
    "training_runs": {
        "trigger_type": _ENUM_MESS.format(c="trigger_type"),
        "ended_at": "case when _m >= 0.010 and _m < 0.014 then started_at - to_minutes(30) else ended_at end",
        "data_snapshot_at": ("case when _m >= 0.014 and _m < 0.018 then started_at + to_hours(2) "
                             "else data_snapshot_at end"),
        "_loaded_at": _LATE,
    },
    "drift_checks": {"drift_score": _nonfinite("drift_score", 0.010), "severity": _ENUM_MESS.format(c="severity"),
                     "_loaded_at": _LATE},
    "inference_windows": {
        "latency_p95_ms": _nonfinite("latency_p95_ms", 0.010),
        "error_count": "case when _m >= 0.012 and _m < 0.0125 then request_count + 5 else error_count end",
        "_loaded_at": _LATE,
    },
    "llm_requests": {
        "status": _ENUM_MESS.format(c="status"),
        "output_tokens": "case when _m >= 0.010 and _m < 0.011 then -output_tokens - 1 else output_tokens end",
        "cost_usd": ("case when _m >= 0.011 and _m < 0.012 then -cost_usd - 0.0001 else "
                     + _nonfinite("cost_usd", 0.012) + " end"),
        "first_token_at": ("case when _m >= 0.014 and _m < 0.015 and first_token_at is not null "
                           "then started_at - to_milliseconds(250) else first_token_at end"),
        "_loaded_at": _LATE,
    },
    "llm_request_chunks": {"kind": "case when _m < 0.003 then upper(kind) else kind end", "_loaded_at": _LATE},
    "llm_evaluations": {"suite": _ENUM_MESS.format(c="suite"), "_loaded_at": _LATE,
                        "score_value": "case when _m >= 0.010 and _m < 0.0105 then 1.35 else score_value end"},
    "product_events": {
        "event_type": _ENUM_MESS.format(c="event_type"),
        "revenue_usd": ("case when _m >= 0.015 and _m < 0.016 and revenue_usd is not null then -revenue_usd else "
                        + _nonfinite("revenue_usd", 0.010) + " end"),
        "_loaded_at": _LATE,
    },
    "survey_responses": {"instrument": "case when _m < 0.002 then upper(instrument) else instrument end",
                         "_loaded_at": _LATE},
    "explainability_requests": {"requester_type": _ENUM_MESS.format(c="requester_type"), "_loaded_at": _LATE},
    "readiness_assessments": {"answer": _ENUM_MESS.format(c="answer"), "_loaded_at": _LATE},
    "people": {"left_at": "case when _m < 0.005 and left_at is null then joined_at - to_days(30) else left_at end"},
}

# re-delivered rows: a later `_loaded_at` (some with a changed value), an equal one, a null one
_CHANGED: dict[str, dict[str, str]] = {
    "deployments": {"status": "case when status = 'success' then 'rolled_back' else 'success' end"},
    "llm_requests": {"cost_usd": "cost_usd * 1.1"},
    "incidents": {"resolved_at": "coalesce(resolved_at, detected_at + to_hours(3))"},
    "training_runs": {"status": "case when status = 'running' then 'finished' else status end"},
    "product_events": {"revenue_usd": "revenue_usd + 1"},
}
_NO_DUPLICATES = {"teams", "service_ownership", "slo_targets", "rag_eval_cases"}


def _key_expr(name: str) -> str:
    return ", ".join(f'"{k}"' for k in TABLES[name].key)


def _create(con: duckdb.DuckDBPyConnection, schema: str, name: str, seed: int) -> None:
    """The clean rows with mess applied, then re-delivered copies of 0.5 % of the keys: a later
    `_loaded_at` (half of them with a changed value), an equal or a null one. (A second scan is
    cheaper than replicating rows with unnest in the same pass.)"""
    spec = TABLES[name]
    select = _SQL[name]().replace("{seed}", str(int(seed)))
    mess = _MESS.get(name, {})
    cols = ", ".join(f'cast({mess.get(c, c)} as {t}) as "{c}"' for c, t in spec.columns)
    con.execute(f"""
        create or replace table "{schema}"."{name}" as
        select {cols}
        from (select *, u(row('mess', '{name}', {_key_expr(name)})) as _m from ({select}) as clean) as drawn
    """)
    if name in _NO_DUPLICATES:
        return
    changed = _CHANGED.get(name, {})
    dup_cols = []
    for c, _t in spec.columns:
        if c == "_loaded_at":
            dup_cols.append("case when _d < 0.003 then _loaded_at + to_hours(31) when _d < 0.004 then _loaded_at end")
        elif c in changed:
            dup_cols.append(f"case when _d < 0.0015 then {changed[c]} else \"{c}\" end")
        else:
            dup_cols.append(f'"{c}"')
    con.execute(f"""
        insert into "{schema}"."{name}"
        select {", ".join(dup_cols)}
        from (select *, u(row('dup', '{name}', {_key_expr(name)})) as _d from "{schema}"."{name}") as t
        where _d < 0.005
    """)


# rare rows added by copying a few real rows (top-k of a hash: deterministic): implausible times,
# orphans, unknown teams and services

_RARE: dict[str, list[tuple[str, dict[str, str]]]] = {
    "deployments": [
        ("unknown_service", {"deployment_id": "deployment_id || '-xsvc'", "service_id": "'svc_unknown'",
                             "team_id": "null"}),
        ("year_1970", {"deployment_id": "deployment_id || '-x1970'"}),
        ("year_2999", {"deployment_id": "deployment_id || '-x2999'"}),
    ],
    "deployment_changes": [("orphan", {"deployment_id": "deployment_id || '-ghost'"})],
    "incidents": [("unknown_service", {"incident_id": "incident_id || '-xsvc'", "service_id": "'svc_unknown'",
                                       "team_id": "null"})],
    "drift_checks": [("unknown_team", {"check_id": "check_id || '-xteam'", "team_id": "'team_ghost'"})],
    "llm_requests": [
        ("unknown_team", {"request_id": "request_id || '-xteam'", "team_id": "'team_ghost'"}),
        ("year_1970", {"request_id": "request_id || '-x1970'"}),
        ("year_2999", {"request_id": "request_id || '-x2999'"}),
    ],
    "llm_request_chunks": [("orphan", {"request_id": "request_id || '-orphan'"})],
    "llm_evaluations": [("orphan", {"evaluation_id": "evaluation_id || '-orphan'",
                                    "request_id": "request_id || '-orphan'"})],
    "product_events": [
        ("unknown_team", {"event_id": "event_id || '-xteam'", "team_id": "'team_ghost'"}),
        ("year_1970", {"event_id": "event_id || '-x1970'"}),
        ("year_2999", {"event_id": "event_id || '-x2999'"}),
    ],
}
_RARE_FILTER = {"llm_evaluations": "request_id is not null"}


def _inject_rare(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    spec = TABLES[name]
    total = fetch_one(con, f'select count(*) from "{schema}"."{name}"')[0]
    times = [c for c, t in spec.columns if t == TS and c != "_loaded_at"]
    for kind, overrides in _RARE.get(name, []):
        k = max(2, total // (50_000 if kind.startswith("year") else 2_000))
        cols = []
        for c, _t in spec.columns:
            if c in overrides:
                cols.append(f"{overrides[c]}")
            elif c in times and kind == "year_1970":  # every time of the row moved by the same days
                days = f"datediff('day', timestamp '1970-01-02', \"{times[0]}\")"
                cols.append(f'"{c}" - to_days(cast({days} as integer))')
            elif c in times and kind == "year_2999":
                days = f"datediff('day', \"{times[0]}\", timestamp '2999-06-01')"
                cols.append(f'"{c}" + to_days(cast({days} as integer))')
            else:
                cols.append(f'"{c}"')
        where = f"where {_RARE_FILTER[name]}" if name in _RARE_FILTER else ""
        con.execute(f"""
            insert into "{schema}"."{name}"
            select {", ".join(cols)} from "{schema}"."{name}" {where}
            order by hash('{kind}', {_key_expr(name)}), {_key_expr(name)}, _loaded_at nulls first
            limit {k}
        """)


def build(path: str | Path, scale: float, seed: int = 42, schema: str = "raw",
          log: Log = progress) -> dict[str, int]:
    """Write every contract table into `schema` of the DuckDB file; returns row counts per table."""
    began = time.perf_counter()
    teams = team_count(scale)
    con = connect(path)
    try:
        define_macros(con, seed)
        con.execute(f'create schema if not exists "{schema}"')
        t0 = time.perf_counter()
        _helpers(con, seed, teams)
        log(f"helpers: {teams} teams × {N_DAYS} days in {time.perf_counter() - t0:.1f} s")
        counts: dict[str, int] = {}
        order = list(_SQL)
        for name in order:
            t0 = time.perf_counter()
            _create(con, schema, name, seed)
            _inject_rare(con, schema, name)
            if name == "drift_checks":  # training runs answer drift alerts
                con.execute(f'create or replace temp table _dc_helper as select check_id, team_id, model_name, '
                            f'monitor_name, checked_at, drift_detected, coalesce(is_false_positive, false) as '
                            f'is_false_positive from "{schema}".drift_checks where check_id not like \'%-x%\' '
                            f'and team_id like \'team_%\' qualify row_number() over (partition by check_id '
                            f'order by _loaded_at nulls first) = 1')
            counts[name] = fetch_one(con, f'select count(*) from "{schema}"."{name}"')[0]
            log(f"{name:<26} {counts[name]:>12,} rows {time.perf_counter() - t0:7.1f} s")
        for helper in ("_teams", "_days", "_rel", "_tr", "_steps", "_models", "_users", "_prompts", "_dc_helper"):
            con.execute(f"drop table if exists {helper}")
        con.execute("checkpoint")
        log(f"total {sum(counts.values()):,} rows in {time.perf_counter() - began:.1f} s")
        return counts
    finally:
        close(con, path)

"""An incremental run gives exactly what a full refresh gives.

The raw data is the small demo plus late re-deliveries that change old rows (a deployment turned
failed, an incident blamed on a deployment of another month, a request's cost, a request moved to
an unknown team so its chunks and evaluations become orphans, a service handed to another team, a
request moved to another trace, a request moved to another feature, evaluations moved a month
later, a RAG question with one more relevant chunk), late-arriving events for early periods, and
exact copies of early rows (equal and null
`_loaded_at`). It is built (a) in one full refresh and (b) as randomized incremental batches drawn
by hypothesis: cut points on the `_loaded_at` timeline, rows that land one batch late within the
lookback window, rows with a null `_loaded_at` in any batch, and one batch holding only the
duplicate copies. After every batch every raw row is accounted for;
after the last one every mart, and every event-grain model that recomputes only the changed
entities, equals (a). On Spark (marker spark) the same data without the roster re-deliveries is
built in two batches with partitioned incremental base tables, and its marts equal (a)'s. On
PostgreSQL (when a server is reachable, as for the cross-engine test) the same data is built in three
batches (the late re-deliveries with the null-`_loaded_at` rows, then a batch of duplicates only);
every raw row is accounted for after each, and the marts and the changed-entity models equal (a)'s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import PROJECT_DIR
from harness import DbtResult, connect, fetch_one, nodes_that_ran, package_schemas, run_dbt, write_raw_tables
from spark_harness import (
    export_spark_tables,
    load_raw_into_spark,
    postgres_skip_reason,
    run_dbt_on,
    spark_env,
    spark_skip_reason,
)
from table_compare import compare_tables, read_duckdb

GENERATOR = PROJECT_DIR / "scripts" / "generate_demo_data.py"
MARTS = sorted(path.stem for path in (PROJECT_DIR / "models" / "marts").rglob("*.sql"))
# event-grain models that recompute only the changed entities
CHANGED_ENTITY_MODELS = sorted(
    path.stem for path in (PROJECT_DIR / "models" / "intermediate").rglob("*.sql")
    if "changed_keys_cte" in path.read_text()
)
RUN = ["build", "--exclude", "test_type:data", "test_type:unit"]  # seeds and models: values are what matter here
LATE = "{late}"

# A production deployment whose next one of its service, a success, finished in a later month: the
# pair a cross-month recovery is built from (from March on, where no other late change lands; no
# change shipped by both; rows loaded before the late changes, so the pair stays the same while they
# are applied).
CROSS_MONTH_RECOVERY = f"""
    select deployment_id, next_id
    from (
        select
            deployment_id,
            finished_at,
            lead(deployment_id) over by_service as next_id,
            lead(status) over by_service as next_status,
            lead(finished_at) over by_service as next_finished_at
        from raw.deployments
        where environment = 'production' and status != 'cancelled' and not coalesce(is_rollback, false)
            and _loaded_at < {LATE}
        window by_service as (partition by service_id order by finished_at, deployment_id)
    ) as ordered
    where next_status = 'success' and date_trunc('month', next_finished_at) != date_trunc('month', finished_at)
        and finished_at >= timestamp '2025-03-01'
        -- no change shipped by both (it would reach the failed deployment through its changes)
        and not exists (
            select 1 from raw.deployment_changes as failed_link
            inner join raw.deployment_changes as next_link on failed_link.change_id = next_link.change_id
            where failed_link.deployment_id = ordered.deployment_id and next_link.deployment_id = ordered.next_id)
    order by deployment_id
    limit 1"""

# Late changes to the raw data, applied to the source once; both builds see the same final data.
REDELIVERIES = [
    # three successful production deployments re-delivered as failed
    f"""insert into raw.deployments select * replace ('failed' as status, {LATE} as _loaded_at)
        from raw.deployments where deployment_id in (
            select deployment_id from raw.deployments
            where environment = 'production' and status = 'success' order by deployment_id limit 3)""",
    # two requests re-delivered with their cost doubled
    f"""insert into raw.llm_requests select * replace (cost_usd * 2 as cost_usd, {LATE} + interval 1 hour as _loaded_at)
        from raw.llm_requests where request_id in (
            select request_id from raw.llm_requests where cost_usd > 0 order by request_id limit 2)""",
    # a request that has chunks and evaluations moves to an unknown team: rejected, its children orphans
    f"""insert into raw.llm_requests select * replace ('no_such_team' as team_id, {LATE} + interval 2 hour as _loaded_at)
        from raw.llm_requests where request_id in (
            select request_id from raw.llm_request_chunks
            intersect select request_id from raw.llm_evaluations order by 1 limit 1)""",
    # the first ownership interval of a service is handed to another team
    f"""insert into raw.service_ownership select * replace (
            (select min(team_id) from raw.teams where team_id != o.team_id) as team_id,
            {LATE} + interval 3 hour as _loaded_at)
        from raw.service_ownership as o where (service_id, valid_from) in (
            select service_id, valid_from from raw.service_ownership order by service_id, valid_from limit 1)""",
    # a team re-delivered unchanged
    f"""insert into raw.teams select * replace ({LATE} + interval 4 hour as _loaded_at)
        from raw.teams where team_id in (select min(team_id) from raw.teams)""",
    # a request of a multi-request trace moves to a trace of its own: both traces change
    f"""insert into raw.llm_requests select * replace ('moved-trace' as trace_id, {LATE} + interval 7 hour as _loaded_at)
        from raw.llm_requests where request_id in (
            select min(request_id) from raw.llm_requests where trace_id in (
                select trace_id from raw.llm_requests where environment = 'production'
                group by trace_id having count(*) > 2 order by trace_id limit 1))""",
    # a question learns one more relevant chunk: the recall of every answer to it changes
    f"""insert into raw.rag_eval_cases select * replace ('late-chunk' as chunk_id, {LATE} + interval 8 hour as _loaded_at)
        from raw.rag_eval_cases where (case_id, chunk_id) in (
            select case_id, min(chunk_id) from raw.rag_eval_cases group by case_id order by case_id limit 1)""",
    # a production request with quality-suite evaluations moves to another feature: its request,
    # query and evaluation usage groups (fct_llm_usage) move with it
    f"""insert into raw.llm_requests select * replace ('moved-feature' as feature_name, {LATE} + interval 9 hour as _loaded_at)
        from raw.llm_requests where request_id in (
            select min(r.request_id) from raw.llm_requests as r inner join raw.llm_evaluations as e using (request_id)
            where r.environment = 'production' and e.suite in ('production_sample', 'human_review'))""",
    # a hallucination verdict re-delivered a month later, and that of the moved request: each moves
    # to another period (under its request's ids, old and new)
    f"""insert into raw.llm_evaluations select * replace (evaluated_at + interval 31 day as evaluated_at,
            {LATE} + interval 10 hour as _loaded_at)
        from raw.llm_evaluations where evaluation_id in (
            select min(evaluation_id) from raw.llm_evaluations
            where suite = 'production_sample' and evaluation_name = 'hallucination' and request_id is not null
            union all
            select min(evaluation_id) from raw.llm_evaluations
            where evaluation_name = 'hallucination' and suite in ('production_sample', 'human_review')
                and request_id in (select request_id from raw.llm_requests where feature_name = 'moved-feature'))""",
    # an incident that failed a deployment re-delivered as caused by a production deployment of
    # another month and resolved a day later: the cells of both deployments and both resolutions
    # change (fct_change_delivery recomputes only the team × periods a batch touches)
    f"""insert into raw.incidents select * replace (
            (select min(deployment_id) from raw.deployments
             where environment = 'production' and status = 'success'
                and finished_at between i.started_at + interval 40 day and i.started_at + interval 70 day)
                as caused_by_deployment_id,
            resolved_at + interval 1 day as resolved_at,
            {LATE} + interval 11 hour as _loaded_at)
        from raw.incidents as i where incident_id in (
            select min(incident_id) from raw.incidents where caused_by_deployment_id is not null and resolved_at is not null)""",
    # a deployment failed in place whose next success, in a later month, is re-delivered as failed:
    # the recovery of the failed deployment, a month before the re-delivered row, changes
    f"""update raw.deployments set status = 'failed'
        where deployment_id = (select deployment_id from ({CROSS_MONTH_RECOVERY}) as pair)""",
    f"""insert into raw.deployments select * replace ('failed' as status, {LATE} + interval 12 hour as _loaded_at)
        from raw.deployments where deployment_id = (select next_id from ({CROSS_MONTH_RECOVERY}) as pair)
        qualify row_number() over (order by _loaded_at desc nulls last) = 1""",
    # late-arriving events of early periods
    f"""update raw.product_events set _loaded_at = {LATE} + interval 5 hour
        where event_id in (select event_id from raw.product_events order by occurred_at, event_id limit 5)""",
    f"""update raw.llm_evaluations set _loaded_at = {LATE} + interval 6 hour
        where evaluation_id in (select evaluation_id from raw.llm_evaluations order by evaluated_at, evaluation_id limit 5)""",
]
# exact copies of early rows (they make up the duplicates-only batch)
DUPLICATE_TABLES = {"deployments": "deployment_id", "llm_requests": "request_id", "changes": "change_id"}


@dataclass(frozen=True)
class Source:
    """The final raw data, one table per contract table in schema raw of a DuckDB file."""

    path: Path
    tables: list[str]
    first_loaded: str
    last_loaded: str
    late: str  # the re-deliveries are loaded from here on


def make_source(work: Path, redeliveries: Sequence[str]) -> Source:
    """The small demo, the late re-deliveries (loaded from `late` on) and the duplicate copies."""
    path = work / "source.duckdb"
    subprocess.run([sys.executable, str(GENERATOR), "--duckdb", str(path), "--profile", "small"], check=True)
    with duckdb.connect(str(path)) as con:
        late = fetch_one(con, "select max(_loaded_at) + interval 30 day from raw.llm_requests")[0]
        for statement in redeliveries:
            changed = fetch_one(con, statement.replace("{late}", f"timestamp '{late}'"))[0]
            assert changed > 0, f"the late change changed no row: {statement}"
        con.execute("create schema dups")
        for table, key in DUPLICATE_TABLES.items():
            # a copy with the same _loaded_at and one with a null _loaded_at of the three earliest rows
            con.execute(
                f"""create table dups.{table} as
                select * from (select * from raw.{table} where _loaded_at is not null order by _loaded_at, {key} limit 3)
                union all
                select * replace (cast(null as timestamp) as _loaded_at)
                from (select * from raw.{table} where _loaded_at is not null order by _loaded_at, {key} limit 3)"""
            )
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]
        bounds = con.execute(
            " union all ".join(f"select min(_loaded_at), max(_loaded_at) from raw.{t}" for t in tables)
        ).fetchall()
    first = min(lo for lo, _ in bounds if lo is not None)
    last = max(hi for _, hi in bounds if hi is not None)
    return Source(path, tables, str(first), str(last), str(late))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    return make_source(tmp_path_factory.mktemp("incremental_source"), REDELIVERIES)


def copy_rows(target: Path, source: Source, predicate: str, with_duplicates: bool = False) -> None:
    """Append the source rows matching a predicate (over _loaded_at and _row_hash) to every raw table."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{source.path}' as src (read_only)")
        for table in source.tables:
            columns = [row[0] for row in con.execute(
                f"select column_name from information_schema.columns where table_schema = 'raw' and table_name = '{table}' "
                "and table_catalog = 'src' order by ordinal_position").fetchall()]
            column_list = ", ".join(f'"{c}"' for c in columns)
            con.execute(
                f"insert into raw.{table} ({column_list}) select {column_list} from ("
                f"select *, hash({column_list}) % 100 as _row_hash from src.raw.{table}) where {predicate}"
            )
            if with_duplicates and table in DUPLICATE_TABLES:
                con.execute(f"insert into raw.{table} ({column_list}) select {column_list} from src.dups.{table}")


def build_full(work: Path, source: Source) -> Path:
    db = work / "full.duckdb"
    write_raw_tables(db, {})
    copy_rows(db, source, "true", with_duplicates=True)
    result = run_dbt(RUN, db, work / "full")
    assert not result.failures(), result.failures()
    return db


@pytest.fixture(scope="module")
def full_build(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_full(tmp_path_factory.mktemp("incremental_full"), source)


def batch_predicates(source: Source, cuts: Sequence[float], delay_percent: int, null_batch: int) -> list[str]:
    """SQL predicates splitting every raw row into len(cuts) + 1 batches by _loaded_at; rows loaded
    in the 24 hours before a cut land in the next batch when their hash is below delay_percent (the
    lookback window, 48 hours, still covers them); rows with a null _loaded_at land in null_batch."""
    first, last = f"timestamp '{source.first_loaded}'", f"timestamp '{source.last_loaded}'"
    bounds = [f"({first} + ({last} - {first}) * {cut})" for cut in sorted(cuts)]
    edges = ["timestamp '1900-01-01'", *bounds, "timestamp '2999-01-01'"]
    predicates = []
    for i in range(len(edges) - 1):
        lower, upper = edges[i], edges[i + 1]

        def delayed(edge: str) -> str:
            return f"(_loaded_at >= {edge} - interval 24 hour and _row_hash < {delay_percent})"

        own = f"(_loaded_at >= {lower} and _loaded_at < {upper})"
        if i == len(edges) - 2:
            stays = own
        else:
            stays = f"({own} and not (_loaded_at < {upper} and {delayed(upper)}))"
        arrives_late = "false" if i == 0 else f"(_loaded_at < {lower} and {delayed(lower)})"
        null_rows = "(_loaded_at is null)" if i == null_batch else "false"
        predicates.append(f"({stays} or {arrives_late} or {null_rows})")
    return predicates


def assert_accounted(db: Path, source_tables: Sequence[str]) -> None:
    with connect(db) as con:
        for table in source_tables:
            raw = fetch_one(con, f"select count(*) from raw.{table}")[0]
            row = con.execute(
                "select raw_rows, staged_rows + rejected_rows + duplicate_rows from fct_raw_row_accounting "
                f"where source_table = '{table}'").fetchone()
            assert row == (raw, raw), (table, row, raw)


def assert_same_relations(expected_db: Path, relations: Sequence[str], label: str, actual: Path) -> None:
    """Every relation of the DuckDB full build `expected_db` equals the same relation in `actual`:
    a built DuckDB file, or a directory of parquet exports (<relation>/*.parquet, from Spark or
    PostgreSQL). `_batch_at` is not compared (table_compare.RUN_COLUMNS)."""
    problems = []
    exported = actual.is_dir()
    with connect(expected_db) as expected_con, (duckdb.connect() if exported else connect(actual)) as actual_con:
        for con in (expected_con, actual_con):
            con.execute("set TimeZone = 'UTC'")
        for relation in relations:
            source = f"read_parquet('{(actual / relation).as_posix()}/*.parquet')" if exported else relation
            diffs = compare_tables(read_duckdb(expected_con, relation), read_duckdb(actual_con, source), [], label)
            if diffs:
                problems.append(f"{relation}: {len(diffs)} difference(s), e.g. {diffs[:3]}")
    assert not problems, "\n".join(problems)


def test_batches_cover_every_row_exactly_once(source: Source) -> None:
    predicates = batch_predicates(source, [0.3, 0.6, 0.9], 50, 1)
    with duckdb.connect(str(source.path), read_only=True) as con:
        for table in source.tables:
            columns = ", ".join(f'"{r[0]}"' for r in con.execute(f"describe raw.{table}").fetchall())
            hashed = f"(select *, hash({columns}) % 100 as _row_hash from raw.{table})"
            total = fetch_one(con, f"select count(*) from raw.{table}")[0]
            per_batch = [fetch_one(con, f"select count(*) from {hashed} where {p}")[0] for p in predicates]
            assert sum(per_batch) == total, (table, per_batch, total)
    # rows delayed into the next batch exist (the lookback is exercised)
    with duckdb.connect(str(source.path), read_only=True) as con:
        columns = ", ".join(f'"{r[0]}"' for r in con.execute("describe raw.llm_requests").fetchall())
        hashed = f"(select *, hash({columns}) % 100 as _row_hash from raw.llm_requests)"
        cut = (
            f"(timestamp '{source.first_loaded}'"
            f" + (timestamp '{source.last_loaded}' - timestamp '{source.first_loaded}') * 0.6)"
        )
        late = fetch_one(con, f"select count(*) from {hashed} where _loaded_at < {cut} and {predicates[2]}")[0]
    assert late > 0


@settings(
    max_examples=3, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    cuts=st.lists(st.floats(min_value=0.2, max_value=0.97), min_size=1, max_size=3, unique=True),
    delay_percent=st.integers(min_value=0, max_value=60),
    null_batch=st.integers(min_value=0, max_value=3),
    duplicates_after=st.integers(min_value=0, max_value=3),
)
def test_incremental_batches_give_the_full_refresh_marts(
    source: Source, full_build: Path, tmp_path_factory: pytest.TempPathFactory,
    cuts: list[float], delay_percent: int, null_batch: int, duplicates_after: int,
) -> None:
    work = tmp_path_factory.mktemp("incremental_batches")
    db = work / "incremental.duckdb"
    write_raw_tables(db, {})
    predicates = batch_predicates(source, cuts, delay_percent, min(null_batch, len(cuts)))
    duplicates_at = min(duplicates_after, len(predicates) - 1)
    for i, predicate in enumerate(predicates):
        copy_rows(db, source, predicate)
        result = run_dbt(RUN, db, work / f"batch_{i}")
        assert not result.failures(), (i, result.failures())
        assert_accounted(db, source.tables)
        if i == duplicates_at:
            # a batch that only holds re-deliveries of rows already loaded
            with duckdb.connect(str(db)) as con:
                con.execute(f"attach '{source.path}' as src (read_only)")
                for table in DUPLICATE_TABLES:
                    con.execute(f"insert into raw.{table} select * from src.dups.{table}")
            result = run_dbt(RUN, db, work / f"duplicates_{i}")
            assert not result.failures(), result.failures()
            assert_accounted(db, source.tables)
    assert_same_relations(
        full_build, list(MARTS) + CHANGED_ENTITY_MODELS, f"incremental {sorted(cuts)} delay {delay_percent}%", db
    )


def test_a_late_change_recomputes_only_the_team_periods_it_touches(source: Source, tmp_path: Path) -> None:
    """fct_change_delivery recomputes only the team × periods a batch can have changed. The batch is
    two re-deliveries: the next success of a failed deployment, a month later, turned failed, and
    an incident blamed on a deployment of another month. The failed deployment's month must be
    recomputed (its recovery now waits for a later success) although no row of that month changed,
    and so must the months of the deployment the incident failed before and of the one it fails
    now. A third change, a product event moved to the month after the data's last, gives every
    team a quiet month on the spine: those cells come in although no input of the mart changed.
    The mart then equals a full refresh of the same data, and the other team × periods keep the
    rows of the run before."""
    db = tmp_path / "cells.duckdb"
    write_raw_tables(db, {})
    late = f"timestamp '{source.late}'"
    copy_rows(db, source, f"_loaded_at < {late} or _loaded_at is null")
    assert not run_dbt(RUN, db, tmp_path / "before").failures()
    copy_rows(db, source, f"_loaded_at in ({late} + interval 11 hour, {late} + interval 12 hour)")
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""insert into raw.product_events select * replace (
                    date_trunc('month', occurred_at) + interval 1 month + interval 1 day as occurred_at,
                    {late} + interval 13 hour as _loaded_at)
                from raw.product_events where _loaded_at is not null order by occurred_at desc limit 1""")
    assert not run_dbt(RUN, db, tmp_path / "after").failures()
    with connect(db) as con:
        failed_id, next_id = fetch_one(con, CROSS_MONTH_RECOVERY.replace(LATE, late))
        blamed_before, blamed_now = fetch_one(
            con,
            "select min(caused_by_deployment_id) filter (where _loaded_at < {late}), "
            "min(caused_by_deployment_id) filter (where _loaded_at > {late}) from raw.incidents "
            f"where incident_id in (select incident_id from raw.incidents where _loaded_at > {late})".replace("{late}", late))
        deployments = [failed_id, next_id, blamed_before, blamed_now]
        cell_of = {
            deployment_id: (team_id, str(period_start))
            for deployment_id, team_id, period_start in con.execute(
                "select deployment_id, team_id, period_start from int_deployments_classified "
                f"where deployment_id in ({', '.join(repr(d) for d in deployments)})").fetchall()
        }
        recomputed = {(team_id, str(period_start)) for team_id, period_start in con.execute(
            "select team_id, period_start from fct_change_delivery "
            "where _batch_at = (select max(_batch_at) from fct_change_delivery)").fetchall()}
        cells = fetch_one(con, "select count(*) from fct_change_delivery")[0]
        new_month = str(fetch_one(con, "select max(period_start) from int_team_periods")[0])
        new_cells = {(team_id, new_month) for (team_id,) in con.execute(
            "select distinct team_id from int_team_periods").fetchall()}
    assert len(set(deployments)) == 4 and len(cell_of) == 4 and cell_of[failed_id] != cell_of[next_id]
    assert new_month not in {period for _, period in cell_of.values()}
    assert set(cell_of.values()) | new_cells <= recomputed, (cell_of, new_cells, recomputed)
    assert len(recomputed - new_cells) * 10 < cells, (len(recomputed), cells)
    refreshed = tmp_path / "refreshed.duckdb"
    shutil.copyfile(db, refreshed)
    assert not run_dbt([*RUN, "--full-refresh"], refreshed, tmp_path / "refreshed").failures()
    assert_same_relations(refreshed, ["fct_change_delivery"], "one late re-delivery", db)


# fct_governance_ethics: a production trace of one team with two or more requests (the first two in
# one period); its second request moves to another team before the first build, so the query's
# first request and its second one count in different cells
CROSS_TEAM_TRACE = """
    select trace_id, first_id, second_id
    from (
        select
            trace_id,
            request_id as first_id,
            lead(request_id) over by_trace as second_id,
            date_trunc('month', started_at) = date_trunc('month', lead(started_at) over by_trace) as same_month,
            row_number() over by_trace as position
        from raw.llm_requests
        where trace_id in (
            select trace_id from raw.llm_requests
            where environment = 'production' and trace_id is not null
            group by trace_id having count(*) > 1 and count(distinct request_id) = count(*)
                and count(distinct team_id) = 1 and bool_and(environment = 'production'))
        window by_trace as (partition by trace_id order by started_at, request_id)
    ) as ordered
    where position = 1 and same_month
    order by trace_id
    limit 1"""

# ... and a quality-suite hallucination verdict of a production request of another trace, delivered
# once, moved 40 days after its request (another period) and without a team of its own (it counts
# under its request's), early enough to be loaded before the late batch
EVALUATION_OF_ANOTHER_MONTH = """
    select e.evaluation_id, e.request_id
    from raw.llm_evaluations as e
    inner join raw.llm_requests as r on e.request_id = r.request_id
    where e.suite = 'production_sample' and e.evaluation_name = 'hallucination' and r.environment = 'production'
        and r.trace_id is distinct from $trace_id
        and e.evaluation_id in (select evaluation_id from raw.llm_evaluations group by 1 having count(*) = 1)
        and e.request_id in (select request_id from raw.llm_requests group by 1 having count(*) = 1)
        and e.evaluated_at < (select min(started_at) + interval 90 day from raw.llm_requests)
    order by e.evaluation_id
    limit 1"""


def recomputed_cells(con: duckdb.DuckDBPyConnection, mart: str) -> set[tuple[str, str]]:
    """The team × periods the last run of a mart recomputed (its newest _batch_at)."""
    return {(team_id, str(period_start)) for team_id, period_start in con.execute(
        f"select team_id, period_start from {mart} where _batch_at = (select max(_batch_at) from {mart})").fetchall()}


def refreshed_copy(db: Path, work: Path, dbt_vars: Mapping[str, object] | None = None) -> Path:
    """A full refresh of a copy of the same raw data."""
    work.mkdir()
    refreshed = work / "refreshed.duckdb"
    shutil.copyfile(db, refreshed)
    assert not run_dbt([*RUN, "--full-refresh"], refreshed, work, dbt_vars=dbt_vars).failures()
    return refreshed


def test_governance_recomputes_the_team_periods_a_query_evaluation_or_audit_moves(
    source: Source, tmp_path: Path,
) -> None:
    """fct_governance_ethics recomputes only the team × periods a batch can have changed, including
    those no changed row lies in. The batch: (1) the second request of a query, of another team, is
    re-delivered a second before the first: the query leaves the first request's team, whose row
    did not change;
    (2) a request whose hallucination verdict came 40 days later moves to another team: the verdict
    leaves the old team's later period; (3) a team's latest bias audit is re-delivered 60 days
    earlier: days since the audit changes in every later period of that team. Those cells are
    recomputed, fewer than a third of all are, and the mart equals a full refresh. A later run with
    another `ai_maturity__explainability_sla_days` and no new data recomputes the cells whose
    fulfilment rate changes and again equals a full refresh (the record tables' metrics are
    compared with the stored ones)."""
    db = tmp_path / "governance.duckdb"
    write_raw_tables(db, {})
    late = f"timestamp '{source.late}'"
    copy_rows(db, source, f"_loaded_at < {late} or _loaded_at is null")
    with duckdb.connect(str(db)) as con:
        trace_id, first_id, second_id = fetch_one(con, CROSS_TEAM_TRACE)
        evaluation_id, evaluated_id = fetch_one(con, EVALUATION_OF_ANOTHER_MONTH, {"trace_id": trace_id})
        con.execute(
            """update raw.llm_requests set team_id = (
                select min(team_id) from raw.teams where team_id != llm_requests.team_id)
            where request_id = ?""", [second_id])
        con.execute(
            """update raw.llm_evaluations set evaluated_at = evaluated_at + interval 40 day,
                _loaded_at = evaluated_at + interval 40 day + interval 1 hour, team_id = null
            where evaluation_id = ?""", [evaluation_id])
    assert not run_dbt(RUN, db, tmp_path / "before").failures()
    with connect(db) as con:
        cell_of = {
            request_id: (team_id, str(period_start))
            for request_id, team_id, period_start in con.execute(
                "select request_id, team_id, period_start from int_llm_requests_measured "
                "where request_id in (?, ?, ?)", [first_id, second_id, evaluated_id]).fetchall()
        }
        evaluation_cell = fetch_one(
            con, "select team_id, cast(period_start as varchar) from int_llm_evaluations_attributed where evaluation_id = ?",
            [evaluation_id])
        audit_team, = fetch_one(
            con, "select team_id from int_bias_audits_remediated group by 1 order by count(*), 1 limit 1")
        last_period, = fetch_one(con, "select max(period_start) from int_team_periods where team_id = ?", [audit_team])
        last_cell = (audit_team, str(last_period))
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""insert into raw.llm_requests select * replace (
                (select started_at - interval 1 second from raw.llm_requests where request_id = $first_id) as started_at,
                {late} as _loaded_at)
            from raw.llm_requests where request_id = $second_id""", {"first_id": first_id, "second_id": second_id})
        con.execute(
            f"""insert into raw.llm_requests select * replace (
                (select min(team_id) from raw.teams where team_id != r.team_id) as team_id,
                {late} + interval 1 hour as _loaded_at)
            from raw.llm_requests as r where request_id = ?""", [evaluated_id])
        con.execute(
            f"""insert into raw.bias_audits select * replace (
                audited_at - interval 60 day as audited_at, {late} + interval 2 hour as _loaded_at)
            from raw.bias_audits where team_id = ? order by audited_at desc, audit_id limit 1""", [audit_team])
    assert not run_dbt(RUN, db, tmp_path / "after").failures()
    with connect(db) as con:
        recomputed = recomputed_cells(con, "fct_governance_ethics")
        cells = fetch_one(con, "select count(*) from fct_governance_ethics")[0]
    # the query's second request is of another team; the verdict is of another period than its request
    assert cell_of[first_id][0] != cell_of[second_id][0] and cell_of[first_id][1] == cell_of[second_id][1]
    assert evaluation_cell[1] != cell_of[evaluated_id][1] and evaluation_cell[0] == cell_of[evaluated_id][0]
    with connect(db) as con:
        second_period, = fetch_one(
            con, "select cast(period_start as varchar) from int_llm_requests_measured where request_id = ?", [second_id])
    assert second_period == cell_of[second_id][1]
    required = {cell_of[first_id], evaluation_cell, last_cell}
    assert required <= recomputed, (required, recomputed)
    assert len(recomputed) * 3 < cells, (len(recomputed), cells)
    assert_same_relations(
        refreshed_copy(db, tmp_path / "refreshed"), ["fct_governance_ethics"], "one late batch", db)

    sla = {"ai_maturity__explainability_sla_days": 1}
    with connect(db) as con:
        rates_before = dict(con.execute(
            "select team_id || ' ' || period_start, explainability_fulfilment_rate from fct_governance_ethics").fetchall())
    assert not run_dbt(RUN, db, tmp_path / "sla", dbt_vars=sla).failures()
    with connect(db) as con:
        recomputed = recomputed_cells(con, "fct_governance_ethics")
        moved = {tuple(key.split(" ")) for key, rate in con.execute(
            "select team_id || ' ' || period_start, explainability_fulfilment_rate from fct_governance_ethics").fetchall()
            if rate != rates_before[key]}
    assert moved and moved <= recomputed, (moved, recomputed)
    assert_same_relations(
        refreshed_copy(db, tmp_path / "refreshed_sla", sla), ["fct_governance_ethics"], "a changed SLA", db)


# optional tables the incremental LLM and governance marts read, switched off and absent below
SWITCHED_OFF = ("llm_evaluations", "llm_request_chunks", "rag_eval_cases", "bias_audits", "explainability_requests",
                "model_documentation")


def test_incremental_run_with_optional_tables_switched_off_gives_the_full_refresh_marts(
    source: Source, tmp_path: Path,
) -> None:
    """Optional tables switched off (`ai_maturity__<table>_enabled: false`) and absent from the
    warehouse: two batches (the late re-deliveries second) build, the incremental marts recompute
    only some of their team × periods, and every mart equals a full refresh of the same data."""
    db = tmp_path / "switched_off.duckdb"
    write_raw_tables(db, {})
    kept = replace(source, tables=[table for table in source.tables if table not in SWITCHED_OFF])
    with duckdb.connect(str(db)) as con:
        for table in SWITCHED_OFF:
            con.execute(f"drop table raw.{table}")
    dbt_vars = {f"ai_maturity__{table}_enabled": False for table in SWITCHED_OFF}
    late = f"timestamp '{source.late}'"
    copy_rows(db, kept, f"_loaded_at < {late} or _loaded_at is null")
    assert not run_dbt(RUN, db, tmp_path / "first", dbt_vars=dbt_vars).failures()
    copy_rows(db, kept, f"_loaded_at >= {late}")
    assert not run_dbt(RUN, db, tmp_path / "late", dbt_vars=dbt_vars).failures()
    assert_accounted(db, kept.tables)
    with connect(db) as con:
        for mart in ("fct_change_delivery", "fct_governance_ethics"):
            cells = fetch_one(con, f"select count(*) from {mart}")[0]
            assert 0 < len(recomputed_cells(con, mart)) < cells, mart
    assert_same_relations(
        refreshed_copy(db, tmp_path / "refreshed", dbt_vars), MARTS, "optional tables switched off", db)


def test_only_large_delete_insert_tables_are_checkpointed_to_free_their_deleted_rows(
        full_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB keeps the versions of deleted rows pinned in memory until a checkpoint no transaction
    overlaps (macros/cross_db/release_deleted_rows.sql; at scale 10 they filled the memory limit):
    an incremental run forces one after every delete+insert model whose table holds at least var
    ai_maturity__checkpoint_min_rows rows and after nothing else, and a full refresh, which deletes
    nothing, after none."""
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")  # the project logs at info; the statements are at debug
    db = tmp_path / "rerun.duckdb"
    shutil.copyfile(full_build, db)
    with duckdb.connect(str(db), read_only=True) as con:
        sizes = sorted({rows for (rows,) in con.execute("select estimated_size from duckdb_tables()").fetchall()})
    # a threshold among the table sizes: some delete+insert tables are checkpointed, some not (below)
    threshold = sizes[len(sizes) // 2]
    result = run_dbt([*RUN, "--vars", json.dumps({"ai_maturity__checkpoint_min_rows": threshold})],
                     db, tmp_path / "incremental")
    assert not result.failures(), result.failures()
    manifest = json.loads((tmp_path / "incremental" / "target" / "manifest.json").read_text())
    delete_insert = {
        node_id for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
        and node["config"].get("incremental_strategy") == "delete+insert"
    }
    for name in ("base_ai_maturity_raw__llm_requests", "int_llm_traces_costed", "fct_llm_usage", "fct_quarantined_rows"):
        assert f"model.ai_maturity.{name}" in delete_insert, name
    with duckdb.connect(str(db), read_only=True) as con:
        rows = {
            node_id: fetch_one(
                con, f'select count(*) from "{manifest["nodes"][node_id]["schema"]}"."{manifest["nodes"][node_id]["alias"]}"'
            )[0]
            for node_id in delete_insert
        }
    large = {node_id for node_id, count in rows.items() if count >= threshold}
    assert large and large != delete_insert, (threshold, rows)
    assert nodes_that_ran(tmp_path / "incremental" / "logs", "force checkpoint") == large
    refreshed = run_dbt(["run", "--full-refresh", "-s", "base_ai_maturity_raw__llm_requests",
                         "--vars", json.dumps({"ai_maturity__checkpoint_min_rows": 0})], db, tmp_path / "refresh")
    assert not refreshed.failures(), refreshed.failures()
    assert nodes_that_ran(tmp_path / "refresh" / "logs", "force checkpoint") == set()


# --- Spark: one split ----------------------------------------------------------------------------
# With var ai_maturity__spark_incremental_base_tables, Spark's base tables are partitioned by the
# load month of a key group and a run overwrites the partitions holding a group it re-validates. A
# re-delivered team or service ownership re-validates every event that references any group of its
# partition (usually all of them), so this split re-delivers events only: the second run must then
# rewrite exactly the partitions of the groups it re-delivers and keep every other partition as the
# first run wrote it.

ROSTER_TABLES = ("teams", "service_ownership")
EVENT_REDELIVERIES = [s for s in REDELIVERIES if not any(f"into raw.{t} " in s for t in ROSTER_TABLES)]
SPARK_SCHEMA = "main"
SPARK_BASE = "base_ai_maturity_raw__llm_requests"
SPARK_VARS = {"ai_maturity__spark_incremental_base_tables": True}


@dataclass(frozen=True)
class SparkSplit:
    """An event-only variant of the source, built on DuckDB in one full refresh and on Spark in two
    batches (everything loaded before `late`, then the re-deliveries and duplicate copies)."""

    source: Source
    full_build: Path
    spark_builds: list[DbtResult]
    exported: Path
    work: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def spark_split(tmp_path_factory: pytest.TempPathFactory) -> SparkSplit:
    reason = spark_skip_reason()
    if reason:
        pytest.skip(reason)
    assert len(EVENT_REDELIVERIES) == len(REDELIVERIES) - len(ROSTER_TABLES)
    work = tmp_path_factory.mktemp("spark_split")
    split_source = make_source(work, EVENT_REDELIVERIES)
    full = build_full(work, split_source)
    spark_dir = work / "spark"
    env = {**spark_env(spark_dir), "AI_MATURITY_SPARK_SCHEMA": SPARK_SCHEMA}
    raw = work / "batches.duckdb"
    write_raw_tables(raw, {})
    late = f"timestamp '{split_source.late}'"
    builds = []
    for number, predicate in enumerate([f"(_loaded_at < {late} or _loaded_at is null)", f"_loaded_at >= {late}"]):
        copy_rows(raw, split_source, predicate, with_duplicates=number == 1)
        loaded = load_raw_into_spark(raw, spark_dir)
        assert loaded.returncode == 0, loaded.stdout[-3000:] + loaded.stderr[-3000:]
        build, _ = run_dbt_on("spark", RUN, work / f"spark_batch_{number}", env, dbt_vars=SPARK_VARS)
        assert not build.failures(), (number, build.failures())
        builds.append(build)
    exported = work / "exported"
    schemas = package_schemas(SPARK_SCHEMA)
    for schema, tables in [(schemas["marts"], MARTS), (schemas["staging"], [SPARK_BASE])]:
        done = export_spark_tables(spark_dir, schema, tables, exported)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return SparkSplit(split_source, full, builds, exported, work, env)


@pytest.mark.spark
def test_spark_incremental_batch_gives_the_full_refresh_marts(spark_split: SparkSplit) -> None:
    assert_same_relations(spark_split.full_build, list(MARTS), "spark, two batches", spark_split.exported)


@pytest.mark.spark
def test_spark_incremental_batch_overwrites_only_the_partitions_it_touches(spark_split: SparkSplit) -> None:
    """Each load-month partition of the base table was written whole by one run; the second run
    wrote exactly the months in which the requests it re-delivers were first loaded."""
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{spark_split.source.path}' as src (read_only)")
        written = con.execute(f"""
            select _batch_partition, count(distinct _batch_at), max(_batch_at)
            from read_parquet('{(spark_split.exported / SPARK_BASE).as_posix()}/*.parquet')
            group by _batch_partition order by _batch_partition""").fetchall()
        # independently: the first-load month of every request that has a row in the second batch
        redelivered_months = {row[0] for row in con.execute(f"""
            with requests as (
                select * from src.raw.llm_requests
                union all select * from src.dups.llm_requests
            )
            select coalesce(year(min(_loaded_at)) * 100 + month(min(_loaded_at)), 0)
            from requests
            group by request_id
            having count(*) filter (where _loaded_at >= timestamp '{spark_split.source.late}') > 0
                or request_id in (select request_id from src.dups.llm_requests)""").fetchall()}
    assert all(runs == 1 for _, runs, _ in written), written
    runs = sorted({batch_at for _, _, batch_at in written})
    assert len(runs) == 2, runs
    rewritten = {partition for partition, _, batch_at in written if batch_at == runs[1]}
    kept = {partition for partition, _, batch_at in written if batch_at == runs[0]}
    assert rewritten == redelivered_months, (rewritten, redelivered_months)
    assert len(kept) >= 6, kept


@pytest.mark.spark
def test_spark_incremental_run_with_a_changed_setting_stops(spark_split: SparkSplit) -> None:
    """The settings guard works on Spark too (the stamp is a table property there)."""
    changed, _ = run_dbt_on("spark", ["run", "-s", "base_ai_maturity_raw__teams"], spark_split.work / "changed_setting",
                            spark_split.env, dbt_vars={**SPARK_VARS, "ai_maturity__clock_skew_hours": 1})
    assert changed.returncode != 0
    assert ('ai_maturity: base_ai_maturity_raw__teams was built with ai_maturity__clock_skew_hours = "24", '
            'this run has "1"') in changed.output, changed.output[-3000:]


# PostgreSQL runs the DuckDB path's delete+insert, but through the default__ dispatch macros (no
# group_head_filter, no checkpoint): its own split, in its own schemas so the cross-engine test's
# tables are left alone.
PG_SCHEMA = "incremental_split"
PG_RAW_SCHEMA = "raw_incremental_split"
# with the data tests: on an incremental run the large tables' tests read only the batch
# (macros/generic_tests/tested_rows.sql), a path PostgreSQL takes through its own macros
PG_RUN = ["build", "--exclude", "test_type:unit"]


@dataclass(frozen=True)
class PostgresSplit:
    """The source built on PostgreSQL in three batches; its marts and changed-entity models exported."""

    builds: list[DbtResult]
    accounting: list[dict[str, tuple[int, int]]]  # per batch: table -> (raw rows, staged + rejected + duplicates)
    exported: Path
    never_analyzed: list[str]  # package tables without a manual `analyze` after the first (full) build


def postgres_accounting(settings: dict[str, str]) -> dict[str, tuple[int, int]]:
    import postgres_load_raw

    marts = package_schemas(PG_SCHEMA)["marts"]
    with postgres_load_raw.connect(settings) as con:
        cursor = con.cursor()
        cursor.execute(
            f'select source_table, raw_rows, staged_rows + rejected_rows + duplicate_rows from "{marts}".fct_raw_row_accounting')
        accounted = {table: (int(raw), int(total)) for table, raw, total in cursor.fetchall()}
        counted = {}
        for table in accounted:
            cursor.execute(f'select count(*) from "{PG_RAW_SCHEMA}"."{table}"')
            counted[table] = int(cursor.fetchone()[0])
    return {table: (counted[table], total) for table, (_, total) in accounted.items()} | {
        f"{table} (mart raw_rows)": (counted[table], raw) for table, (raw, _) in accounted.items()}


@pytest.fixture(scope="module")
def postgres_split(source: Source, tmp_path_factory: pytest.TempPathFactory) -> PostgresSplit:
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    import postgres_load_raw

    settings = {**postgres_load_raw.settings_from_env(), "schema": PG_SCHEMA}
    with postgres_load_raw.connect(settings) as con:  # a rerun starts from a full refresh
        cursor = con.cursor()
        for schema in [*set(package_schemas(PG_SCHEMA).values()), PG_RAW_SCHEMA]:
            cursor.execute(f'drop schema if exists "{schema}" cascade')
    work = tmp_path_factory.mktemp("postgres_split")
    env = {**os.environ, "PGTZ": "UTC", "AI_MATURITY_PG_SCHEMA": PG_SCHEMA}
    raw = work / "batches.duckdb"
    write_raw_tables(raw, {})
    late = f"timestamp '{source.late}'"
    builds, accounting = [], []
    for number, predicate in enumerate([f"_loaded_at < {late}", f"(_loaded_at >= {late} or _loaded_at is null)", None]):
        if predicate is None:  # a batch that only holds re-deliveries of rows already loaded
            with duckdb.connect(str(raw)) as con:
                con.execute(f"attach '{source.path}' as src (read_only)")
                for table in DUPLICATE_TABLES:
                    con.execute(f"insert into raw.{table} select * from src.dups.{table}")
        else:
            copy_rows(raw, source, predicate)
        postgres_load_raw.load_from_duckdb(raw, settings, target_schema=PG_RAW_SCHEMA)
        build, _ = run_dbt_on("postgres", PG_RUN, work / f"batch_{number}", env,
                              dbt_vars={"ai_maturity__raw_schema": PG_RAW_SCHEMA})
        assert not build.failures(), (number, build.failures())
        builds.append(build)
        accounting.append(postgres_accounting(settings))
        if number == 0:
            never_analyzed = postgres_tables_never_analyzed(settings)
    exported = work / "exported"
    schemas = package_schemas(PG_SCHEMA)
    postgres_load_raw.export_tables(settings, schemas["marts"], MARTS, exported)
    postgres_load_raw.export_tables(settings, schemas["intermediate"], CHANGED_ENTITY_MODELS, exported)
    return PostgresSplit(builds, accounting, exported, never_analyzed)


def postgres_tables_never_analyzed(settings: dict[str, str]) -> list[str]:
    """The package's tables with no manual ANALYZE (`last_analyze`; autovacuum sets `last_autoanalyze`).
    Before PostgreSQL 15 the statistics collector reports with a delay: asked again for up to 10 s."""
    import postgres_load_raw

    schemas = sorted(set(package_schemas(PG_SCHEMA).values()))
    for _ in range(10):
        with postgres_load_raw.connect(settings) as con:
            cursor = con.cursor()
            cursor.execute("select schemaname || '.' || relname, last_analyze from pg_stat_user_tables "
                           "where schemaname = any(%s)", [schemas])
            tables = cursor.fetchall()
        assert len(tables) > 50, tables
        never = sorted(name for name, analyzed in tables if analyzed is None)
        if not never:
            break
        time.sleep(1)
    return never


def test_postgres_build_analyzes_every_table_it_writes(postgres_split: PostgresSplit) -> None:
    """Fresh tables have no planner statistics until autovacuum gets to them; the post-hook analyzes
    each one before the next model plans a join on it (macros/cross_db/planner_statistics.sql)."""
    assert postgres_split.never_analyzed == []


def test_postgres_incremental_batches_account_for_every_raw_row(postgres_split: PostgresSplit, source: Source) -> None:
    assert len(postgres_split.accounting) == 3
    for batch, accounted in enumerate(postgres_split.accounting):
        assert {table for table in accounted if " " not in table} == set(source.tables), batch
        wrong = {table: counts for table, counts in accounted.items() if counts[0] != counts[1]}
        assert not wrong, (batch, wrong)


def test_postgres_incremental_batches_give_the_full_refresh_marts(postgres_split: PostgresSplit, full_build: Path) -> None:
    # the later batches really were incremental: the base table inserted its batch (a full build's
    # last statement is a `create table … as`, PostgreSQL's status `SELECT n`)
    for number, build in enumerate(postgres_split.builds):
        base = next(r for r in build.run_results["results"]
                    if r["unique_id"] == "model.ai_maturity.base_ai_maturity_raw__llm_requests")
        assert base["adapter_response"]["code"] == ("SELECT" if number == 0 else "INSERT"), (number, base["adapter_response"])
    assert_same_relations(full_build, list(MARTS) + CHANGED_ENTITY_MODELS, "postgres, three batches", postgres_split.exported)

"""Data tests on the large incremental relations check what the last batch could have changed.

`ai_maturity.tested_rows` (macros/generic_tests/tested_rows.sql) gives `column_checks` (every check
but a relationship without `batch: true`) the rows of the newest `_batch_at` of an incremental model,
and, for a staging view over an incremental base table, the rows whose key group
that table re-validated last; a full build has one batch, so every row is read. Shown here by
spoiling validated rows behind dbt's back (a null `feature_name`, which validation never lets
through; a request removed from under its trace or its chunk) and counting what the compiled test sees against
an independent count of the spoiled rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from harness import DbtResult, query, run_dbt, write_raw_tables

SELECT = ["-s", "+int_llm_requests_measured"]
BASE = "main_ai_maturity_staging.base_ai_maturity_raw__llm_requests"
STG = "main_ai_maturity_staging.stg_ai_maturity_raw__llm_requests"
INT = "main_ai_maturity_intermediate.int_llm_requests_measured"
STG_TEST = "ai_maturity_column_checks_stg_ai_maturity_raw__llm_requests_"
INT_TEST = "ai_maturity_column_checks_int_llm_requests_measured_"


def request(request_id: str, started_at: str, loaded_at: str) -> dict[str, Any]:
    return {
        "request_id": request_id, "team_id": "ml", "feature_name": "assist", "environment": "production",
        "provider_name": "openai", "request_model": "gpt-4o", "prompt_hash": "p1",
        "started_at": started_at, "ended_at": started_at, "input_tokens": 10, "output_tokens": 10,
        "cost_usd": 0.01, "status": "ok", "_loaded_at": loaded_at,
    }


def build(db_path: Path, work_dir: Path, *extra: str) -> DbtResult:
    result = run_dbt(["build", *SELECT, "--indirect-selection", "cautious", "--exclude", "test_type:unit", *extra],
                     db_path, work_dir)
    return result


def spoil(db_path: Path, request_ids: list[str]) -> None:
    """Null the requests' feature_name in the base table (the stg view shows it) and in the
    event-grain model."""
    with duckdb.connect(str(db_path)) as con:
        placeholders = ", ".join("?" for _ in request_ids)
        for relation in (BASE, INT):
            con.execute(f"update {relation} set feature_name = null where request_id in ({placeholders})", request_ids)


def spoiled(db_path: Path, relation: str) -> int:
    """Independent count of the rows with a null feature_name."""
    return int(query(db_path, f"select count(*) as n from {relation} where feature_name is null")[0]["n"])


def node_result(result: DbtResult, name: str) -> dict[str, Any]:
    matches = [item for item in result.run_results["results"] if item["unique_id"].split(".")[2].startswith(name)]
    assert len(matches) == 1, [item["unique_id"] for item in result.run_results["results"]]
    return matches[0]


def failing_rows(db_path: Path, work_dir: Path, test_name: str, column: str) -> int:
    """failing_rows of a column_checks test's checks on a column, run from its compiled SQL."""
    compiled = next((work_dir / "target" / "compiled").rglob(f"{test_name}*.sql")).read_text()
    rows = query(db_path, compiled)
    return sum(row["failing_rows"] for row in rows if row["column_name"] == column)


def failing_feature_names(db_path: Path, work_dir: Path, test_name: str) -> int:
    """failing_rows of a column_checks test's not_null check on feature_name."""
    return failing_rows(db_path, work_dir, test_name, "feature_name")


def write_two_requests(db_path: Path) -> None:
    """The raw tables of the first load: team ml with requests q1 and q2."""
    write_raw_tables(db_path, {
        "teams": [{"team_id": "ml", "team_name": "ML"}],
        "llm_requests": [
            request("q1", "2025-01-10 10:00:00", "2025-03-01 00:00:00"),
            request("q2", "2025-01-11 10:00:00", "2025-03-01 00:00:00"),
        ],
    })


@pytest.fixture()
def warehouse(tmp_path: Path) -> tuple[Path, Path]:
    db_path = tmp_path / "warehouse.duckdb"
    write_two_requests(db_path)
    first = build(db_path, tmp_path)
    assert not first.failures(), first.failures()
    return db_path, tmp_path


def insert_raw(db_path: Path, table: str, row: dict[str, Any]) -> None:
    """One more raw row, as a loader appends it."""
    with duckdb.connect(str(db_path)) as con:
        names = list(row)
        con.execute(
            f"insert into raw.{table} ({', '.join(names)}) values ({', '.join('?' for _ in names)})",
            [row[name] for name in names],
        )


def append_request(db_path: Path, request_id: str) -> None:
    """A new request loaded five days after the first two (outside the 48 h lookback)."""
    insert_raw(db_path, "llm_requests", request(request_id, "2025-03-05 10:00:00", "2025-03-06 00:00:00"))


def test_an_incremental_run_checks_its_own_batch_only(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    spoil(db_path, ["q1"])  # an old batch's row, spoiled after its run checked it
    append_request(db_path, "q3")
    second = build(db_path, work_dir)
    assert not second.failures(), second.failures()
    batches = query(db_path, f"select request_id, _batch_at from {BASE} order by request_id")
    assert batches[0]["_batch_at"] == batches[1]["_batch_at"] < batches[2]["_batch_at"]  # q3 alone is new
    for relation, test_name in ((STG, STG_TEST), (INT, INT_TEST)):
        assert node_result(second, test_name)["status"] == "pass"
        assert spoiled(db_path, relation) == 1  # q1 is still spoiled; the scoped test does not read it
        assert failing_feature_names(db_path, work_dir, test_name) == 0
    spoil(db_path, ["q3"])  # now a row of the newest batch
    for relation, test_name in ((STG, STG_TEST), (INT, INT_TEST)):
        assert spoiled(db_path, relation) == 2
        assert failing_feature_names(db_path, work_dir, test_name) == 1
    rerun = run_dbt(["test", "-s", "stg_ai_maturity_raw__llm_requests", "int_llm_requests_measured",
                     "--exclude", "test_type:unit"], db_path, work_dir)
    assert node_result(rerun, STG_TEST)["status"] == "fail"
    assert node_result(rerun, INT_TEST)["status"] == "fail"


def test_a_staging_relationship_reads_the_batch_and_an_intermediate_one_every_row(warehouse: tuple[Path, Path]) -> None:
    # stg → stg teams is `batch: true` (a removed team re-validates its rows, so the last batch holds
    # every row it can orphan); int_llm_requests_measured → stg teams reads the whole model
    db_path, work_dir = warehouse
    append_request(db_path, "q3")
    second = build(db_path, work_dir)
    assert not second.failures(), second.failures()
    with duckdb.connect(str(db_path)) as con:  # an unknown team behind dbt's back: q1 (old batch), q3 (newest)
        for relation in (BASE, INT):
            con.execute(f"update {relation} set team_id = 'ghost' where request_id in ('q1', 'q3')")
    assert query(db_path, f"select count(*) as n from {STG} where team_id = 'ghost'")[0]["n"] == 2
    assert failing_rows(db_path, work_dir, STG_TEST, "team_id") == 1
    assert failing_rows(db_path, work_dir, INT_TEST, "team_id") == 2


def test_a_full_refresh_is_one_batch_and_every_row_is_checked(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    append_request(db_path, "q3")
    full = build(db_path, work_dir, "--full-refresh")
    assert not full.failures(), full.failures()
    assert query(db_path, f"select count(distinct _batch_at) as n from {BASE}")[0]["n"] == 1
    spoil(db_path, ["q1", "q3"])
    for relation, test_name in ((STG, STG_TEST), (INT, INT_TEST)):
        assert spoiled(db_path, relation) == 2
        assert failing_feature_names(db_path, work_dir, test_name) == 2


TRACES_TEST = "ai_maturity_column_checks_int_llm_traces_costed_"
CHUNKS_TEST = "ai_maturity_column_checks_stg_ai_maturity_raw__llm_request_chunks_"


def failing_relationships(db_path: Path, work_dir: Path, test_name: str) -> list[tuple[str, int, str]]:
    """(column, failing rows, sample value) of the relationship checks of a compiled column_checks
    test, run as dbt would."""
    compiled = next((work_dir / "target" / "compiled").rglob(f"{test_name}*.sql")).read_text()
    rows = query(db_path, compiled)
    return sorted((row["column_name"], row["failing_rows"], row["sample_value"])
                  for row in rows if row["check_name"].startswith("relationships"))


def test_trace_references_are_checked_on_the_last_batch(tmp_path: Path) -> None:
    """A trace is recomputed whenever one of its requests changes, so the traces of the last batch
    are the ones whose first and lead requests can have gone."""
    db_path = tmp_path / "warehouse.duckdb"
    write_two_requests(db_path)
    select = ["build", "-s", "+int_llm_traces_costed", "--indirect-selection", "cautious",
              "--exclude", "test_type:unit"]
    first = run_dbt(select, db_path, tmp_path)
    assert not first.failures(), first.failures()
    append_request(db_path, "q3")
    second = run_dbt(select, db_path, tmp_path)
    assert not second.failures(), second.failures()
    assert node_result(second, TRACES_TEST)["status"] == "pass"
    # requests removed behind dbt's back: q1's trace is of an earlier batch, q3's of this one
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"delete from {INT} where request_id in ('q1', 'q3')")
    assert failing_relationships(db_path, tmp_path, TRACES_TEST) == [("first_request_id", 1, "q3"), ("lead_request_id", 1, "q3")]
    full = run_dbt([*select, "--full-refresh"], db_path, tmp_path)
    assert not full.failures(), full.failures()
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"delete from {INT} where request_id in ('q1', 'q3')")
    # every trace read: two orphaned traces per column, the smallest request id as the sample
    assert failing_relationships(db_path, tmp_path, TRACES_TEST) == [("first_request_id", 2, "q1"), ("lead_request_id", 2, "q1")]


CHUNKS_BASE = "main_ai_maturity_staging.base_ai_maturity_raw__llm_request_chunks"


def test_chunk_requests_are_checked_on_the_last_batch(tmp_path: Path) -> None:
    """A re-delivered request re-validates the chunks that reference it, so the chunks of the last
    batch are the ones whose request can have changed or gone."""
    db_path = tmp_path / "warehouse.duckdb"
    write_two_requests(db_path)
    for request_id in ("q1", "q2"):
        insert_raw(db_path, "llm_request_chunks", {
            "request_id": request_id, "chunk_id": f"c_{request_id}", "kind": "retrieved", "rank": 1,
            "_loaded_at": "2025-03-01 00:00:00",
        })
    select = ["build", "-s", "+stg_ai_maturity_raw__llm_request_chunks", "--indirect-selection", "cautious",
              "--exclude", "test_type:unit"]
    first = run_dbt(select, db_path, tmp_path)
    assert not first.failures(), first.failures()
    # q2 delivered again five days later (outside the lookback): its chunk is re-validated with it
    insert_raw(db_path, "llm_requests", request("q2", "2025-01-11 10:00:00", "2025-03-06 00:00:00"))
    second = run_dbt(select, db_path, tmp_path)
    assert not second.failures(), second.failures()
    batches = query(db_path, f"select request_id, _batch_at from {CHUNKS_BASE} order by request_id")
    assert batches[0]["_batch_at"] < batches[1]["_batch_at"]
    # both requests removed behind dbt's back: only q2's chunk is of the last batch
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"delete from {BASE} where request_id in ('q1', 'q2')")
    assert failing_relationships(db_path, tmp_path, CHUNKS_TEST) == [("request_id", 1, "q2")]
    full = run_dbt([*select, "--full-refresh"], db_path, tmp_path)
    assert not full.failures(), full.failures()
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"delete from {BASE} where request_id in ('q1', 'q2')")
    assert failing_relationships(db_path, tmp_path, CHUNKS_TEST) == [("request_id", 2, "q1")]

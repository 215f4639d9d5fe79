"""A changed setting stops an incremental run instead of mixing old and new rows.

The incremental models keep rows computed by earlier runs; after the reporting period, the
`as_of` cut-off, the plausibility window, the hash salt, the raw location or an optional table's
switch changes, only `--full-refresh` gives what a full build gives
(macros/staging/history_settings.sql). Built on two requests in January and February 2025.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from harness import DbtResult, query, run_dbt, write_raw_tables

LOADED = "2025-03-01 00:00:00"
SELECT = ["run", "-s", "+int_llm_requests_errored"]
EVENT_MODEL = "int_llm_requests_errored"
BASE_MODEL = "base_ai_maturity_raw__llm_requests"


def request(request_id: str, started_at: str) -> dict[str, Any]:
    return {
        "request_id": request_id, "team_id": "ml", "feature_name": "assist", "environment": "production",
        "provider_name": "openai", "request_model": "gpt-4o", "prompt_hash": "p1",
        "started_at": started_at, "ended_at": started_at, "input_tokens": 10, "output_tokens": 10,
        "cost_usd": 0.01, "status": "ok", "_loaded_at": LOADED,
    }


RAW = {
    "teams": [{"team_id": "ml", "team_name": "ML"}],
    "llm_requests": [request("q1", "2025-01-10 10:00:00"), request("q2", "2025-02-10 10:00:00")],
}


def statuses(result: DbtResult) -> dict[str, str]:
    """Status of each model of a run, by model name."""
    return {
        item["unique_id"].rsplit(".", 1)[-1]: item["status"]
        for item in result.run_results.get("results", [])
    }


def periods(db_path: Path) -> dict[str, dt.date]:
    rows = query(db_path, f"select request_id, period_start from {EVENT_MODEL}")
    return {row["request_id"]: row["period_start"] for row in rows}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work_dir = tmp_path_factory.mktemp("history_settings")
    db_path = work_dir / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    first = run_dbt(SELECT, db_path, work_dir)
    assert not first.failures(), first.failures()
    return db_path, work_dir


def test_unchanged_settings_run_incrementally(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    again = run_dbt(SELECT, db_path, work_dir)
    assert not again.failures(), again.failures()
    assert periods(db_path) == {"q1": dt.date(2025, 1, 1), "q2": dt.date(2025, 2, 1)}


def test_a_changed_period_stops_the_event_grain_models_only(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    changed = run_dbt(SELECT, db_path, work_dir, dbt_vars={"ai_maturity__period": "quarter"})
    assert changed.returncode != 0
    outcome = statuses(changed)
    # the base tables' validation does not depend on the period: they run on
    assert outcome[BASE_MODEL] == "success", outcome
    assert outcome[EVENT_MODEL] == "error", outcome
    assert (f'ai_maturity: {EVENT_MODEL} was built with ai_maturity__period = "month", this run has "quarter"'
            in changed.output)
    assert "run `dbt build --full-refresh`" in changed.output
    # nothing was written: the stored rows still carry the months
    assert periods(db_path) == {"q1": dt.date(2025, 1, 1), "q2": dt.date(2025, 2, 1)}


def test_a_changed_plausibility_window_stops_the_base_models(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    changed = run_dbt(SELECT, db_path, work_dir, dbt_vars={"ai_maturity__clock_skew_hours": 1})
    assert changed.returncode != 0
    # the first base model to run stops (teams: every other base model depends on it)
    assert statuses(changed)["base_ai_maturity_raw__teams"] == "error"
    assert (
        "base_ai_maturity_raw__teams was built with ai_maturity__clock_skew_hours = \"24\", this run has \"1\""
        in changed.output
    )


def test_a_switched_off_table_stops_the_base_models(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    changed = run_dbt(SELECT, db_path, work_dir, dbt_vars={"ai_maturity__llm_requests_enabled": False})
    assert changed.returncode != 0
    # a base table's validation may look at another table (a chunk's request): every switch counts
    assert statuses(changed)["base_ai_maturity_raw__teams"] == "error"
    assert ('base_ai_maturity_raw__teams was built with ai_maturity__llm_requests_enabled = "True", '
            'this run has "False"') in changed.output


def test_a_full_refresh_adopts_the_new_setting(warehouse: tuple[Path, Path]) -> None:
    db_path, work_dir = warehouse
    quarter = {"ai_maturity__period": "quarter"}
    refreshed = run_dbt([*SELECT, "--full-refresh"], db_path, work_dir, dbt_vars=quarter)
    assert not refreshed.failures(), refreshed.failures()
    assert periods(db_path) == {"q1": dt.date(2025, 1, 1), "q2": dt.date(2025, 1, 1)}
    # from now on the quarter runs incrementally, and the month is the changed setting
    assert not run_dbt(SELECT, db_path, work_dir, dbt_vars=quarter).failures()
    back = run_dbt(SELECT, db_path, work_dir)
    assert 'was built with ai_maturity__period = "quarter", this run has "month"' in back.output

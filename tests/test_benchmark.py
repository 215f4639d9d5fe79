"""The benchmark (scripts/benchmark.sh): a smoke run at a tiny scale, and the pandas implementation
of the change-delivery and LLM-economics metrics on hand-made raw rows whose values are worked out
by hand in the comments beside each assertion. No timing is asserted: speed is measured only by
the benchmark script itself."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from harness import PROJECT_DIR, deployment_row, write_raw_tables

sys.path.insert(0, str(PROJECT_DIR / "scripts" / "benchmark"))

import config  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml
import pandas_metrics  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml

# The smoke run's data: the warehouse-scale generator at its tiniest useful scale (2 teams × 2 years,
# ~180 k raw rows; `--profile large --scale 0.01`, see scripts/benchmark/config.py).
SMOKE_SCALE = "0.01"

T0 = "2025-01-01 00:00:00"


def request_row(request_id: str, started_at: str, **extra: Any) -> dict[str, Any]:
    """A raw `llm_requests` row: an `ok` production chat request of team_a, no trace id, 0 tokens,
    cost 0; keyword arguments override or add columns."""
    row: dict[str, Any] = {
        "request_id": request_id,
        "team_id": "team_a",
        "feature_name": "assistant",
        "environment": "production",
        "operation_name": "chat",
        "provider_name": "openai",
        "request_model": "gpt-4o",
        "prompt_hash": "p1",
        "started_at": started_at,
        "ended_at": started_at,
        "input_tokens": 10,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "status": "ok",
        "_loaded_at": "2025-04-01 00:00:00",
    }
    row.update(extra)
    return row


def evaluation_row(evaluation_id: str, request_id: str, passed: bool, score: float) -> dict[str, Any]:
    return {
        "evaluation_id": evaluation_id, "request_id": request_id, "evaluated_at": "2025-01-08 00:00:00",
        "suite": "production_sample", "evaluation_name": "faithfulness", "score_value": score,
        "passed": passed, "evaluator_source": "automated", "_loaded_at": "2025-04-01 00:00:00",
    }


RAW: dict[str, list[dict[str, Any]]] = {
    "teams": [
        {"team_id": "team_a", "team_name": "Team A"},
        {"team_id": "team_b", "team_name": "Team B"},
    ],
    "service_ownership": [
        # svc_a: team_a from January, team_b from 15 February: team_a's open interval is cut there
        {"service_id": "svc_a", "team_id": "team_a", "valid_from": T0},
        {"service_id": "svc_a", "team_id": "team_b", "valid_from": "2025-02-15 00:00:00"},
        {"service_id": "svc_b", "team_id": "team_b", "valid_from": T0},
    ],
    "deployments": [
        deployment_row("d1", "svc_a", "2025-01-06 10:00:00"),
        # an older re-delivery of d1 with another status: the later _loaded_at (success) wins
        deployment_row("d1", "svc_a", "2025-01-06 10:00:00", status="failed", _loaded_at="2025-03-01 00:00:00"),
        deployment_row("d2", "svc_a", "2025-01-10 12:00:00", status=" FAILED "),  # folded to failed
        deployment_row("d3", "svc_a", "2025-01-10 14:00:00", is_unplanned=True),
        deployment_row("d4", "svc_a", "2025-01-15 09:00:00"),
        deployment_row("r1", "svc_a", "2025-01-15 09:30:00", is_rollback=True, rollback_of_deployment_id="d4"),
        deployment_row("d5", "svc_a", "2025-01-20 10:00:00"),
        deployment_row("d6", "svc_a", "2025-01-22 10:00:00"),
        deployment_row("d7", "svc_a", "2025-01-21 10:00:00", environment="staging"),
        deployment_row("d8", "svc_a", "2025-01-21 11:00:00", status="cancelled"),
        deployment_row("d9", "svc_unknown", "2025-01-21 12:00:00"),  # rejected: unknown service
        deployment_row("d10", "svc_a", "2025-01-21 13:00:00", trigger="teleport"),  # rejected: enum
        deployment_row("d11", "svc_b", "2025-01-08 10:00:00"),
        deployment_row("d13", "svc_a", "2025-02-10 10:00:00", status="failed"),
        deployment_row("d12", "svc_a", "2025-02-20 10:00:00"),  # owner on 20 February: team_b
    ],
    "changes": [
        {"change_id": "c1", "service_id": "svc_a", "first_commit_at": "2025-01-05 10:00:00"},
        {"change_id": "c2", "service_id": "svc_a", "first_commit_at": "2025-01-09 12:00:00"},
        {"change_id": "c3", "service_id": "svc_a", "first_commit_at": "2025-01-15 07:00:00"},
        {"change_id": "c4", "service_id": "svc_a", "first_commit_at": "2025-02-19 10:00:00"},
        # first commit after its shipping deployment: a bad clock, its lead time is null
        {"change_id": "c6", "service_id": "svc_b", "first_commit_at": "2025-01-08 11:00:00"},
    ],
    "deployment_changes": [
        {"deployment_id": "d1", "change_id": "c1"},
        {"deployment_id": "d2", "change_id": "c2"},  # a failed first attempt does not count
        {"deployment_id": "d3", "change_id": "c2"},
        {"deployment_id": "d4", "change_id": "c3"},
        {"deployment_id": "d12", "change_id": "c4"},
        {"deployment_id": "d11", "change_id": "c6"},
        {"deployment_id": "d1", "change_id": "c_unknown"},  # rejected: orphan
    ],
    "incidents": [
        {"incident_id": "i1", "service_id": "svc_a", "severity": "sev2", "started_at": "2025-01-20 10:30:00",
         "detected_at": "2025-01-20 11:00:00", "resolved_at": "2025-01-20 13:00:00",
         "detection_source": "automated", "caused_by_deployment_id": "d5"},
        {"incident_id": "i2", "service_id": "svc_b", "severity": "SEV3", "started_at": "2025-01-30 22:00:00",
         "detected_at": "2025-01-31 08:00:00", "resolved_at": "2025-02-01 04:00:00",
         "detection_source": "staff"},
        # rejected (severity outside the contract): d11 is not failed through it
        {"incident_id": "i3", "service_id": "svc_b", "severity": "sev9", "started_at": "2025-01-08 10:30:00",
         "detected_at": "2025-01-08 11:00:00", "resolved_at": "2025-01-08 12:00:00",
         "detection_source": "automated", "caused_by_deployment_id": "d11"},
    ],
    "llm_requests": [
        # trace T1: an embeddings step, the answer, and a tool call on 1 February
        request_row("q1a", "2025-01-05 10:00:00", trace_id="T1", operation_name="embeddings", cost_usd=0.001),
        request_row("q1b", "2025-01-05 10:00:01", trace_id="T1", output_tokens=100, cost_usd=0.01),
        request_row("q1c", "2025-02-01 00:00:00", trace_id="T1", operation_name="execute_tool",
                    output_tokens=10, cost_usd=0.002),
        # no trace id: its own trace; failed evaluation. An older re-delivery costs 0.5 and loses
        request_row("q2", "2025-01-06 10:00:00", output_tokens=50, cost_usd=0.02),
        request_row("q2", "2025-01-06 10:00:00", output_tokens=50, cost_usd=0.5, _loaded_at="2025-03-01 00:00:00"),
        request_row("q3", "2025-01-07 10:00:00", trace_id="T3", status="OK", output_tokens=200, cost_usd=0.03),
        request_row("q4", "2025-01-07 11:00:00", trace_id="T4", environment="staging", output_tokens=9,
                    cost_usd=1.0),
        request_row("q5", "2025-01-08 10:00:00", trace_id="T5", environment=None, status="error", cost_usd=0.005),
        request_row("q7", "2025-01-09 10:00:00", trace_id="T7", output_tokens=40, cost_usd=-1.0),  # flagged
        request_row("q8", "2025-01-09 11:00:00", trace_id="T8", status="weird", cost_usd=7.0),  # rejected
        request_row("q9", "2025-03-03 10:00:00", team_id="team_b", output_tokens=30, cost_usd=0.003),
    ],
    "llm_evaluations": [
        evaluation_row("e1", "q2", passed=False, score=0.2),
        evaluation_row("e2", "q1b", passed=True, score=0.9),
        evaluation_row("e3", "q1b", passed=False, score=1.5),  # rejected (score out of range)
    ],
    "product_events": [
        {"event_id": "p1", "occurred_at": "2025-01-07 12:00:00", "user_key": "u1", "team_id": "team_a",
         "feature_name": "assistant", "is_ai_feature": True, "event_type": "Downvote", "request_id": "q3"},
        # rejected (unknown team): q7 keeps its useful tokens
        {"event_id": "p2", "occurred_at": "2025-01-09 12:00:00", "user_key": "u1", "team_id": "team_zzz",
         "feature_name": "assistant", "is_ai_feature": True, "event_type": "downvote", "request_id": "q7"},
    ],
}


@pytest.fixture(scope="module")
def metrics(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    db_path = tmp_path_factory.mktemp("bench_pandas") / "raw_rows.duckdb"
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path), read_only=True) as con:
        return pandas_metrics.compute(con)


def row(metrics: pd.DataFrame, team_id: str, period: str) -> dict[str, Any]:
    found = metrics[(metrics["team_id"] == team_id) & (metrics["period_start"] == pd.Timestamp(period))]
    assert len(found) == 1, (team_id, period, metrics)
    return {key: (None if pd.isna(value) else value) for key, value in found.iloc[0].items()}


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-12)


def test_spine_is_every_team_from_its_first_month_to_the_last_month(metrics: pd.DataFrame) -> None:
    # both teams start in January (d1, d11); the last event of all is q9 in March
    assert sorted((t, str(p)[:10]) for t, p in zip(metrics["team_id"], metrics["period_start"], strict=True)) == [
        ("team_a", "2025-01-01"), ("team_a", "2025-02-01"), ("team_a", "2025-03-01"),
        ("team_b", "2025-01-01"), ("team_b", "2025-02-01"), ("team_b", "2025-03-01"),
    ]


def test_team_a_january_change_delivery(metrics: pd.DataFrame) -> None:
    r = row(metrics, "team_a", "2025-01-01")
    # production, not cancelled, not rollbacks: d1 d2 d3 d4 d5 d6 (d7 staging, d8 cancelled, d9/d10 rejected)
    assert r["deployments_count"] == 6
    assert r["deployment_frequency_per_week"] == approx(7 * 6 / 31)
    # failed: d2 (status FAILED folded), d4 (named by rollback r1), d5 (named by incident i1) → 3 / 6
    assert r["change_fail_rate"] == approx(0.5)
    # recovery: d2 12:00 → next success d3 14:00 = 2 h; d4 09:00 → r1 09:30 (a rollback is the next
    # success) = 0.5 h; d5 10:00 → min(d6 22 Jan 10:00, i1 resolved 20 Jan 13:00) = 3 h; median 2 h
    assert r["failed_deployment_recovery_median_hours"] == approx(2.0)
    # lead times: c1 5 Jan 10:00 → d1 6 Jan 10:00 = 24 h; c2 9 Jan 12:00 → d3 10 Jan 14:00 (d2 failed)
    # = 26 h; c3 15 Jan 07:00 → d4 09:00 = 2 h; median 24 h
    assert r["change_lead_time_median_hours"] == approx(24.0)
    # i1 resolved in January: 10:30 → 13:00 = 2.5 h
    assert r["time_to_restore_median_hours"] == approx(2.5)
    # rework over d1 d2 d3 d4 r1 d5 d6 (7 incl. the rollback): d3 unplanned, r1 rollback → 2 / 7
    assert r["rework_rate"] == approx(2 / 7)


def test_ownership_change_and_quiet_periods(metrics: pd.DataFrame) -> None:
    a_feb = row(metrics, "team_a", "2025-02-01")
    # d13 (10 Feb, team_a still owns svc_a) failed; next success of svc_a is d12 (20 Feb) = 240 h
    assert a_feb["deployments_count"] == 1
    assert a_feb["change_fail_rate"] == approx(1.0)
    assert a_feb["failed_deployment_recovery_median_hours"] == approx(240.0)
    assert a_feb["change_lead_time_median_hours"] is None
    b_feb = row(metrics, "team_b", "2025-02-01")
    # d12 on 20 Feb belongs to team_b (svc_a's owner from 15 Feb); c4 19 Feb 10:00 → 24 h;
    # i2 resolved 1 Feb: 30 Jan 22:00 → 1 Feb 04:00 = 30 h
    assert b_feb["deployments_count"] == 1
    assert b_feb["change_fail_rate"] == approx(0.0)
    assert b_feb["change_lead_time_median_hours"] == approx(24.0)
    assert b_feb["time_to_restore_median_hours"] == approx(30.0)
    b_jan = row(metrics, "team_b", "2025-01-01")
    # d11 only; i3 (rejected) does not fail it; c6's lead time is negative → null; i2 resolves in Feb
    assert (b_jan["deployments_count"], b_jan["change_fail_rate"], b_jan["rework_rate"]) == (1, 0.0, 0.0)
    assert b_jan["change_lead_time_median_hours"] is None
    assert b_jan["time_to_restore_median_hours"] is None
    a_mar = row(metrics, "team_a", "2025-03-01")
    # a quiet month: zero counts and frequency, null rates
    assert (a_mar["deployments_count"], a_mar["deployment_frequency_per_week"], a_mar["llm_queries"]) == (0, 0.0, 0)
    assert a_mar["change_fail_rate"] is None and a_mar["rework_rate"] is None
    assert a_mar["cost_per_query_usd"] is None and a_mar["tokens_per_response"] is None


def test_team_a_january_llm_economics(metrics: pd.DataFrame) -> None:
    r = row(metrics, "team_a", "2025-01-01")
    # in scope: production or null environment (q4 staging out, q8 rejected); traces by their first
    # request: T1 (q1a), q2, T3, T5, T7 → 5 queries
    assert r["llm_queries"] == 5
    # trace costs: T1 = 0.001 + 0.01 + 0.002 (q1c in February still counts) = 0.013; q2 = 0.02 (the
    # later delivery); T3 = 0.03; T5 = 0.005; T7 unknown (negative cost flagged) → 0.068 / 5
    assert r["cost_per_query_usd"] == approx(0.068 / 5)
    # ok chat / text_completion / null-operation requests: q1b 100, q2 50, q3 200 (OK folded), q7 40
    assert r["tokens_per_response"] == approx(97.5)
    # useful: ok, no failed evaluation, no downvote: q1a 0, q1b 100 (e3 rejected), q7 40 (p2 rejected);
    # q2 failed e1, q3 downvoted → 140 tokens; cost of the requests of January: 0.001 + 0.01 + 0.02 +
    # 0.03 + 0.005 (q7's cost is null) = 0.066
    assert r["cost_per_useful_token_usd"] == approx(0.066 / 140)


def test_llm_economics_of_a_month_with_requests_but_no_new_trace(metrics: pd.DataFrame) -> None:
    a_feb = row(metrics, "team_a", "2025-02-01")
    # q1c belongs to trace T1 (January): no query starts in February; its 10 tool-call tokens are
    # useful (ok, no failed evaluation) but not a response; cost 0.002 / 10
    assert a_feb["llm_queries"] == 0
    assert a_feb["cost_per_query_usd"] is None
    assert a_feb["tokens_per_response"] is None
    assert a_feb["cost_per_useful_token_usd"] == approx(0.0002)
    b_mar = row(metrics, "team_b", "2025-03-01")
    assert (b_mar["llm_queries"], b_mar["tokens_per_response"]) == (1, 30.0)
    assert b_mar["cost_per_query_usd"] == approx(0.003)
    assert b_mar["cost_per_useful_token_usd"] == approx(0.0001)


def test_dedupe_tie_break_is_the_packages_md5(tmp_path: Path) -> None:
    """Equal `_loaded_at`, different content: the row with the greater md5 of its whole content
    wins, as `dedupe_rank` computes it in DuckDB (checked against DuckDB's own md5)."""
    tie = [
        deployment_row("dx", "svc_b", "2025-01-10 10:00:00.250000", status="success"),
        deployment_row("dx", "svc_b", "2025-01-10 10:00:00.250000", status="failed", is_unplanned=True),
    ]
    # doubles in the content: a NaN (the text 'nan'), a null, a negative zero, a large number
    request_tie = [
        request_row("qx", "2025-01-11 10:00:00.000001", cost_usd=float("nan"), output_tokens=5),
        request_row("qx", "2025-01-11 10:00:00.000001", cost_usd=-0.0, output_tokens=5),
        request_row("qx", "2025-01-11 10:00:00.000001", cost_usd=1.2345678901234568e17, output_tokens=5),
    ]
    raw = {**RAW, "deployments": [*RAW["deployments"], *tie], "llm_requests": [*RAW["llm_requests"], *request_tie]}
    db_path = tmp_path / "raw_rows.duckdb"
    write_raw_tables(db_path, raw)
    contract = pandas_metrics.read_contract()["deployments"]
    content = " || '|' || ".join(
        f"coalesce(cast(\"{name}\" as varchar), '<null>')" for name, _ in contract.columns)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            f"select rowid, md5({content}), status from raw.deployments where deployment_id = 'dx'").fetchall()
        reader = pandas_metrics.RawReader(con, "raw", pandas_metrics.read_contract())
        full = reader.fetch_rows("deployments", [rowid for rowid, _, _ in rows]).set_index("_rowid")
        assert pandas_metrics.content_md5(full, contract.columns).to_dict() == {r: md5 for r, md5, _ in rows}
        winner_rowid, _, winner_status = max(rows, key=lambda item: item[1])
        request_contract = pandas_metrics.read_contract()["llm_requests"]
        request_content = " || '|' || ".join(
            f"coalesce(cast(\"{name}\" as varchar), '<null>')" for name, _ in request_contract.columns)
        request_rows = con.execute(
            f"select rowid, md5({request_content}) from raw.llm_requests where request_id = 'qx'").fetchall()
        full_requests = reader.fetch_rows("llm_requests", [r for r, _ in request_rows]).set_index("_rowid")
        assert pandas_metrics.content_md5(full_requests, request_contract.columns).to_dict() == dict(request_rows)
        kept = pandas_metrics.dedupe(reader.load("deployments"), contract,
                                     lambda ids: reader.fetch_rows("deployments", ids))
        assert kept.loc[kept["deployment_id"] == "dx", "_rowid"].tolist() == [winner_rowid]
        result = pandas_metrics.compute(con)
    b_jan = row(result, "team_b", "2025-01-01")
    # team_b January: d11 and dx; dx is failed only if the failed copy won (no later success of svc_b)
    assert b_jan["deployments_count"] == 2
    assert b_jan["change_fail_rate"] == approx(0.5 if winner_status == "failed" else 0.0)


def copy_generator(project_dir: Path) -> Path:
    """The generator's source files copied into another checkout directory; returns the one to edit."""
    (project_dir / "scripts" / "demo_data").mkdir(parents=True)
    for path in [PROJECT_DIR / "scripts" / "generate_demo_data.py", *(PROJECT_DIR / "scripts" / "demo_data").glob("*.py")]:
        (project_dir / path.relative_to(PROJECT_DIR)).write_bytes(path.read_bytes())
    return project_dir / "scripts" / "demo_data" / "mess.py"


def test_cached_raw_data_is_keyed_by_the_generator_source_not_the_checkout(tmp_path: Path) -> None:
    # another clone of the same code reuses the cache (the key used to be the interpreter's and the
    # script's absolute paths: every other checkout regenerated scale 10, about 4 minutes) ...
    edited = copy_generator(tmp_path)
    assert config.generator_fingerprint(tmp_path) == config.generator_fingerprint()
    stamp = json.dumps(config.raw_stamp("0.01"))
    assert str(PROJECT_DIR) not in stamp and sys.executable not in stamp
    # ... and a changed generator does not (the path key kept stale data after a generator change)
    edited.write_text(edited.read_text() + "\n# another kind of mess\n")
    assert config.generator_fingerprint(tmp_path) != config.generator_fingerprint()


BenchmarkRun = tuple[subprocess.CompletedProcess[str], dict[str, Any]]


@pytest.fixture(scope="module")
def benchmark_run(tmp_path_factory: pytest.TempPathFactory) -> BenchmarkRun:
    bench_dir = tmp_path_factory.mktemp("benchmark")
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "benchmark" / "bench.py"), SMOKE_SCALE,
         "--bench-dir", str(bench_dir)],
        capture_output=True, text=True, check=False, cwd=PROJECT_DIR,
    )
    results_path = bench_dir / f"results_scale_{SMOKE_SCALE}.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    return completed, results


def test_benchmark_runs_every_step(benchmark_run: BenchmarkRun) -> None:
    completed, results = benchmark_run
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    steps = results["steps"]
    timed = ["floor (floor.sql, one pass)", "dbt build --full-refresh", "pandas metrics (vectorized)",
             "dbt build (incremental)", "pandas metrics (after the new day)"]
    if "--append-day" in config.generator_help():
        timed.append("append one day")
    else:  # a generator without --append-day: the incremental build runs on unchanged data
        assert steps["append one day"]["note"].startswith("skipped"), steps["append one day"]
    for name in timed:
        assert steps[name]["returncode"] == 0, (name, steps[name])
        assert steps[name]["wall_s"] > 0 and steps[name]["peak_rss_gib"] > 0, (name, steps[name])
    for line in ("full/floor", "incremental/full", "pandas/dbt", "10 slowest dbt nodes", "cells compared"):
        assert line in completed.stdout


def test_benchmark_json_has_every_figure(benchmark_run: BenchmarkRun) -> None:
    _, results = benchmark_run
    assert results["complete"] is True  # the file is rewritten after every step; the last one marks it done
    for name in ("full_over_floor", "incremental_over_full", "pandas_over_dbt", "pandas_over_metric_nodes"):
        value = results["ratios"][name]
        assert isinstance(value, float) and math.isfinite(value) and value > 0, (name, value)
    dbt = results["dbt_full"]
    assert dbt["nodes"] > 0 and 0 < dbt["test_share"] < 1
    assert dbt["test_seconds"] > 0 and dbt["model_seconds"] > 0
    assert len(dbt["slowest_nodes"]) == 10
    assert 0 < dbt["metric_node_seconds"] < dbt["node_seconds_total"] and dbt["metric_nodes"] > 0
    assert results["dbt_incremental"]["nodes"] > 0
    # the builds are a scheduled job's: every data test (they are in the test share), no unit test
    assert results["unit_tests"] is False
    for build in ("dbt_full", "dbt_incremental"):
        kinds = results[build]["node_seconds_by_kind"]
        assert "unit_test" not in kinds and kinds["test"] > 0, (build, kinds)
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["ram_gib"] > 0 and machine["cpu_model"]


def test_pandas_agrees_with_the_marts(benchmark_run: BenchmarkRun) -> None:
    _, results = benchmark_run
    for key in ("comparison", "comparison_incremental"):  # after the full build, after the new day
        comparison = results[key]
        assert comparison["cells_compared"] > 0, key
        assert comparison["cells_mismatched"] == 0, (key, comparison["examples"])
        assert comparison["rows_marts"] == comparison["rows_pandas"] > 0, key

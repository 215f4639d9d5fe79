"""The main job end to end on the demo data: `dbt build` with every data and unit test, the raw-row
accounting reconciled with what the generator says it injected, and sqlfluff over the models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_DIR, DemoWarehouse
from harness import query


def test_dbt_build_passes_every_test(demo_warehouse: DemoWarehouse) -> None:
    assert demo_warehouse.build.failures() == []
    statuses = {result["status"] for result in demo_warehouse.build.run_results["results"]
                if not result["unique_id"].startswith("exposure.")}
    assert statuses <= {"success", "pass", "warn"}
    unit_tests = [r for r in demo_warehouse.build.run_results["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 5


def test_every_raw_row_is_accounted_for(demo_warehouse: DemoWarehouse) -> None:
    db = demo_warehouse.db_path
    for row in query(db, "select * from fct_raw_row_accounting"):
        table = row["source_table"]
        raw_rows = query(db, f"select count(*) as n from raw.{table}")[0]["n"]
        staged = query(db, f"select count(*) as n from stg_ai_maturity_raw__{table}")[0]["n"]
        assert row["raw_rows"] == raw_rows == demo_warehouse.manifest[table]["rows"], table
        assert staged == row["staged_rows"], table
        assert staged + row["rejected_rows"] + row["duplicate_rows"] == raw_rows, table


def test_injected_duplicates_and_rejections_are_quarantined(demo_warehouse: DemoWarehouse) -> None:
    """The generator's manifest says what mess it injected; the quarantine must hold exactly that."""
    db = demo_warehouse.db_path
    counts = {
        (r["source_table"], r["issue_type"]): r["n"]
        for r in query(db, "select source_table, issue_type, count(*) as n from fct_quarantined_rows group by 1, 2")
    }
    for table, injected in demo_warehouse.manifest.items():
        assert counts.get((table, "duplicate"), 0) == injected.get("duplicates", 0), table
        assert counts.get((table, "rejected"), 0) == sum(injected.get("rejected", {}).values()), table


def test_impossible_values_are_flagged_or_rejected(demo_warehouse: DemoWarehouse) -> None:
    """The demo's infinite costs and revenue are flagged (the field is null, the row staged) and its
    deployments dated 2999 and 1970 are rejected; the spine stays inside the data's own months."""
    db = demo_warehouse.db_path
    reasons = sorted(
        (r["source_table"], r["issue_type"], r["reason"])
        for r in query(db, "select source_table, issue_type, reason from fct_quarantined_rows "
                           "where reason like '%non_finite%' or reason like 'implausible%'")
    )
    assert reasons == [
        ("deployments", "rejected", "implausible_timestamp:finished_at"),
        ("deployments", "rejected", "implausible_timestamp:finished_at"),
        ("llm_requests", "flagged", "non_finite:cost_usd"),
        ("llm_requests", "flagged", "non_finite:cost_usd"),
        ("product_events", "flagged", "non_finite:revenue_usd"),
    ]
    staged = query(db, "select count(*) as n from stg_ai_maturity_raw__llm_requests "
                       "where request_id in (select request_id from raw.llm_requests where isinf(cost_usd)) and cost_usd is null")
    assert staged == [{"n": 2}]
    bounds = query(db, "select min(period_start) as first, max(period_start) as last from fct_change_delivery")
    assert (str(bounds[0]["first"]), str(bounds[0]["last"])) == ("2025-01-01", "2025-12-01")


def test_sqlfluff_lint_is_clean(demo_warehouse: DemoWarehouse) -> None:
    env = {
        **os.environ, "AI_MATURITY_DUCKDB_PATH": str(demo_warehouse.db_path), "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles")
    }
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "sqlfluff"), "lint", "models", "tests/dbt",
            "--processes", "2", "--disable-progress-bar",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]


def test_every_model_and_column_is_documented(demo_warehouse: DemoWarehouse) -> None:
    manifest = json.loads((demo_warehouse.work_dir / "target" / "manifest.json").read_text())
    undocumented: list[str] = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        if not node.get("description"):
            undocumented.append(node["name"])
        documented = {name for name, column in node["columns"].items() if column.get("description")}
        columns = query(
            demo_warehouse.db_path,
            "select column_name from information_schema.columns "
            f"where table_schema = '{node['schema']}' and table_name = '{node['name']}'",
        )
        assert columns, node["name"]
        undocumented += [f"{node['name']}.{c['column_name']}" for c in columns if c["column_name"] not in documented]
    assert undocumented == []


def test_every_declared_column_check_runs(demo_warehouse: DemoWarehouse) -> None:
    """Column constraints (not_null, unique, accepted_values, between) are declared in each column's
    `config.meta.checks` and run in the model's one `ai_maturity.column_checks` test: a model or
    seed declaring checks without that test would skip them silently. Every mart has column checks,
    and outside staging no per-column test of those kinds remains (one test node per model)."""
    manifest = json.loads((demo_warehouse.work_dir / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    tests = [node for node in nodes.values() if node["resource_type"] == "test"]
    checked = {node["attached_node"] for node in tests if (node.get("test_metadata") or {}).get("name") == "column_checks"}
    problems: list[str] = []
    for node in nodes.values():
        if node["resource_type"] not in {"model", "seed"}:
            continue
        declares = any(column.get("meta", {}).get("checks") for column in node["columns"].values())
        if declares and node["unique_id"] not in checked:
            problems.append(f"{node['name']}: columns declare checks but the model has no ai_maturity.column_checks test")
        if node["original_file_path"].startswith("models/marts/") and not declares:
            problems.append(f"{node['name']}: a mart without column checks")
    per_column = {"not_null", "unique", "accepted_values", "value_between"}
    for node in tests:
        attached = nodes.get(node.get("attached_node") or "", {})
        is_per_column = (node.get("test_metadata") or {}).get("name") in per_column
        if is_per_column and not attached.get("original_file_path", "").startswith("models/staging/"):
            problems.append(f"{node['name']}: a per-column test; declare it in the column's config.meta.checks")
    assert problems == []

"""The Great Expectations checkpoint (scripts/validate.py) on the demo data and on injected faults.

The demo data is generated with its manifest (what the generator injected, table by table) and
built once per session (conftest's `demo_warehouse`); every run of the checkpoint is a subprocess,
as a user runs it, on that file (read-only) or on a copy holding a fault. The expected counts come
from the manifest or from SQL on the faulted table, never from the checkpoint itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import DemoWarehouse
from harness import PROJECT_DIR, fetch_one

VALIDATE = PROJECT_DIR / "scripts" / "validate.py"


@pytest.fixture(scope="module")
def demo(demo_warehouse: DemoWarehouse) -> dict[str, Any]:
    """The small demo data built by dbt (marts included; the session's demo warehouse, never
    modified here: faults go into copies) and the generator's manifest."""
    assert not demo_warehouse.build.failures(), demo_warehouse.build.failures()
    return {"db": demo_warehouse.db_path, "manifest": demo_warehouse.manifest}


def copy_of(demo: dict[str, Any], tmp_path: Path) -> Path:
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo["db"], target)
    return target


def validate(db_path: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run the checkpoint on a DuckDB file; its process and its --results-json."""
    results = tmp_path / "results.json"
    env = {**os.environ, "AI_MATURITY_DUCKDB_PATH": str(db_path)}
    completed = subprocess.run(
        [sys.executable, str(VALIDATE), "--docs-dir", str(tmp_path / "docs"), "--results-json", str(results), *args],
        env=env, capture_output=True, text=True, check=False,
    )
    return completed, (json.loads(results.read_text()) if results.exists() else {})


def findings(results: dict[str, Any], severity: str | None = None) -> list[dict[str, Any]]:
    return [item for item in results["findings"] if severity is None or item["severity"] == severity]


def one(results: dict[str, Any], relation: str, check: str, column: str | None = None) -> dict[str, Any]:
    matches = [item for item in results["findings"]
               if item["relation"] == relation and item["check"] == check and item["column"] == column]
    assert len(matches) == 1, (relation, check, column, results["findings"])
    return matches[0]


def test_demo_passes_and_warns_exactly_what_the_generator_injected(demo: dict[str, Any], tmp_path: Path) -> None:
    completed, results = validate(demo["db"], tmp_path, "--stage", "all")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert findings(results, "critical") == []
    assert (tmp_path / "docs" / "index.html").is_file()
    # the row-level mess the generator injected, as warnings with the manifest's counts
    expected: dict[tuple[str, str, str | None], int] = {}
    for table, entry in demo["manifest"].items():
        if entry["duplicates"]:
            expected[(f"raw.{table}", "key_unique", None)] = entry["duplicates"]
        for reason, count in entry["rejected"].items():
            kind, _, column = reason.partition(":")
            check = {"unknown_enum": "enumeration", "missing_required": "required_value",
                     "implausible_timestamp": "plausible_timestamp"}.get(kind)
            if check:
                expected[(f"raw.{table}", check, column)] = count
    assert expected, "the manifest lists no mess: the test would prove nothing"
    checks = {"key_unique", "enumeration", "required_value", "plausible_timestamp"}
    seen = {(item["relation"], item["check"], item["column"]): item["count"]
            for item in findings(results, "warning") if item["check"] in checks}
    assert seen == expected
    # one summary line per failed expectation, e.g. the re-delivered team
    team_line = [line for line in completed.stdout.splitlines()
                 if line.startswith("WARNING") and "raw.teams: teams key (team_id) is unique" in line]
    assert team_line and "1 of 9 rows" in team_line[0], completed.stdout
    assert completed.stdout.strip().splitlines()[-1].startswith("PASSED")


def test_gross_raw_faults_are_critical_and_named(demo: dict[str, Any], tmp_path: Path) -> None:
    db_path = copy_of(demo, tmp_path)
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table raw.deployments drop column status")
        # 10 % of the incidents get a severity outside the enumeration (the demo already has one)
        total = fetch_one(con, "select count(*) from raw.incidents")[0]
        con.execute("update raw.incidents set severity = 'catastrophic' where incident_id in "
                    "(select incident_id from raw.incidents where severity = 'sev3' order by incident_id limit ?)",
                    [total // 10])
        injected = fetch_one(con, "select count(*) from raw.incidents where severity = 'catastrophic'")[0]
        con.execute("drop table raw.bias_audits")  # optional: absent is not a failure
        con.execute("drop table raw.service_ownership")  # required
    already = demo["manifest"]["incidents"]["rejected"]["unknown_enum:severity"]
    assert injected == total // 10 and injected > 0.05 * total
    completed, results = validate(db_path, tmp_path, "--stage", "raw")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    critical = findings(results, "critical")
    assert {(item["relation"], item["check"], item["column"]) for item in critical} == {
        ("raw.deployments", "column_exists", "status"),
        ("raw.incidents", "enumeration_share", "severity"),
        ("raw.service_ownership", "table_exists", None),
    }
    assert one(results, "raw.incidents", "enumeration_share", "severity")["count"] == injected + already
    assert one(results, "raw.incidents", "enumeration", "severity")["count"] == injected + already
    lines = [line for line in completed.stdout.splitlines() if line.startswith("CRITICAL")]
    assert len(lines) == 3, completed.stdout
    assert any("raw.deployments: deployments.status exists (required column) — column missing" in line
               for line in lines), lines
    assert any("incidents.severity is outside its enumeration in at most 5% of rows" in line
               and f"{injected + already} of {total} rows" in line for line in lines), lines
    assert "raw.bias_audits: optional table absent, not checked" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_a_few_duplicates_warn_but_pass(demo: dict[str, Any], tmp_path: Path) -> None:
    db_path = copy_of(demo, tmp_path)
    with duckdb.connect(str(db_path)) as con:
        con.execute("insert into raw.changes select * from raw.changes order by change_id limit 5")
        extra = fetch_one(con, "select count(*) - count(distinct change_id) from raw.changes")[0]
    assert extra == demo["manifest"]["changes"]["duplicates"] + 5
    completed, results = validate(db_path, tmp_path, "--stage", "raw")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert findings(results, "critical") == []
    assert one(results, "raw.changes", "key_unique")["count"] == extra
    # a share above 5 % turns the same fault critical (the option lowers the bar instead)
    completed, results = validate(db_path, tmp_path, "--stage", "raw", "--max-share", "0.0005")
    assert completed.returncode == 1
    assert one(results, "raw.changes", "key_unique_share")["count"] == extra


def test_volume_collapse_of_the_latest_period_is_critical(demo: dict[str, Any], tmp_path: Path) -> None:
    db_path = copy_of(demo, tmp_path)
    with duckdb.connect(str(db_path)) as con:
        # keep one in ten deployments of the latest month (December 2025)
        con.execute("delete from raw.deployments where finished_at >= timestamp '2025-12-01' "
                    "and finished_at < timestamp '2026-01-01' and hash(deployment_id) % 10 <> 0")
        counts = dict(con.execute(
            "select date_trunc('month', finished_at), count(*) from raw.deployments "
            "where finished_at >= timestamp '2025-11-01' and finished_at < timestamp '2026-01-01' group by 1"
        ).fetchall())
    november, december = sorted(counts.values(), reverse=True)
    assert december < 0.5 * november
    completed, results = validate(db_path, tmp_path, "--stage", "raw")
    assert completed.returncode == 1, completed.stdout
    assert [(item["relation"], item["check"]) for item in findings(results, "critical")] == [
        ("raw.deployments", "volume")]
    line = next(line for line in completed.stdout.splitlines() if line.startswith("CRITICAL"))
    assert f"latest_volume={december}" in line and f"previous_volume={november}" in line, line


def test_a_team_missing_from_a_cluster_mart_is_critical(demo: dict[str, Any], tmp_path: Path) -> None:
    db_path = copy_of(demo, tmp_path)
    with duckdb.connect(str(db_path)) as con:
        schema = fetch_one(con, "select table_schema from information_schema.tables "
                                "where table_name = 'fct_team_maturity'")[0]
        team, latest = fetch_one(con, f"select min(team_id), max(period_start) from {schema}.fct_change_delivery")
        con.execute(f"delete from {schema}.fct_change_delivery where team_id = ? and period_start = ?", [team, latest])
    completed, results = validate(db_path, tmp_path, "--stage", "marts")
    assert completed.returncode == 1, completed.stdout
    finding = one(results, f"{schema}.fct_change_delivery", "teams_in_latest_period")
    assert finding["severity"] == "critical" and finding["count"] == 1
    assert f"team_id='{team}'" in finding["detail"]


def test_user_mistakes_give_one_line(demo: dict[str, Any], tmp_path: Path) -> None:
    completed, _ = validate(tmp_path / "no_such.duckdb", tmp_path, "--stage", "raw")
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and "no_such.duckdb' does not exist" in completed.stderr
    completed, _ = validate(demo["db"], tmp_path, "--stage", "marts", "--marts-schema", "nowhere")
    assert completed.returncode == 2
    assert "no fct_team_maturity in schema 'nowhere'" in completed.stderr and "Traceback" not in completed.stderr
    assert not (tmp_path / "no_such.duckdb").exists()

"""The model-level `ai_maturity.column_checks` test (macros/generic_tests/column_checks.sql): each
check a column declares in `config.meta.checks` catches its violation (a null, a duplicate, an
unknown enum value, a value out of range, NaN, infinity), clean data passes, and a failure's rows
name the column and the check.

The fixture is a throw-away dbt project named `ai_maturity` (so the package's macros resolve under
their namespace) whose macro path is this package's macros, with three small DuckDB models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT_DIR
from harness import query

# One row per (column, check) the bad model must fail: failing rows and a sample offending value.
CHECKS_YML = """
      - name: id
        description: Key.
        config: {meta: {checks: [not_null, unique]}}
      - name: kind
        description: An enumeration (null allowed).
        config: {meta: {checks: [{accepted_values: [x, "y'"]}]}}
      - name: level
        description: An integer enumeration.
        config: {meta: {checks: [{accepted_values: [1, 2]}]}}
      - name: rate
        description: A share.
        config: {meta: {checks: [{between: [0, 1]}]}}
      - name: nan_score
        description: A non-negative score (NaN compares greater than every number).
        config: {meta: {checks: [{between: [0, null]}]}}
      - name: inf_hours
        description: Non-negative hours.
        config: {meta: {checks: [{between: [0, null]}]}}
      - name: neg_inf_delta
        description: A bounded change.
        config: {meta: {checks: [{between: [-1, 1]}]}}
"""

# id, kind, level, rate, nan_score, inf_hours, neg_inf_delta
CLEAN_ROWS = [
    "(1, 'x', 1, 0.0, 0.0, 0.0, -1.0)",
    "(2, 'y''', 2, 1.0, 3.5, 1e300, 1.0)",
    "(3, null, null, null, null, null, null)",
]
BAD_ROWS = [
    *CLEAN_ROWS,
    "(null, 'x', 1, 0.5, 1.0, 1.0, 0.0)",  # null key
    "(2, 'x', 1, 0.5, 1.0, 1.0, 0.0)",  # duplicate key 2
    "(4, 'z', 3, 1.5, cast('nan' as double), cast('inf' as double), cast('-inf' as double))",  # unknown enum values, out of range, NaN, +inf, -inf
]
EXPECTED_FAILURES = {
    ("id", "not_null"): (1, None),
    ("id", "unique"): (2, "2"),
    ("kind", "accepted_values"): (1, "z"),
    ("level", "accepted_values"): (1, "3"),
    ("rate", "between 0 and 1"): (1, "1.5"),
    ("nan_score", "between 0 and inf"): (1, "nan"),
    ("inf_hours", "between 0 and inf"): (1, "inf"),
    ("neg_inf_delta", "between -1 and 1"): (1, "-inf"),
}


@dataclass(frozen=True)
class FixtureBuild:
    returncode: int
    output: str
    results: dict[str, dict[str, Any]]  # test results by the name of the model they test
    db_path: Path


def model_sql(rows: list[str]) -> str:
    columns = "id, kind, level, rate, nan_score, inf_hours, neg_inf_delta"
    casts = (
        "cast(id as bigint) as id, cast(kind as varchar) as kind, cast(level as bigint) as level, "
        "cast(rate as double) as rate, cast(nan_score as double) as nan_score, "
        "cast(inf_hours as double) as inf_hours, cast(neg_inf_delta as double) as neg_inf_delta"
    )
    values = ",\n    ".join(rows)
    return f"select {casts}\nfrom (values\n    {values}\n) as t ({columns})\n"


def write_fixture_project(root: Path) -> None:
    (root / "models").mkdir(parents=True)
    (root / "macros").symlink_to(PROJECT_DIR / "macros", target_is_directory=True)
    (root / "dbt_project.yml").write_text(
        "name: ai_maturity\nversion: '0.1.0'\nconfig-version: 2\nprofile: column_checks_fixture\n"
        "model-paths: [models]\nmacro-paths: [macros]\n"
        "models:\n  ai_maturity:\n    +materialized: table\n"
    )
    (root / "profiles.yml").write_text(
        "column_checks_fixture:\n  target: duckdb\n  outputs:\n    duckdb:\n"
        f"      type: duckdb\n      path: {root / 'fixture.duckdb'}\n      schema: main\n      threads: 1\n"
    )
    (root / "models" / "checked_clean.sql").write_text(model_sql(CLEAN_ROWS))
    (root / "models" / "checked_bad.sql").write_text(model_sql(BAD_ROWS))
    (root / "models" / "checked_typo.sql").write_text("select 1 as id\n")
    models = "".join(
        f"  - name: {name}\n    description: Fixture.\n    data_tests:\n      - ai_maturity.column_checks\n"
        f"    columns:{CHECKS_YML}"
        for name in ("checked_clean", "checked_bad")
    )
    models += (
        "  - name: checked_typo\n    description: A misspelt check.\n    data_tests:\n      - ai_maturity.column_checks\n"
        "    columns:\n      - name: id\n        description: Key.\n        config: {meta: {checks: [not_nul]}}\n"
    )
    (root / "models" / "_models.yml").write_text(f"version: 2\n\nmodels:\n{models}")


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureBuild]:
    root = tmp_path_factory.mktemp("column_checks")
    write_fixture_project(root)
    cli = [
        str(Path(sys.executable).parent / "dbt"), "build", "--store-failures",
        "--project-dir", str(root), "--profiles-dir", str(root),
        "--target-path", str(root / "target"), "--log-path", str(root / "logs"),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(cli, env=env, capture_output=True, text=True, check=False)
    run_results = json.loads((root / "target" / "run_results.json").read_text())
    results = {
        result["unique_id"].split(".")[2].removeprefix("ai_maturity_column_checks_").rstrip("_"): result
        for result in run_results["results"]
        if result["unique_id"].startswith("test.")
    }
    yield FixtureBuild(completed.returncode, completed.stdout + completed.stderr, results, root / "fixture.duckdb")


def test_clean_data_passes(fixture_build: FixtureBuild) -> None:
    assert fixture_build.results["checked_clean"]["status"] == "pass", fixture_build.output[-3000:]


def test_each_violation_is_caught_and_named(fixture_build: FixtureBuild) -> None:
    result = fixture_build.results["checked_bad"]
    assert result["status"] == "fail", fixture_build.output[-3000:]
    assert result["failures"] == len(EXPECTED_FAILURES)
    rows = query(fixture_build.db_path, f"select * from {result['relation_name']}")
    failures = {
        (row["column_name"], row["check_name"]): (
            row["failing_rows"],
            None if row["sample_value"] is None else row["sample_value"].lower(),
        )
        for row in rows
    }
    assert failures == EXPECTED_FAILURES


def test_an_unknown_check_fails_naming_the_column(fixture_build: FixtureBuild) -> None:
    result = fixture_build.results["checked_typo"]
    assert result["status"] == "error"
    assert "checked_typo.id: unknown check not_nul" in result["message"]

"""The model-level `ai_maturity.column_checks` test (macros/generic_tests/column_checks.sql): each
check a column declares in `config.meta.checks` catches its violation (a null, a duplicate, an
unknown enum value, a value out of range, NaN, infinity), and so does each check given as the
test's arguments (a duplicated combination of columns, a row breaking an expression with or without
a `where`, a value missing from the model a relationship refers to); clean data passes, and a
failure's rows name the column and the check.

The fixture is a throw-away dbt project named `ai_maturity` (so the package's macros resolve under
their namespace) whose macro path is this package's macros, with small models in portable SQL. It
runs on DuckDB; on PostgreSQL too when AI_MATURITY_PG_HOST is set, and on a local Spark session
under the `spark` marker (`-m spark`)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT_DIR
from harness import query

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

NAN, INF = float("nan"), float("inf")
COLUMNS = [
    ("id", "bigint"), ("kind", "string"), ("level", "bigint"), ("rate", "double"),
    ("nan_score", "double"), ("inf_hours", "double"), ("neg_inf_delta", "double"),
]
CLEAN_ROWS: list[tuple[Any, ...]] = [
    (1, "x", 1, 0.0, 0.0, 0.0, -1.0),
    (2, "y'", 2, 1.0, 3.5, 1e300, 1.0),
    (3, None, None, None, None, None, None),  # nulls pass every check but not_null
]
BAD_ROWS = [
    *CLEAN_ROWS,
    (None, "x", 1, 0.5, 1.0, 1.0, 0.0),  # null key
    (2, "x", 1, 0.5, 1.0, 1.0, 0.0),  # duplicate key 2
    (4, "z", 3, 1.5, NAN, INF, -INF),  # unknown enum values, out of range, NaN, +inf, -inf
]
# One row per (column, check) the bad model must fail: failing rows and a sample offending value.
EXPECTED_FAILURES = {
    ("id", "not_null"): (1, None),
    ("id", "unique"): (2, "2"),
    ("kind", "accepted_values"): (1, "z"),
    ("level", "accepted_values"): (1, "3"),
    ("rate", "between 0 and 1"): (1, "1.5"),
    ("nan_score", "between 0 and inf"): (1, "nan"),
    ("inf_hours", "between 0 and inf"): (1, "inf"),
    ("neg_inf_delta", "between -1 and 1"): (1, "-inf"),
    # the test's arguments (MODEL_CHECKS): (x, 1) is on three rows; id 4 breaks `id <> 4`, and with
    # its kind z (not null) and level 3 `level <= 2`; level 3 is not an id of checked_parent (1 and 2)
    ("kind, level", "unique combination"): (3, "x, 1"),
    ("(row)", "expression_is_true: id <> 4"): (1, None),
    ("(row)", "expression_is_true: level <= 2 where kind is not null"): (1, None),
    ("level", "relationships to checked_parent.id"): (1, "3"),
}
MODEL_CHECKS = """
      - ai_maturity.column_checks:
          name: ai_maturity_column_checks_{name}_
          arguments:
            unique_combinations: [[kind, level]]
            expressions:
              - "id <> 4"
              - {{expression: "level <= 2", where: "kind is not null"}}
            relationships:
              - {{column: level, to: "ref('checked_parent')", field: id}}
"""
TYPES = {"bigint": "{{ dbt.type_bigint() }}", "string": "{{ dbt.type_string() }}", "double": "{{ ai_maturity.type_double() }}"}
# The fixture's profile outputs: DuckDB always; PostgreSQL when AI_MATURITY_PG_HOST is set; Spark (marker).
OUTPUTS = {
    "duckdb": "type: duckdb\npath: {root}/fixture.duckdb\nschema: main\nthreads: 1",
    "postgres": (
        "type: postgres\nhost: \"{{{{ env_var('AI_MATURITY_PG_HOST') }}}}\"\n"
        "port: \"{{{{ env_var('AI_MATURITY_PG_PORT', '5432') | as_number }}}}\"\n"
        "user: \"{{{{ env_var('AI_MATURITY_PG_USER', 'postgres') }}}}\"\n"
        "password: \"{{{{ env_var('AI_MATURITY_PG_PASSWORD', '') }}}}\"\n"
        "dbname: \"{{{{ env_var('AI_MATURITY_PG_DBNAME', 'ai_maturity') }}}}\"\nschema: column_checks_fixture\nthreads: 1"
    ),
    "spark": (
        "type: spark\nmethod: session\nhost: localhost\nschema: column_checks_fixture\nthreads: 1\n"
        "server_side_parameters:\n  spark.master: local[1]\n  spark.sql.session.timeZone: UTC\n"
        "  spark.ui.enabled: 'false'\n  spark.driver.host: 127.0.0.1\n  spark.driver.bindAddress: 127.0.0.1\n"
        "  spark.sql.shuffle.partitions: '1'\n  spark.sql.warehouse.dir: {root}/spark/warehouse\n"
        "  spark.sql.catalogImplementation: hive\n"
        "  spark.hadoop.javax.jdo.option.ConnectionURL: 'jdbc:derby:;databaseName={root}/spark/metastore_db;create=true'\n"
        "  spark.hadoop.datanucleus.schema.autoCreateAll: 'true'\n  spark.hadoop.hive.metastore.schema.verification: 'false'"
    ),
}


@dataclass(frozen=True)
class FixtureBuild:
    target: str
    root: Path
    returncode: int
    output: str
    results: dict[str, dict[str, Any]]  # test results by the name of the model they test


def literal(value: Any, kind: str) -> str:
    """A portable SQL literal of a fixture value, cast to its column type."""
    if value is None:
        text = "null"
    elif isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        text = "'NaN'" if math.isnan(value) else ("'Infinity'" if value > 0 else "'-Infinity'")
    elif isinstance(value, str):
        text = "'" + value.replace("'", "''") + "'"
    else:
        text = repr(value)
    return f"cast({text} as {TYPES[kind]})"


def model_sql(rows: list[tuple[Any, ...]]) -> str:
    """The rows as a union of selects (standard SQL on DuckDB, PostgreSQL and Spark)."""
    selects = [
        "select " + ", ".join(f"{literal(value, kind)} as {name}" for value, (name, kind) in zip(row, COLUMNS, strict=True))
        for row in rows
    ]
    return "\nunion all\n".join(selects) + "\n"


def write_fixture_project(root: Path, target: str) -> None:
    (root / "models").mkdir(parents=True)
    (root / "macros").symlink_to(PROJECT_DIR / "macros", target_is_directory=True)
    (root / "dbt_project.yml").write_text(
        "name: ai_maturity\nversion: '0.1.0'\nconfig-version: 2\nprofile: column_checks_fixture\n"
        "model-paths: [models]\nmacro-paths: [macros]\n"
        "models:\n  ai_maturity:\n    +materialized: table\n"
    )
    output = textwrap.indent(OUTPUTS[target].format(root=root), " " * 6)
    (root / "profiles.yml").write_text(f"column_checks_fixture:\n  target: {target}\n  outputs:\n    {target}:\n{output}\n")
    (root / "models" / "checked_clean.sql").write_text(model_sql(CLEAN_ROWS))
    (root / "models" / "checked_bad.sql").write_text(model_sql(BAD_ROWS))
    (root / "models" / "checked_typo.sql").write_text("select 1 as id\n")
    (root / "models" / "checked_none.sql").write_text("select 1 as id\n")
    (root / "models" / "checked_parent.sql").write_text("select 1 as id union all select 2 as id\n")
    models = "".join(
        f"  - name: {name}\n    description: Fixture.\n    data_tests:{MODEL_CHECKS.format(name=name)}"
        f"    columns:{CHECKS_YML}"
        for name in ("checked_clean", "checked_bad")
    )
    models += (
        "  - name: checked_typo\n    description: A misspelt check.\n    data_tests:\n      - ai_maturity.column_checks\n"
        "    columns:\n      - name: id\n        description: Key.\n        config: {meta: {checks: [not_nul]}}\n"
    )
    models += (
        "  - name: checked_none\n    description: No column declares a check.\n"
        "    data_tests:\n      - ai_maturity.column_checks\n"
        "    columns:\n      - name: id\n        description: Key.\n"
    )
    (root / "models" / "_models.yml").write_text(f"version: 2\n\nmodels:\n{models}")


def dbt(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cli = [
        str(Path(sys.executable).parent / "dbt"), *args,
        "--project-dir", str(root), "--profiles-dir", str(root),
        "--target-path", str(root / "target"), "--log-path", str(root / "logs"),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(cli, env=env, capture_output=True, text=True, check=False, cwd=root)


@pytest.fixture(
    scope="module",
    params=[
        "duckdb",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not os.environ.get("AI_MATURITY_PG_HOST"), reason="AI_MATURITY_PG_HOST not set"),
        ),
        pytest.param("spark", marks=pytest.mark.spark),
    ],
)
def fixture_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureBuild]:
    target: str = request.param
    root = tmp_path_factory.mktemp(f"column_checks_{target}")
    write_fixture_project(root, target)
    completed = dbt(root, "build", "--store-failures")
    run_results = json.loads((root / "target" / "run_results.json").read_text())
    results = {
        result["unique_id"].split(".")[2].removeprefix("ai_maturity_column_checks_").rstrip("_"): result
        for result in run_results["results"]
        if result["unique_id"].startswith("test.")
    }
    yield FixtureBuild(target, root, completed.returncode, completed.stdout + completed.stderr, results)


def stored_failures(build: FixtureBuild, relation: str) -> list[dict[str, Any]]:
    """Rows of a test's stored failures (read with `dbt show` on engines other than DuckDB)."""
    if build.target == "duckdb":
        return query(build.root / "fixture.duckdb", f"select * from {relation}")
    shown = dbt(
        build.root, "show", "--inline", f"select * from {relation}", "--limit", "100", "--output", "json", "--log-format", "json"
    )
    for line in shown.stdout.splitlines():
        data = json.loads(line).get("data", {})
        if "preview" in data:
            return list(json.loads(data["preview"]))
    raise AssertionError(shown.stdout[-3000:] + shown.stderr[-2000:])


def normalised(sample: Any) -> str | None:
    """A sample value as the same text on every engine (NaN, Infinity, inf …)."""
    if sample is None:
        return None
    text = str(sample).lower()
    return {"infinity": "inf", "-infinity": "-inf"}.get(text, text)


def test_clean_data_passes(fixture_build: FixtureBuild) -> None:
    assert fixture_build.results["checked_clean"]["status"] == "pass", fixture_build.output[-3000:]
    assert fixture_build.results["checked_none"]["status"] == "pass", fixture_build.output[-3000:]


def test_each_violation_is_caught_and_named(fixture_build: FixtureBuild) -> None:
    result = fixture_build.results["checked_bad"]
    assert result["status"] == "fail", fixture_build.output[-3000:]
    assert result["failures"] == len(EXPECTED_FAILURES)
    rows = stored_failures(fixture_build, result["relation_name"])
    failures = {
        (row["column_name"], row["check_name"]): (int(row["failing_rows"]), normalised(row["sample_value"]))
        for row in rows
    }
    assert failures == EXPECTED_FAILURES


def test_an_unknown_check_fails_naming_the_column(fixture_build: FixtureBuild) -> None:
    result = fixture_build.results["checked_typo"]
    assert result["status"] == "error"
    assert "checked_typo.id: unknown check not_nul" in result["message"]

"""Run the dbt project against hand-made raw data in a throw-away DuckDB file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROFILES_DIR = PROJECT_DIR / "profiles"
SOURCES_YML = PROJECT_DIR / "models" / "staging" / "ai_maturity_raw" / "_ai_maturity_raw__sources.yml"
DUCKDB_TYPES = {
    "string": "varchar",
    "timestamp": "timestamp",
    "boolean": "boolean",
    "bigint": "bigint",
    "double": "double",
}

Row = Mapping[str, Any]

TARGET_SCHEMA = "main"  # the schema of the duckdb target in profiles/profiles.yml


def package_schemas(target_schema: str = TARGET_SCHEMA) -> dict[str, str]:
    """Schema of each layer of the package ('staging', 'intermediate', 'marts', 'seeds') by default:
    `<target schema>_<var ai_maturity__<layer>_schema>` of dbt_project.yml (macros/schemas.sql)."""
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["ai_maturity"]
    schemas = {
        layer: f"{target_schema}_{project_vars[f'ai_maturity__{layer}_schema']}"
        for layer in ("staging", "intermediate", "marts")
    }
    seeds = project_vars["ai_maturity__seeds_schema"]
    schemas["seeds"] = f"{target_schema}_{seeds}" if seeds else schemas["marts"]
    return schemas


SCHEMAS = package_schemas()
MARTS_SCHEMA = SCHEMAS["marts"]
# the package's schemas as a SQL list, for information_schema queries
PACKAGE_SCHEMAS_SQL = "(" + ", ".join(f"'{schema}'" for schema in sorted(set(SCHEMAS.values()))) + ")"
# unqualified names in the tests' SQL find the package's models in this order (then the target schema)
SEARCH_PATH = ",".join([SCHEMAS["marts"], SCHEMAS["intermediate"], SCHEMAS["staging"], TARGET_SCHEMA])


def connect(db_path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to a built DuckDB file whose unqualified names resolve to the package's
    relations (marts, intermediate, staging, then the target schema)."""
    con = duckdb.connect(str(db_path), read_only=read_only)
    existing = {row[0] for row in con.execute("select schema_name from information_schema.schemata").fetchall()}
    search_path = ",".join(schema for schema in SEARCH_PATH.split(",") if schema in existing)
    if search_path:
        con.execute(f"set search_path = '{search_path}'")
    return con


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> tuple[Any, ...]:
    """The row of a query that returns one (a count, an aggregate); `parameters` as DuckDB takes them."""
    row = con.execute(sql, parameters).fetchone()
    assert row is not None, f"no row: {sql}"
    return row


def raw_contract() -> dict[str, list[tuple[str, str]]]:
    """Each raw table of the source yml with its (column, logical type) list."""
    source = yaml.safe_load(SOURCES_YML.read_text())["sources"][0]
    return {
        table["name"]: [(column["name"], column["data_type"]) for column in table["columns"]]
        for table in source["tables"]
    }


def copy_seed(con: duckdb.DuckDBPyConnection, seed: str, relation: str, types: Mapping[str, str]) -> None:
    """A host project's own copy of a package seed (its CSV, with the given column types) as `relation`."""
    type_sql = ", ".join(f"'{column}': '{kind}'" for column, kind in types.items())
    con.execute(
        f"create table {relation} as select * from read_csv(?, header = true, types = {{{type_sql}}})",
        [str(PROJECT_DIR / "seeds" / f"{seed}.csv")],
    )


CRITERIA_TYPES = {"level": "integer", "threshold": "double"}
SMART_TARGET_TYPES = {"target_value": "double", "deadline": "date"}


def write_raw_tables(db_path: Path, rows: Mapping[str, Sequence[Row]], schema: str = "raw") -> None:
    """Create every contract table (empty unless rows are given) in `schema` of the DuckDB file."""
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create schema if not exists {schema}")
        for table, columns in raw_contract().items():
            column_sql = ", ".join(f'"{name}" {DUCKDB_TYPES[kind]}' for name, kind in columns)
            con.execute(f"create or replace table {schema}.{table} ({column_sql})")
            table_rows = rows.get(table, [])
            unknown = {key for row in table_rows for key in row} - {name for name, _ in columns}
            if unknown:
                raise ValueError(f"{table}: columns not in the contract: {sorted(unknown)}")
            if table_rows:
                names = [name for name, _ in columns]
                placeholders = ", ".join("?" for _ in names)
                con.executemany(
                    f"insert into {schema}.{table} values ({placeholders})",
                    [[row.get(name) for name in names] for row in table_rows],
                )


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one dbt command: exit code, console output and run_results.json."""

    returncode: int
    output: str
    run_results: dict[str, Any]

    @property
    def success(self) -> bool:
        return self.returncode == 0

    def failures(self) -> list[str]:
        """Readable list of what failed (empty when the command succeeded)."""
        problems = [
            f"{result['unique_id']}: {result['status']}: {result.get('message')}"
            for result in self.run_results.get("results", [])
            if result["status"] not in {"success", "pass", "skipped", "warn", "no-op"}
        ]
        if self.returncode != 0 and not problems:
            problems.append(self.output[-4000:])
        return problems


# Where the tests keep dbt's parse result between commands (conftest sets it for a session): a
# full parse of the project takes ~20 s, a partial parse from a saved manifest ~5 s.
PARSE_CACHE_ENV = "AI_MATURITY_TEST_PARSE_CACHE"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def saved_parse(key: Sequence[Any]) -> Path | None:
    """The session's saved partial-parse file for one way of invoking dbt (None outside a session).
    dbt itself checks that a saved manifest still fits (project files, vars, profile, version) and
    parses in full when it does not; the key only keeps different invocations apart."""
    root = os.environ.get(PARSE_CACHE_ENV)
    if not root:
        return None
    digest = hashlib.sha256(json.dumps(list(key), sort_keys=True, default=str).encode()).hexdigest()[:20]
    return Path(root) / f"{digest}.msgpack"


def run_with_saved_parse(
    cli: Sequence[str], key: Sequence[Any], target_dir: Path, env: Mapping[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run a dbt command whose --target-path is target_dir, starting from the session's saved parse
    for `key` and saving the parse it leaves behind."""
    saved = saved_parse(key)
    placed = target_dir / PARTIAL_PARSE_FILE
    if saved is not None and saved.exists() and not placed.exists():
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, placed)
    completed = subprocess.run(list(cli), env=dict(env), cwd=cwd, capture_output=True, text=True, check=False)
    if saved is not None and placed.exists():
        shutil.copyfile(placed, saved)
    return completed


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    work_dir: Path,
    dbt_vars: Mapping[str, Any] | None = None,
    target: str = "duckdb",
    project_dir: Path = PROJECT_DIR,
    profiles_dir: Path = PROFILES_DIR,
) -> DbtResult:
    """Run the dbt CLI of this interpreter's environment in a subprocess (a fresh adapter and
    connection every time) on this project, or another (a host project); target and logs go to
    work_dir. An existing DuckDB file is opened by name from its directory, so the profile (and
    with it dbt's saved parse) is the same whatever directory the file is in."""
    cli = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(profiles_dir),
        "--target", target,
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
    ]
    if dbt_vars:
        cli += ["--vars", json.dumps(dict(dbt_vars))]
    by_name = db_path.is_file()
    duckdb_path = db_path.name if by_name else str(db_path)
    env = {**os.environ, "AI_MATURITY_DUCKDB_PATH": duckdb_path, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    key = ["run_dbt", str(project_dir), str(profiles_dir), target, dict(dbt_vars or {}), duckdb_path]
    completed = run_with_saved_parse(cli, key, work_dir / "target", env, db_path.parent if by_name else Path.cwd())
    results_path = work_dir / "target" / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {}
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, run_results)


def nodes_that_ran(log_dir: Path, statement: str) -> set[str]:
    """The nodes that ran `statement` (a whole statement, compared stripped) according to dbt's
    debug log in log_dir (dbt.log and the files it rotated to, dbt.log.1 …), where each statement
    follows a line `... On <node id>: ...`."""
    nodes: set[str] = set()
    current = None
    lines = [line for path in sorted(log_dir.glob("dbt.log*")) for line in path.read_text().splitlines()]
    for line in lines:
        header = re.search(r"\]: On ([\w.]+): ", line)
        if header:
            current = header.group(1)
        elif re.match(r"(\x1b\[0m)?\d\d:\d\d:\d\d\.\d+ ", line):
            current = None
        elif current is not None and line.strip() == statement:
            nodes.add(current)
    return nodes


def failures(result: DbtResult) -> list[str]:
    """What failed in a dbt command (empty when it succeeded)."""
    return result.failures()


def query(db_path: Path, sql: str) -> list[dict[str, Any]]:
    """Rows of a query as dicts."""
    with connect(db_path) as con:
        cursor = con.execute(sql)
        names = [description[0] for description in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build_dataset(work_dir: Path, raw: Mapping[str, Sequence[Row]], *commands: Sequence[str]) -> Path:
    """Write the raw rows to a fresh DuckDB file in work_dir and run each dbt command on it,
    asserting that nothing fails; returns the warehouse path."""
    db_path = work_dir / "warehouse.duckdb"
    write_raw_tables(db_path, raw)
    for command in commands:
        result = run_dbt(command, db_path, work_dir)
        assert not result.failures(), result.failures()
    return db_path


def team_period_row(db_path: Path, relation: str, team_id: str, period: Any) -> dict[str, Any]:
    """The one row of a team × period mart for a team and a period (a date or 'YYYY-MM-DD')."""
    rows = query(
        db_path,
        f"select * from {relation} where team_id = '{team_id}' and period_start = date '{period}'",
    )
    assert len(rows) == 1, (relation, team_id, period, rows)
    return rows[0]


def deployment_row(deployment_id: str, service_id: str, finished_at: str, **extra: Any) -> dict[str, Any]:
    """A raw `deployments` row: a successful pipeline deployment of code to production that took no
    time, loaded on 2025-04-01; keyword arguments override or add columns."""
    row: dict[str, Any] = {
        "deployment_id": deployment_id,
        "service_id": service_id,
        "environment": "production",
        "artifact_type": "code",
        "started_at": finished_at,
        "finished_at": finished_at,
        "status": "success",
        "trigger": "pipeline",
        "_loaded_at": "2025-04-01 00:00:00",
    }
    row.update(extra)
    return row

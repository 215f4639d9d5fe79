"""Read-only connections to the warehouse the marts were built in, through the dbt profile.

`open_warehouse` connects to a DuckDB file (`--duckdb`) or to a target of `profiles/profiles.yml`:
`duckdb` (the profile's path), `spark` (a pyspark session on the same metastore and warehouse
directory as the profile's `spark` target, `scripts/spark_env.py`) or `postgres` (psycopg2 with the
target's settings, i.e. the AI_MATURITY_PG_* variables). `find_schema` finds the schema that holds
the marts: the one where `fct_team_maturity` exists.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jinja2
import pandas as pd
import yaml

from maturity_report.errors import ReportError

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PROFILES_DIR = PROJECT_DIR / "profiles"
PROFILE_NAME = "ai_maturity"
ANCHOR_TABLE = "fct_team_maturity"
TARGETS = ("duckdb", "spark", "postgres")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Warehouse(Protocol):
    """What the report needs from an engine: run a query, list the schemas holding a table."""

    def query(self, sql: str) -> pd.DataFrame: ...

    def schemas_with_table(self, table: str) -> list[str]: ...

    def close(self) -> None: ...


def check_identifier(name: str, what: str) -> str:
    """A schema or table name safe to put in SQL unquoted, or a one-line error."""
    if not _IDENTIFIER.match(name):
        raise ReportError(f"{what} {name!r} is not a plain identifier (letters, digits, underscores)")
    return name


def _as_number(value: Any) -> int | float:
    """dbt's `as_number` filter: the rendered text as a number, or a one-line error."""
    try:
        return float(value) if "." in str(value) else int(value)
    except ValueError:
        raise ReportError(f"the dbt profile expects a number, got {value!r}") from None


def profile_target(target: str, profiles_dir: Path = DEFAULT_PROFILES_DIR) -> dict[str, Any]:
    """The settings of one target of the project's dbt profile, rendered as dbt renders them."""
    path = profiles_dir / "profiles.yml"
    if not path.is_file():
        raise ReportError(f"no dbt profile at {path}")
    outputs = yaml.safe_load(path.read_text())[PROFILE_NAME]["outputs"]
    if target not in outputs:
        raise ReportError(f"target {target!r} is not in {path} (targets: {', '.join(sorted(outputs))})")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def env_var(name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise ReportError(f"the dbt profile needs the environment variable {name}, which is not set")
        return value

    env.globals["env_var"] = env_var
    env.globals["flags"] = {"PROFILES_DIR": str(profiles_dir)}
    env.filters["as_number"] = _as_number

    def render(value: Any) -> Any:
        if isinstance(value, str):
            text = env.from_string(value).render()
            return _as_number(text) if "as_number" in value else text
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        if isinstance(value, list):
            return [render(item) for item in value]
        return value

    rendered = render(outputs[target])
    assert isinstance(rendered, dict)
    return rendered


@dataclass
class DuckDBWarehouse:
    """A DuckDB file opened read-only."""

    path: Path

    def __post_init__(self) -> None:
        import duckdb

        if not self.path.is_file():
            raise ReportError(f"DuckDB file '{self.path}' does not exist (build the marts first: bash scripts/demo.sh)")
        try:
            self._con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as error:
            raise ReportError(f"DuckDB file '{self.path}' cannot be opened: {str(error).splitlines()[0]}") from None

    def query(self, sql: str) -> pd.DataFrame:
        return self._con.execute(sql).df()

    def schemas_with_table(self, table: str) -> list[str]:
        rows = self._con.execute(
            "select distinct table_schema from information_schema.tables "
            "where table_name = ? and table_catalog = current_database() order by 1",
            [table],
        ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self._con.close()


class PostgresWarehouse:
    """A PostgreSQL database (psycopg2), the `postgres` target's settings."""

    def __init__(self, settings: dict[str, Any]) -> None:
        import psycopg2

        try:
            self._con = psycopg2.connect(
                host=settings["host"],
                port=int(settings["port"]),
                user=settings["user"],
                password=settings.get("password") or None,
                dbname=settings["dbname"],
                connect_timeout=int(settings.get("connect_timeout", 10)),
                options="-c TimeZone=UTC",
            )
        except psycopg2.Error as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ReportError(
                f"cannot connect to PostgreSQL {settings['host']}:{settings['port']}/{settings['dbname']}: {message}"
            ) from None
        self._con.set_session(readonly=True, autocommit=True)

    def query(self, sql: str) -> pd.DataFrame:
        with self._con.cursor() as cursor:
            cursor.execute(sql)
            names = [column.name for column in cursor.description or []]
            return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    def schemas_with_table(self, table: str) -> list[str]:
        with self._con.cursor() as cursor:
            cursor.execute(
                "select distinct table_schema from information_schema.tables where table_name = %s "
                "and table_schema not in ('pg_catalog', 'information_schema') order by 1",
                (table,),
            )
            return [row[0] for row in cursor.fetchall()]

    def close(self) -> None:
        self._con.close()


class SparkWarehouse:
    """The local Spark catalog of the `spark` target (scripts/spark_env.py builds the same session)."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark's notice about pandas 3
            from spark_env import get_session

            # toPandas without Arrow (pyarrow is not a dependency): no fallback warning
            self._session = get_session(
                {"spark.app.name": "ai_maturity_report", "spark.sql.execution.arrow.pyspark.enabled": "false"}
            )

    def query(self, sql: str) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark's notice about pandas 3
            return self._session.sql(sql).toPandas()

    def schemas_with_table(self, table: str) -> list[str]:
        catalog = self._session.catalog
        return sorted(db.name for db in catalog.listDatabases() if catalog.tableExists(f"{db.name}.{table}"))

    def close(self) -> None:
        self._session.stop()


def open_warehouse(duckdb_path: Path | None, target: str | None, profiles_dir: Path = DEFAULT_PROFILES_DIR) -> Warehouse:
    """The warehouse named on the command line: a DuckDB file, or a target of the dbt profile."""
    if duckdb_path is not None:
        return DuckDBWarehouse(duckdb_path)
    name = target or os.environ.get("AI_MATURITY_TARGET", "duckdb")
    openers: dict[str, Callable[[], Warehouse]] = {
        "duckdb": lambda: DuckDBWarehouse(Path(profile_target("duckdb", profiles_dir)["path"])),
        "spark": SparkWarehouse,
        "postgres": lambda: PostgresWarehouse(profile_target("postgres", profiles_dir)),
    }
    if name not in openers:
        raise ReportError(f"unknown target {name!r}: use one of {', '.join(TARGETS)}")
    profile_target(name, profiles_dir)  # the target must be in the profile (the Spark session reads it too)
    return openers[name]()


def find_schema(warehouse: Warehouse, schema: str | None) -> str:
    """The schema holding the marts: the one given, else the only one where fct_team_maturity exists."""
    if schema is not None:
        check_identifier(schema, "schema")
        if schema not in warehouse.schemas_with_table(ANCHOR_TABLE):
            raise ReportError(f"schema {schema!r} has no {ANCHOR_TABLE}: build the marts there, or pass another --schema")
        return schema
    found = warehouse.schemas_with_table(ANCHOR_TABLE)
    if not found:
        raise ReportError(f"no schema holds {ANCHOR_TABLE}: run `dbt build` first, or point --duckdb/--target at the warehouse")
    if len(found) > 1:
        raise ReportError(f"{ANCHOR_TABLE} exists in several schemas ({', '.join(found)}): pick one with --schema")
    return check_identifier(found[0], "schema")

"""The warehouses the checkpoint validates: a GX data source per target, catalog look-ups, SQL dialect bits.

DuckDB and PostgreSQL are GX SQL data sources (SQLAlchemy; `duckdb-engine` for DuckDB); Spark is a
GX Spark data source over the same local session the `spark` target runs (scripts/spark_env.py),
each table handed over as a lazy DataFrame (`spark.table`), so every expectation runs as Spark SQL.
No table is ever pulled into pandas: catalog look-ups read information_schema / the Spark catalog.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .contract import PROJECT_DIR

# GX type names per logical type of the contract. DuckDB: SQLAlchemy type classes (GX checks the
# reflected type with isinstance); PostgreSQL: type names (GX compares them case-insensitively);
# Spark: pyspark.sql.types classes. Timestamps may be delivered as text (staging parses them).
_SQLALCHEMY_TYPES = {
    "string": ["String"],
    "timestamp": ["DateTime", "Date", "String"],
    "boolean": ["Boolean"],
    "bigint": ["Integer", "Numeric"],
    "double": ["Float", "Numeric", "Integer"],
}
_POSTGRES_TYPES = {
    "string": ["TEXT", "VARCHAR", "CHARACTER VARYING", "CHAR", "CHARACTER"],
    "timestamp": ["TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP WITH TIME ZONE", "DATE",
                  "TEXT", "VARCHAR"],
    "boolean": ["BOOLEAN"],
    "bigint": ["BIGINT", "INTEGER", "SMALLINT", "NUMERIC"],
    "double": ["DOUBLE PRECISION", "DOUBLE_PRECISION", "REAL", "NUMERIC", "BIGINT", "INTEGER", "SMALLINT"],
}
_SPARK_TYPES = {
    "string": ["StringType", "VarcharType", "CharType"],
    "timestamp": ["TimestampType", "TimestampNTZType", "DateType", "StringType"],
    "boolean": ["BooleanType"],
    "bigint": ["LongType", "IntegerType", "ShortType", "ByteType", "DecimalType"],
    "double": ["DoubleType", "FloatType", "DecimalType", "LongType", "IntegerType", "ShortType"],
}


class UserError(Exception):
    """A mistake of the caller (a wrong path, an unreachable server, a missing schema): one line, no traceback."""


class Target(ABC):
    """One warehouse: where the tables are, how GX reads them, and the SQL that differs."""

    name: str
    type_names: dict[str, list[str]]

    @abstractmethod
    def add_datasource(self, context: Any) -> Any:
        """Register the GX data source in the context."""

    @abstractmethod
    def add_batch(self, datasource: Any, schema: str, table: str) -> tuple[Any, dict[str, Any] | None]:
        """A GX batch definition of the whole table and the batch parameters a run needs."""

    @abstractmethod
    def columns(self, schema: str, table: str) -> dict[str, str] | None:
        """Lower-cased column name → type of a table, or None when it does not exist."""

    @abstractmethod
    def schemas_with(self, table: str) -> list[str]:
        """The schemas holding a table of that name."""

    @abstractmethod
    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a small catalog or aggregate query."""

    @abstractmethod
    def epoch(self, expression: str) -> str:
        """SQL: seconds since 1970 of a timestamp expression."""

    def relation(self, schema: str, table: str) -> str:
        return f"{schema}.{table}"

    def close(self) -> None:  # noqa: B027 - a no-op unless a target holds connections
        """Release connections."""


class SqlTarget(Target):
    """DuckDB or PostgreSQL through SQLAlchemy."""

    def __init__(self, name: str, url: str, connect_args: dict[str, Any] | None = None) -> None:
        import sqlalchemy as sa

        self.name = name
        self.url = url
        self.connect_args = connect_args or {}
        self.type_names = _POSTGRES_TYPES if name == "postgres" else _SQLALCHEMY_TYPES
        self._engine = sa.create_engine(url, connect_args=self.connect_args)
        try:
            with self._engine.connect() as connection:
                connection.execute(sa.text("select 1")).fetchall()
        except Exception as error:  # any driver error is the caller's setting
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise UserError(f"cannot connect to the {name} warehouse: {first_line}") from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self._rows(sql)

    def _rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        import sqlalchemy as sa

        with self._engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params).fetchall()]

    def add_datasource(self, context: Any) -> Any:
        return context.data_sources.add_sql(
            name=f"ai_maturity_{self.name}",
            connection_string=self.url,
            kwargs={"connect_args": self.connect_args} if self.connect_args else {},
        )

    def add_batch(self, datasource: Any, schema: str, table: str) -> tuple[Any, dict[str, Any] | None]:
        asset = datasource.add_table_asset(name=f"{schema}.{table}", table_name=table, schema_name=schema)
        return asset.add_batch_definition_whole_table("whole_table"), None

    def columns(self, schema: str, table: str) -> dict[str, str] | None:
        rows = self._rows(
            "select column_name, data_type from information_schema.columns "
            "where lower(table_schema) = lower(:schema) and lower(table_name) = lower(:table) "
            "order by ordinal_position",
            schema=schema, table=table,
        )
        return {str(name).lower(): str(kind) for name, kind in rows} or None

    def schemas_with(self, table: str) -> list[str]:
        rows = self._rows(
            "select distinct table_schema from information_schema.tables where lower(table_name) = lower(:table) "
            "order by 1",
            table=table,
        )
        return [str(row[0]) for row in rows]

    def epoch(self, expression: str) -> str:
        if self.name == "duckdb":
            return f"epoch({expression})"
        return f"extract(epoch from {expression})"

    def close(self) -> None:
        self._engine.dispose()


def _register_duckdb_dialect() -> str:
    """The SQLAlchemy driver name of a read-only duckdb-engine dialect without transactions.

    duckdb-engine opens a DuckDB transaction on SQLAlchemy's implicit begin, and DuckDB 2.0 drops a
    query's pending result when that transaction rolls back; SQLAlchemy rolls back when GX closes a
    connection before it fetches the rows (GX's execute_query), so with the stock dialect every GX
    metric reads an empty result. The checkpoint only reads (the file is opened read-only): every
    statement runs in DuckDB's own auto-commit, and there is nothing to begin or roll back.
    """
    from duckdb_engine import Dialect
    from sqlalchemy.dialects import registry

    class ReadOnlyDuckDBDialect(Dialect):  # type: ignore[misc]
        supports_statement_cache = False

        def do_begin(self, dbapi_connection: Any) -> None:
            return None

        def do_rollback(self, dbapi_connection: Any) -> None:
            return None

        def do_commit(self, dbapi_connection: Any) -> None:
            return None

    module = sys.modules[__name__]
    setattr(module, "ReadOnlyDuckDBDialect", ReadOnlyDuckDBDialect)  # noqa: B010 - mypy: a module has no such attribute
    registry.register("duckdb.ai_maturity_readonly", __name__, "ReadOnlyDuckDBDialect")
    return "duckdb+ai_maturity_readonly"


def default_duckdb_path() -> Path:
    """AI_MATURITY_DUCKDB_PATH (relative to the current directory), else the project's
    data/ai_maturity.duckdb, as the `duckdb` profile of profiles/profiles.yml resolves it."""
    given = os.environ.get("AI_MATURITY_DUCKDB_PATH")
    return Path(given).resolve() if given else PROJECT_DIR / "data" / "ai_maturity.duckdb"


def duckdb_target(path: Path) -> SqlTarget:
    if not path.is_file():
        raise UserError(
            f"DuckDB file '{path}' does not exist: set AI_MATURITY_DUCKDB_PATH (or --duckdb) to the file "
            "that holds the raw tables and marts"
        )
    driver = _register_duckdb_dialect()
    return SqlTarget("duckdb", f"{driver}:///{path}?access_mode=read_only")


def postgres_target() -> SqlTarget:
    """The `postgres` target's connection, from the same env vars as profiles/profiles.yml."""
    sys.path.insert(0, str(PROJECT_DIR / "scripts"))
    from urllib.parse import quote

    from postgres_load_raw import settings_from_env

    settings = settings_from_env()
    url = (
        f"postgresql+psycopg2://{quote(settings['user'])}:{quote(settings['password'])}"
        f"@{settings['host']}:{settings['port']}/{quote(settings['dbname'])}"
    )
    return SqlTarget("postgres", url, {"options": "-c TimeZone=UTC", "connect_timeout": 10})


class SparkTarget(Target):
    """The local Spark of the `spark` target (Hive catalog under AI_MATURITY_SPARK_DIR)."""

    name = "spark"
    type_names = _SPARK_TYPES

    def __init__(self) -> None:
        sys.path.insert(0, str(PROJECT_DIR / "scripts"))
        import spark_env

        self._conf = spark_env.spark_conf()
        self.session = spark_env.get_session()

    def add_datasource(self, context: Any) -> Any:
        # the session above already runs with the profile's settings and the Hive catalog: GX reuses
        # the active session (no config to apply, so it is never restarted); persist=False keeps GX
        # from caching whole tables in memory
        return context.data_sources.add_spark(name="ai_maturity_spark", persist=False)

    def add_batch(self, datasource: Any, schema: str, table: str) -> tuple[Any, dict[str, Any] | None]:
        asset = datasource.add_dataframe_asset(name=f"{schema}.{table}")
        batch_definition = asset.add_batch_definition_whole_dataframe("whole_table")
        return batch_definition, {"dataframe": self.session.table(f"`{schema}`.`{table}`")}

    def columns(self, schema: str, table: str) -> dict[str, str] | None:
        if not self.session.catalog.tableExists(table, schema):
            return None
        fields = self.session.table(f"`{schema}`.`{table}`").schema.fields
        return {field.name.lower(): type(field.dataType).__name__ for field in fields}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.session.sql(sql).collect()]

    def schemas_with(self, table: str) -> list[str]:
        return sorted(
            database.name
            for database in self.session.catalog.listDatabases()
            if self.session.catalog.tableExists(table, database.name)
        )

    def epoch(self, expression: str) -> str:
        return f"unix_timestamp({expression})"

    def relation(self, schema: str, table: str) -> str:
        return f"`{schema}`.`{table}`"

    def close(self) -> None:
        self.session.stop()


def make_target(name: str, duckdb_path: Path | None = None) -> Target:
    if name == "duckdb":
        return duckdb_target(duckdb_path or default_duckdb_path())
    if name == "postgres":
        return postgres_target()
    return SparkTarget()

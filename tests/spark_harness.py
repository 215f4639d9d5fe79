"""Run the project on other engines than DuckDB (the local Spark of the `spark` target, PostgreSQL)
and read their tables back for comparison.

Spark: every step is its own process, exactly as a user runs it (scripts/spark_load_raw.py, then the
dbt CLI with `--target spark`), sharing one catalog directory (AI_MATURITY_SPARK_DIR). Tables are
read back by a short Spark job (`python tests/spark_harness.py export …`) that writes them as
parquet, so the pytest process never holds a JVM or the Derby metastore lock.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import PROFILES_DIR, PROJECT_DIR, DbtResult, run_with_saved_parse

SCRIPTS_DIR = PROJECT_DIR / "scripts"


# --- Spark ---------------------------------------------------------------------------------------

def spark_skip_reason() -> str | None:
    """Why the local Spark cannot run here (None when it can)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as error:
        return f"dbt-spark[session] / pyspark not installed: {error}"
    return None


def spark_env(spark_dir: Path) -> dict[str, str]:
    return {**os.environ, "AI_MATURITY_SPARK_DIR": str(spark_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def load_raw_into_spark(duckdb_path: Path, spark_dir: Path) -> subprocess.CompletedProcess[str]:
    """The raw schema of a DuckDB file into Spark database `raw` (scripts/spark_load_raw.py)."""
    return subprocess.run(
        [sys.executable, str(SCRIPTS_DIR / "spark_load_raw.py"), "--duckdb", str(duckdb_path)],
        env=spark_env(spark_dir),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def run_dbt_on(
    target: str,
    args: Sequence[str],
    work_dir: Path,
    env: Mapping[str, str],
    dbt_vars: Mapping[str, Any] | None = None,
) -> tuple[DbtResult, float]:
    """A dbt CLI command on a target, in a subprocess; its result and wall-clock seconds."""
    cli = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROFILES_DIR),
        "--target", target,
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
    ]
    if dbt_vars:
        cli += ["--vars", json.dumps(dict(dbt_vars))]
    # the profile's connection keys that vary between the tests' commands
    key = ["run_dbt_on", target, dict(dbt_vars or {}), env.get("AI_MATURITY_SPARK_SCHEMA"), env.get("AI_MATURITY_PG_SCHEMA")]
    started = time.monotonic()
    completed = run_with_saved_parse(cli, key, work_dir / "target", env, PROJECT_DIR)
    elapsed = time.monotonic() - started
    results_path = work_dir / "target" / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {}
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, run_results), elapsed


def export_spark_tables(spark_dir: Path, schema: str, tables: Sequence[str], out_dir: Path) -> subprocess.CompletedProcess[str]:
    """Write Spark tables `schema.<table>` as out_dir/<table>/*.parquet (a Spark job in a subprocess)."""
    return subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "export", "--schema", schema, "--out", str(out_dir), *tables],
        env=spark_env(spark_dir),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def _export_main(schema: str, tables: Sequence[str], out_dir: Path) -> int:
    sys.path.insert(0, str(SCRIPTS_DIR))
    import spark_env as session_env

    # exact micros in parquet (not INT96), so DuckDB reads the same instants back
    spark = session_env.get_session({"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"})
    for table in tables:
        spark.table(f"`{schema}`.`{table}`").coalesce(1).write.mode("overwrite").parquet(str(out_dir / table))
    return 0


# --- PostgreSQL ----------------------------------------------------------------------------------

def postgres_skip_reason() -> str | None:
    """Why the PostgreSQL comparison cannot run (None when a server answers and accepts us)."""
    import postgres_load_raw

    if not os.environ.get("AI_MATURITY_PG_HOST"):
        return "AI_MATURITY_PG_HOST is not set (point AI_MATURITY_PG_* at a PostgreSQL server to compare it too)"
    settings = postgres_load_raw.settings_from_env()
    try:
        with socket.create_connection((settings["host"], int(settings["port"])), timeout=3):
            pass
    except OSError as error:
        return f"no PostgreSQL server at {settings['host']}:{settings['port']}: {error}"
    try:
        postgres_load_raw.connect(settings).close()
    except Exception as error:  # any connection failure is a reason to skip
        return f"cannot connect to PostgreSQL as {settings['user']}@{settings['dbname']}: {error}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Spark helpers for the tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write Spark tables as parquet directories")
    export.add_argument("--schema", required=True)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("tables", nargs="+")
    args = parser.parse_args(argv)
    return _export_main(args.schema, args.tables, args.out)


if __name__ == "__main__":
    raise SystemExit(main())

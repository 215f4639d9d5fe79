"""Load the raw tables into the local Spark catalog of the `spark` target (database `raw`).

    # the demo data (generated on the fly), then build on Spark:
    .venv/bin/python scripts/spark_load_raw.py --demo small
    DBT_PROFILES_DIR=profiles .venv/bin/dbt build --target spark

    # or raw tables that already exist elsewhere:
    .venv/bin/python scripts/spark_load_raw.py --duckdb data/ai_maturity.duckdb   # its schema `raw`
    .venv/bin/python scripts/spark_load_raw.py --parquet-dir path/to/raw          # <table>.parquet or <table>/

Every table becomes a managed parquet table `raw.<table>` in the warehouse under
AI_MATURITY_SPARK_DIR (default data/spark), replacing a table of the same name; timestamps without
a time zone are read as UTC (the session time zone). On a real cluster, land the raw tables with
your own loader instead and point vars ai_maturity__raw_schema at them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spark_env


def progress(message: str) -> None:
    """A progress line on stderr (stdout keeps the per-table summary)."""
    print(message, file=sys.stderr, flush=True)


def export_duckdb_raw(duckdb_path: Path, out_dir: Path, schema: str = "raw") -> list[str]:
    """Write every table of `schema` in the DuckDB file as out_dir/<table>.parquet; their names."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [schema],
            ).fetchall()
        ]
        if not tables:
            raise SystemExit(f"{duckdb_path}: no tables in schema {schema}")
        for table in tables:
            target = out_dir / f"{table}.parquet"
            con.execute(f"copy (select * from \"{schema}\".\"{table}\") to '{target}' (format parquet)")
            progress(f"exported {schema}.{table} from {duckdb_path.name}")
    return tables


def parquet_tables(parquet_dir: Path) -> dict[str, Path]:
    """The tables of a directory: <table>.parquet files and <table>/ directories of parquet files."""
    found: dict[str, Path] = {}
    for path in sorted(parquet_dir.iterdir()):
        if path.is_file() and path.suffix == ".parquet":
            found[path.stem] = path
        elif path.is_dir() and any(path.glob("*.parquet")):
            found[path.name] = path
    if not found:
        raise SystemExit(f"{parquet_dir}: no <table>.parquet files or <table>/ parquet directories")
    return found


def load_parquet_tables(tables: dict[str, Path], schema: str = spark_env.RAW_SCHEMA) -> dict[str, int]:
    """Create or replace each table as a managed parquet table `schema.<table>`; rows per table."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType

    progress(f"starting Spark ({spark_env.spark_dir()})")
    spark = spark_env.get_session()
    spark.sql(f"create database if not exists `{schema}`")
    counts: dict[str, int] = {}
    for number, (table, path) in enumerate(tables.items(), start=1):
        began = time.monotonic()
        frame = spark.read.parquet(str(path.resolve()))
        # naive timestamps (DuckDB TIMESTAMP) are UTC instants: make them Spark TIMESTAMP
        frame = frame.select(
            *[
                F.col(f"`{field.name}`").cast("timestamp").alias(field.name)
                if isinstance(field.dataType, TimestampNTZType)
                else F.col(f"`{field.name}`")
                for field in frame.schema.fields
            ]
        )
        spark.sql(f"drop table if exists `{schema}`.`{table}`")
        frame.write.format("parquet").mode("overwrite").saveAsTable(f"`{schema}`.`{table}`")
        counts[table] = spark.table(f"`{schema}`.`{table}`").count()
        progress(f"[{number}/{len(tables)}] {schema}.{table}: {counts[table]:,} rows in {time.monotonic() - began:.1f} s")
    return counts


def generate_demo(profile: str, duckdb_path: Path) -> None:
    """Run the demo-data generator into a DuckDB file (schema raw)."""
    generator = spark_env.PROJECT_DIR / "scripts" / "generate_demo_data.py"
    if not generator.exists():
        raise SystemExit(f"{generator} is missing: use --duckdb or --parquet-dir")
    subprocess.run(
        [sys.executable, str(generator), "--duckdb", str(duckdb_path), "--profile", profile],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", metavar="PROFILE", help="generate the demo data (e.g. small) and load it")
    source.add_argument("--duckdb", type=Path, help="a DuckDB file whose schema --duckdb-schema holds the raw tables")
    source.add_argument("--parquet-dir", type=Path, help="a directory of <table>.parquet files or <table>/ directories")
    parser.add_argument("--duckdb-schema", default="raw", help="schema of the raw tables in the DuckDB file (default raw)")
    parser.add_argument("--schema", default=spark_env.RAW_SCHEMA, help="Spark database to load into (default raw)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ai_maturity_spark_load_") as scratch:
        scratch_dir = Path(scratch)
        if args.parquet_dir:
            tables = parquet_tables(args.parquet_dir)
        else:
            duckdb_path = args.duckdb
            if args.demo:
                duckdb_path = scratch_dir / "demo.duckdb"
                generate_demo(args.demo, duckdb_path)
            names = export_duckdb_raw(duckdb_path, scratch_dir, args.duckdb_schema)
            tables = {name: scratch_dir / f"{name}.parquet" for name in names}
        counts = load_parquet_tables(tables, args.schema)
    for table, rows in counts.items():
        print(f"{args.schema}.{table}: {rows} rows")
    print(f"loaded {len(counts)} tables into Spark ({spark_env.spark_dir()}) in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

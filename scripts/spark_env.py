"""The local Spark the `spark` target of profiles/profiles.yml runs on, for scripts and tests.

The profile (dbt-spark `session` method) and these helpers must build the same session: a local
master, UTC session time zone, few shuffle partitions, no UI, and a Hive catalog kept in an embedded
Derby metastore plus a parquet warehouse under one directory (env AI_MATURITY_SPARK_DIR, default
data/spark, relative to the current directory), so tables written by one process (the loader) are
seen by the next (a dbt command). Embedded Derby admits one process at a time: run the loader, dbt
and any reader one after the other, never side by side on the same directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # pyspark is heavy: import it only where a session is built
    from pyspark.sql import SparkSession

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROFILES_YML = PROJECT_DIR / "profiles" / "profiles.yml"
DEFAULT_SPARK_DIR = "data/spark"
RAW_SCHEMA = "raw"

_ENV_VAR = re.compile(r"\{\{\s*env_var\('([A-Z0-9_]+)'(?:,\s*'([^']*)')?\)\s*\}\}")


def spark_dir() -> str:
    """The directory holding the metastore and the warehouse (as given: relative paths stay relative)."""
    return os.environ.get("AI_MATURITY_SPARK_DIR", DEFAULT_SPARK_DIR)


def _render_env(text: str) -> str:
    """Render the `env_var('NAME', 'default')` calls of a profile value, as dbt would."""
    return _ENV_VAR.sub(lambda match: os.environ.get(match.group(1), match.group(2) or ""), text)


def spark_conf() -> dict[str, str]:
    """The Spark settings of the profile's `spark` target, env vars rendered (one source of truth)."""
    profile = yaml.safe_load(PROFILES_YML.read_text())["ai_maturity"]["outputs"]["spark"]
    conf = {str(key): _render_env(str(value)) for key, value in profile["server_side_parameters"].items()}
    # dbt-spark forces this on every statement; do the same so scripts see what dbt sees
    conf["spark.sql.ansi.enabled"] = "false"
    return conf


def get_session(extra_conf: dict[str, Any] | None = None) -> SparkSession:
    """A SparkSession with the profile's settings and Hive support (reused if one already runs)."""
    from pyspark.sql import SparkSession

    Path(spark_dir()).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {**spark_conf(), **(extra_conf or {})}.items():
        builder = builder.config(key, str(value))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def main(argv: list[str] | None = None) -> int:
    """Print the settings (a helper module; running it starts no Spark)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="spark_env.py",
        description="Print the Spark settings of the `spark` target (profiles/profiles.yml, env vars rendered) "
                    "that the loaders, the checkpoint and the tests build their session with. Starts no Spark.",
    )
    parser.parse_args(argv)
    print(f"AI_MATURITY_SPARK_DIR={spark_dir()}")
    for key, value in sorted(spark_conf().items()):
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

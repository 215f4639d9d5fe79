"""Where the benchmark keeps its files, how a scale becomes a generator command, and the DuckDB
settings of the dbt profile (read from profiles/profiles.yml so the floor and pandas use the same)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GENERATOR = PROJECT_DIR / "scripts" / "generate_demo_data.py"
PROFILES_DIR = PROJECT_DIR / "profiles"
BENCH_DIR_ENV = "AI_MATURITY_BENCH_DIR"
DEFAULT_BENCH_DIR = PROJECT_DIR / "data" / "benchmark"


def bench_dir() -> Path:
    return Path(os.environ.get(BENCH_DIR_ENV) or DEFAULT_BENCH_DIR).resolve()


def generator_help() -> str:
    completed = subprocess.run([PYTHON, str(GENERATOR), "--help"], capture_output=True, text=True, check=False)
    return completed.stdout


FIXED_PROFILES = ("small", "medium")


def generator_args(scale: str) -> list[str]:
    """The one place a scale becomes generator arguments: a number is the warehouse-scale profile
    (`--profile large --scale N`); `small` / `medium` name the fixed demo profiles. A generator
    without `--scale` (older checkouts) falls back to `small` below scale 1, else `medium`."""
    if scale in FIXED_PROFILES:
        return ["--profile", scale]
    if "--scale" in generator_help():
        return ["--profile", "large", "--scale", scale]
    return ["--profile", "small" if float(scale) < 1 else "medium"]


def generate_command(scale: str, raw_path: Path) -> list[str]:
    return [PYTHON, str(GENERATOR), *generator_args(scale), "--duckdb", str(raw_path)]


def generator_fingerprint(project_dir: Path = PROJECT_DIR) -> str:
    """sha256 of the generator's source (scripts/generate_demo_data.py and scripts/demo_data/*.py,
    by their paths inside the checkout): cached raw data is stale once it changes."""
    digest = hashlib.sha256()
    scripts = project_dir / "scripts"
    for path in [scripts / GENERATOR.name, *sorted((scripts / "demo_data").glob("*.py"))]:
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def raw_stamp(scale: str) -> dict[str, object]:
    """What the cached raw data of a scale was generated from: the generator's arguments and its
    source, not where the checkout or its interpreter lives (another clone reuses the cache)."""
    return {"arguments": generator_args(scale), "generator_sha256": generator_fingerprint()}


def append_day_command(scale: str, work_path: Path) -> list[str] | None:
    """Appends one day of new events to the work file; None when the generator cannot."""
    if "--append-day" not in generator_help():
        return None
    return [PYTHON, str(GENERATOR), *generator_args(scale), "--append-day", "--duckdb", str(work_path)]


@dataclass(frozen=True)
class DuckdbSettings:
    threads: int
    memory_limit: str
    dbt_threads: int

    def config(self, temp_directory: Path) -> dict[str, str]:
        """Connection settings of the profile (TimeZone aside: the raw timestamps are naive UTC and
        the icu extension it needs is not always loadable)."""
        return {
            "threads": str(self.threads),
            "memory_limit": self.memory_limit,
            "temp_directory": str(temp_directory),
            "preserve_insertion_order": "false",
        }


def profile_default(variable: str, fallback: str) -> str:
    """Default of `env_var('<variable>', '<default>')` in the duckdb profile."""
    text = (PROFILES_DIR / "profiles.yml").read_text()
    match = re.search(rf"env_var\('{variable}',\s*'([^']*)'\)", text)
    return match.group(1) if match else fallback


def duckdb_settings() -> DuckdbSettings:
    """DuckDB's threads and memory limit, and dbt's threads, exactly as the dbt profile resolves them."""
    threads = os.environ.get("AI_MATURITY_DUCKDB_THREADS") or profile_default("AI_MATURITY_DUCKDB_THREADS", "2")
    memory = os.environ.get("AI_MATURITY_DUCKDB_MEMORY_LIMIT") or profile_default(
        "AI_MATURITY_DUCKDB_MEMORY_LIMIT", "3GB")
    dbt_threads = os.environ.get("AI_MATURITY_DBT_THREADS") or profile_default("AI_MATURITY_DBT_THREADS", "1")
    return DuckdbSettings(int(threads), memory, int(dbt_threads))

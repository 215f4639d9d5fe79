"""Shared fixtures: the demo warehouse (demo data generated and `dbt build` run once per session)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PARSE_CACHE = pytest.StashKey[str]()
TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
for extra in (TESTS_DIR, PROJECT_DIR / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from harness import PARSE_CACHE_ENV, DbtResult, run_dbt  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    """One directory of saved dbt parses for the session (harness.run_with_saved_parse)."""
    if not os.environ.get(PARSE_CACHE_ENV):
        os.environ[PARSE_CACHE_ENV] = tempfile.mkdtemp(prefix="ai_maturity_parse_")
        config.stash[PARSE_CACHE] = os.environ[PARSE_CACHE_ENV]


def pytest_unconfigure(config: pytest.Config) -> None:
    created = config.stash.get(PARSE_CACHE, None)
    if created:
        shutil.rmtree(created, ignore_errors=True)
        os.environ.pop(PARSE_CACHE_ENV, None)


@dataclass(frozen=True)
class DemoWarehouse:
    """The small demo dataset built end to end on DuckDB."""

    db_path: Path
    work_dir: Path
    manifest: dict[str, Any]
    build: DbtResult


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    work = tmp_path_factory.mktemp("demo")
    db_path = work / "demo.duckdb"
    manifest_path = work / "demo_manifest.json"
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "generate_demo_data.py"),
            "--duckdb", str(db_path),
            "--profile", "small",
            "--manifest", str(manifest_path),
        ],
        check=True,
    )
    build = run_dbt(["build"], db_path, work)
    return DemoWarehouse(db_path, work, json.loads(manifest_path.read_text()), build)

"""Every script answers --help with its usage and exit 0, and does nothing else.

Shell entry points run from a copy of the project's scripts and requirements.txt without .venv,
with `python3` / `python3.11` shims on PATH that record any call: an install (scripts/bootstrap.sh
creating .venv and pip-installing) would leave files or a recorded call. Python scripts run with
this environment's interpreter from an empty working directory, without writing bytecode; neither
that directory nor the project tree may change. And scripts/local_postgres.sh stops its server in
scripts/test.sh's EXIT trap after a failed run too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import PROJECT_DIR

SCRIPTS = PROJECT_DIR / "scripts"
SHELL_SCRIPTS = sorted(path.name for path in SCRIPTS.glob("*.sh"))
PYTHON_SCRIPTS = sorted(
    str(path.relative_to(SCRIPTS))
    for path in [*SCRIPTS.glob("*.py"), *SCRIPTS.glob("benchmark/*.py")]
    if 'if __name__ == "__main__":' in path.read_text()
)
SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", "target", "logs", "data", "dbt_packages"}


def tree(root: Path) -> set[str]:
    """Every file under root (relative paths), skipping what other runs write to."""
    found: set[str] = set()
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        found.update(str(Path(directory, name).relative_to(root)) for name in files)
    return found


def test_every_entry_point_is_covered() -> None:
    assert {"demo.sh", "test.sh", "benchmark.sh", "bootstrap.sh", "local_postgres.sh"} <= set(SHELL_SCRIPTS)
    assert {"generate_demo_data.py", "validate.py", "spark_load_raw.py", "postgres_load_raw.py",
            "spark_env.py", "benchmark/bench.py"} <= set(PYTHON_SCRIPTS)


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_shell_script_help_has_no_side_effects(script: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SCRIPTS, project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_DIR / "requirements.txt", project / "requirements.txt")
    shims = tmp_path / "shims"
    shims.mkdir()
    calls = tmp_path / "calls.log"
    for name in ("python3", "python3.11", "pip", "pip3"):
        shim = shims / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\nexit 1\n')
        shim.chmod(0o755)
    before = tree(project)
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "PYTHON": str(shims / "python3.11")}
    for flag in ("--help", "-h"):
        completed = subprocess.run(["bash", str(project / "scripts" / script), flag], cwd=tmp_path, env=env,
                                   capture_output=True, text=True, timeout=60, check=False)
        assert completed.returncode == 0, (script, flag, completed.stdout, completed.stderr)
        assert completed.stdout.startswith("usage:"), (script, completed.stdout)
        assert script in completed.stdout.splitlines()[0], completed.stdout
    assert not calls.exists(), calls.read_text()
    assert tree(project) == before
    assert not (project / ".venv").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["project", "shims"]


@pytest.mark.parametrize("script", PYTHON_SCRIPTS)
def test_python_script_help_has_no_side_effects(script: str, tmp_path: Path) -> None:
    before = tree(PROJECT_DIR)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run([sys.executable, str(SCRIPTS / script), "--help"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, (script, completed.stderr)
    assert completed.stdout.startswith("usage:"), completed.stdout
    assert Path(script).name in completed.stdout.splitlines()[0], completed.stdout
    assert list(tmp_path.iterdir()) == []
    assert tree(PROJECT_DIR) == before


def test_local_postgres_is_stopped_after_a_failed_run(tmp_path: Path) -> None:
    """scripts/test.sh stops its throw-away PostgreSQL in an EXIT trap; after a failed pytest run (a
    non-zero status under `set -e`) the trap must still stop the server and remove its directory.
    `pg_ctl` and `su` are shims that record their calls."""
    shims = tmp_path / "shims"
    shims.mkdir()
    calls = tmp_path / "calls.log"
    for name in ("pg_ctl", "su"):
        shim = shims / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n')
        shim.chmod(0o755)
    server_dir = tmp_path / "ai_maturity_pg.test"
    server_dir.mkdir()
    script = (f'set -euo pipefail\nsource "{SCRIPTS / "local_postgres.sh"}"\nLOCAL_PG_DIR="{server_dir}"\n'
              'trap stop_local_postgres EXIT\nfalse\n')
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 1, completed.stderr
    recorded = calls.read_text() if calls.exists() else ""
    assert f"pg_ctl' -D '{server_dir}/db' -m fast stop" in recorded, recorded
    assert not server_dir.exists()

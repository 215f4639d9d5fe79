"""The project's Python (scripts/, tests/, profiles/) passes ruff and mypy with the settings in
pyproject.toml, run with the tools that requirements.txt pins into this environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness import PROJECT_DIR

PYTHON_DIRS = ("scripts", "tests", "profiles")


def run_tool(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a tool installed beside this interpreter over the Python directories, from the project root."""
    return subprocess.run(
        [str(Path(sys.executable).parent / tool), *args, *PYTHON_DIRS],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_check_is_clean() -> None:
    completed = run_tool("ruff", "check")
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]


def test_mypy_is_clean() -> None:
    completed = run_tool("mypy")
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]

"""dbt-duckdb plugin of the `duckdb` target (profiles.yml): before DuckDB opens the database file,
check the path, so a wrong AI_MATURITY_DUCKDB_PATH fails with one line naming the path and what to
do, instead of a Python traceback (a missing directory) or a silently created empty database (a
missing file in an existing directory).

dbt-duckdb imports it through `module_paths` (the profiles directory) and `plugins` in the profile;
a RuntimeError raised here is reported by dbt as a connection error with this message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

TRUE_VALUES = {"1", "true", "yes", "on"}


def is_true(value: Any) -> bool:
    """A profile value (rendered as a string) that means yes."""
    return str(value).strip().lower() in TRUE_VALUES


def path_problem(path: str, allow_create: bool) -> str | None:
    """What is wrong with the DuckDB file path and what to do, or None when dbt may open it."""
    if path == ":memory:" or path.startswith(("md:", "motherduck:")):
        return None
    target = Path(path).expanduser().resolve()
    point_it = "set AI_MATURITY_DUCKDB_PATH to the DuckDB file that holds the raw tables"
    if target.is_dir():
        return f"'{target}' is a directory, not a DuckDB file: {point_it}"
    if target.exists():
        return None
    if not target.parent.is_dir():
        return f"DuckDB file '{target}' cannot be opened: directory '{target.parent}' does not exist. Create it or {point_it}"
    if allow_create:
        return None
    return (
        f"DuckDB file '{target}' does not exist (dbt would create an empty database). Load the raw tables "
        f"there first (demo data: `python scripts/generate_demo_data.py --duckdb PATH`), {point_it}, "
        "or set AI_MATURITY_DUCKDB_CREATE=true to start an empty one"
    )


class Plugin(BasePlugin):
    """Refuses a DuckDB path that cannot hold the warehouse (checked when the environment starts)."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        if self.creds is None:
            return
        problem = path_problem(self.creds.path, is_true(plugin_config.get("allow_create", "false")))
        if problem is None:
            return
        source = "AI_MATURITY_DUCKDB_PATH" if os.environ.get("AI_MATURITY_DUCKDB_PATH") else "the default path"
        raise RuntimeError(f"ai_maturity ({source}): {problem}.")


def main() -> None:
    """Check a path from the command line: `python profiles/ai_maturity_duckdb_guard.py PATH`."""
    import sys

    for path in sys.argv[1:]:
        print(path_problem(path, allow_create=False) or f"{path}: ok")


if __name__ == "__main__":
    main()

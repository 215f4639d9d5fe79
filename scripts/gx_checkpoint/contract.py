"""The raw contract and the package settings the checkpoint reads, from the files that declare them.

Nothing here is restated: the tables, columns, logical types, required values, enumerations, keys
and period columns come from the source yml the staging macros read
(models/staging/ai_maturity_raw/_ai_maturity_raw__sources.yml, see macros/staging/raw_source.sql);
value ranges from the `between` column checks of the staging models
(_ai_maturity_raw__models.yml, the same ranges staging enforces); defaults of the vars
(raw schema, period, plausible-date bounds, optional tables switched on) from dbt_project.yml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
STAGING_DIR = PROJECT_DIR / "models" / "staging" / "ai_maturity_raw"
SOURCES_YML = STAGING_DIR / "_ai_maturity_raw__sources.yml"
STAGING_MODELS_YML = STAGING_DIR / "_ai_maturity_raw__models.yml"
DBT_PROJECT_YML = PROJECT_DIR / "dbt_project.yml"
PACKAGE = "ai_maturity"


@dataclass(frozen=True)
class RawColumn:
    """One column of a raw table as the contract declares it."""

    name: str
    logical_type: str
    required: bool = False
    accepted_values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class RawTable:
    """One raw table of the contract."""

    name: str
    optional: bool
    primary_key: tuple[str, ...]
    period_column: str | None
    columns: tuple[RawColumn, ...] = field(default_factory=tuple)

    def column(self, name: str) -> RawColumn:
        return next(column for column in self.columns if column.name == name)


def _staging_ranges() -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """(table, column) → (min, max) of every `between` check on a staged raw column."""
    models = yaml.safe_load(STAGING_MODELS_YML.read_text())["models"]
    prefix = "stg_ai_maturity_raw__"
    ranges: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for model in models:
        if not model["name"].startswith(prefix):
            continue
        table = model["name"][len(prefix):]
        for column in model.get("columns", []):
            checks = ((column.get("config") or {}).get("meta") or {}).get("checks") or []
            for check in checks:
                if isinstance(check, dict) and "between" in check:
                    low, high = check["between"]
                    ranges[(table, column["name"])] = (low, high)
    return ranges


def raw_contract() -> dict[str, RawTable]:
    """Every raw table of the source yml, in its order."""
    source = yaml.safe_load(SOURCES_YML.read_text())["sources"][0]
    ranges = _staging_ranges()
    tables: dict[str, RawTable] = {}
    for table in source["tables"]:
        meta = table.get("meta") or {}
        columns = []
        for column in table["columns"]:
            column_meta = column.get("meta") or {}
            low, high = ranges.get((table["name"], column["name"]), (None, None))
            columns.append(
                RawColumn(
                    name=column["name"],
                    logical_type=column.get("data_type") or "string",
                    required=bool(column_meta.get("required")),
                    accepted_values=tuple(str(value) for value in column_meta.get("accepted_values") or ()),
                    minimum=low,
                    maximum=high,
                )
            )
        tables[table["name"]] = RawTable(
            name=table["name"],
            # the staging macros read a table without the key as optional
            optional=bool(meta.get("optional", True)),
            primary_key=tuple(meta.get("primary_key") or ()),
            period_column=meta.get("period_column"),
            columns=tuple(columns),
        )
    return tables


def package_vars(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The package's vars: dbt_project.yml defaults, then `overrides` (as dbt's --vars)."""
    project = yaml.safe_load(DBT_PROJECT_YML.read_text())
    values = dict((project.get("vars") or {}).get(PACKAGE) or {})
    values.update(overrides or {})
    return values


def is_enabled(settings: Mapping[str, Any], table: str) -> bool:
    """Whether an optional raw table is switched on (as macros/staging/raw_source.sql reads the var);
    a null var means on when present (an absent optional table is skipped as absent)."""
    value = settings.get(f"{PACKAGE}__{table}_enabled", True)
    return value is None or value in (True, "true", "True", 1)


def identifier(settings: Mapping[str, Any], table: str) -> str:
    """The relation name of a raw table (var ai_maturity__<table>_identifier, default the table name)."""
    return str(settings.get(f"{PACKAGE}__{table}_identifier") or table)

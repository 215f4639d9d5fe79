"""Read the marts the report shows (and nothing else) into pandas frames."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from maturity_report.errors import ReportError
from maturity_report.warehouse import PROJECT_DIR, Warehouse

MARTS = (
    "dim_teams",
    "dim_metrics",
    "fct_team_maturity",
    "fct_maturity_blockers",
    "fct_alerts",
    "fct_smart_evaluations",
    "fct_change_delivery",
    "fct_team_metrics",
    "fct_people_culture",
    "fct_raw_row_accounting",
)
# Marts the report shows when the warehouse has them (issue #15's decision marts): a warehouse built
# before them, or by a host that left them out, still renders, with "not available" in their place.
OPTIONAL_MARTS = (
    "fct_org_investment_priorities",
    "fct_team_next_actions",
    "fct_readiness_gap",
    "fct_team_data_coverage",
)
DATE_COLUMNS = ("period_start", "first_period", "last_period", "deadline", "first_period_start", "last_period_start")
PLANE_LEVEL_SUFFIX = "_period_level"
MIN_RESPONDENTS_VAR = "ai_maturity__min_respondents"
MAX_LEVEL = 4  # maturity levels run 0-4 on every plane (the product contract, maturity.md)


def min_respondents(project_file: Path = PROJECT_DIR / "dbt_project.yml") -> int:
    """The survey anonymity threshold: the package's default of the var, in dbt_project.yml."""
    variables = yaml.safe_load(project_file.read_text())["vars"]["ai_maturity"]
    return int(variables[MIN_RESPONDENTS_VAR])


CONFIDENCE_MODEL = PROJECT_DIR / "models" / "marts" / "maturity" / "fct_team_maturity.sql"
LINKAGE_SHARES_SET = re.compile(r"set\s+linkage_shares\s*=\s*(\[[^\]]*\])")


def confidence_linkage_shares(model_file: Path = CONFIDENCE_MODEL) -> tuple[str, ...]:
    """The fct_team_data_coverage shares that lower fct_team_maturity.confidence, read from the
    model's `linkage_shares` (empty when the model no longer sets it)."""
    found = LINKAGE_SHARES_SET.search(model_file.read_text()) if model_file.is_file() else None
    return tuple(str(name) for name in ast.literal_eval(found.group(1))) if found else ()


@dataclass(frozen=True)
class ReportData:
    """The marts of one warehouse, dates as timestamps, one frame per mart."""

    schema: str
    min_respondents: int
    teams: pd.DataFrame
    catalogue: pd.DataFrame
    maturity: pd.DataFrame
    blockers: pd.DataFrame
    alerts: pd.DataFrame
    smart: pd.DataFrame
    delivery: pd.DataFrame
    metrics: pd.DataFrame
    people: pd.DataFrame
    accounting: pd.DataFrame
    quarantine: pd.DataFrame
    # the optional marts (OPTIONAL_MARTS): None when the warehouse lacks the mart
    priorities: pd.DataFrame | None = None
    next_actions: pd.DataFrame | None = None
    readiness: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    confidence_shares: tuple[str, ...] = ()

    @property
    def planes(self) -> list[str]:
        """The maturity planes, in the mart's column order (`<plane>_period_level`)."""
        return [column[: -len(PLANE_LEVEL_SUFFIX)] for column in self.maturity.columns if column.endswith(PLANE_LEVEL_SUFFIX)]

    @property
    def latest_period(self) -> pd.Timestamp | None:
        """The last period of the data (every team's spine ends there)."""
        if self.maturity.empty:
            return None
        return pd.Timestamp(self.maturity["period_start"].max())


SORT_KEYS = (
    "team_id",
    "period_start",
    "plane",
    "metric_name",
    "criterion_id",
    "target_id",
    "alert_id",
    "source_table",
    "issue_type",
    "reason",
)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as timestamps, rows in key order (every engine returns them in its own order)."""
    for column in DATE_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column]).dt.normalize()
    keys = [column for column in SORT_KEYS if column in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True) if keys else frame


def load(warehouse: Warehouse, schema: str) -> ReportData:
    """Every mart the report shows, from `schema` (a missing mart is a one-line error, a missing
    optional mart is None)."""
    wanted = MARTS + ("fct_quarantined_rows",) + OPTIONAL_MARTS
    present = {name for name in wanted if schema in warehouse.schemas_with_table(name)}
    missing = [name for name in MARTS + ("fct_quarantined_rows",) if name not in present]
    if missing:
        raise ReportError(f"schema {schema!r} lacks the mart(s) {', '.join(missing)}: run a full `dbt build` first")
    frames = {
        name: _normalise(warehouse.query(f"select * from {schema}.{name}"))
        for name in MARTS + OPTIONAL_MARTS
        if name in present
    }
    quarantine = _normalise(
        warehouse.query(
            "select source_table, issue_type, reason, count(*) as quarantined_rows "
            f"from {schema}.fct_quarantined_rows group by source_table, issue_type, reason"
        )
    )
    return ReportData(
        schema=schema,
        min_respondents=min_respondents(),
        teams=frames["dim_teams"],
        catalogue=frames["dim_metrics"],
        maturity=frames["fct_team_maturity"],
        blockers=frames["fct_maturity_blockers"],
        alerts=frames["fct_alerts"],
        smart=frames["fct_smart_evaluations"],
        delivery=frames["fct_change_delivery"],
        metrics=frames["fct_team_metrics"],
        people=frames["fct_people_culture"],
        accounting=frames["fct_raw_row_accounting"],
        quarantine=quarantine,
        priorities=frames.get("fct_org_investment_priorities"),
        next_actions=frames.get("fct_team_next_actions"),
        readiness=frames.get("fct_readiness_gap"),
        coverage=frames.get("fct_team_data_coverage"),
        confidence_shares=confidence_linkage_shares(),
    )

"""Read the marts the report shows (and nothing else) into pandas frames."""

from __future__ import annotations

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
DATE_COLUMNS = ("period_start", "first_period", "last_period", "deadline", "first_period_start", "last_period_start")
PLANE_LEVEL_SUFFIX = "_period_level"
MIN_RESPONDENTS_VAR = "ai_maturity__min_respondents"
MAX_LEVEL = 4  # maturity levels run 0-4 on every plane (the product contract, maturity.md)


def min_respondents(project_file: Path = PROJECT_DIR / "dbt_project.yml") -> int:
    """The survey anonymity threshold: the package's default of the var, in dbt_project.yml."""
    variables = yaml.safe_load(project_file.read_text())["vars"]["ai_maturity"]
    return int(variables[MIN_RESPONDENTS_VAR])


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
    """Every mart the report shows, from `schema` (a missing mart is a one-line error)."""
    present = {name for name in MARTS + ("fct_quarantined_rows",) if schema in warehouse.schemas_with_table(name)}
    missing = [name for name in MARTS + ("fct_quarantined_rows",) if name not in present]
    if missing:
        raise ReportError(f"schema {schema!r} lacks the mart(s) {', '.join(missing)}: run a full `dbt build` first")
    frames = {name: _normalise(warehouse.query(f"select * from {schema}.{name}")) for name in MARTS}
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
    )

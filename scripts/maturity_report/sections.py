"""What the page shows: the organisation view and one section per team, as plain view models.

Charts are registered in a `ChartRegistry` (id → Vega-Lite spec) and referenced by id; every number
is preformatted here (`formatting`), so the template never prints a raw float, a NaN or a null.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from maturity_report import charts
from maturity_report.data import MAX_LEVEL, ReportData
from maturity_report.formatting import (
    NO_DATA,
    format_period,
    format_plain,
    format_sample_size,
    format_score,
    format_value,
    humanise,
    is_number,
    period_labels,
)

DORA_TILES = (  # (metric, band column of fct_change_delivery or None)
    ("deployment_frequency_per_week", "deployment_frequency_band"),
    ("change_lead_time_median_hours", "change_lead_time_band"),
    ("change_fail_rate", "change_fail_rate_band"),
    ("failed_deployment_recovery_median_hours", "failed_deployment_recovery_band"),
    ("rework_rate", None),
)
LLM_METRICS = (
    "cost_per_query_usd",
    "tokens_per_response",
    "latency_per_output_token_ms_p50",
    "hallucination_rate",
    "faithfulness_mean",
)
TREND_CLUSTERS = (("ml_lifecycle", "ML lifecycle"), ("reliability_quality", "Reliability"))
TOP_BLOCKING_CRITERIA = 15
TOP_INVESTMENTS = 10
OVERALL = "overall"
NOT_AVAILABLE = "not available"
CONFIDENCE_RULE = (  # the rule itself lives in fct_team_maturity (and README, Confidence); the mart has no reason column
    "Lowered by a linkage share below the bar or by criteria resting on weak evidence"
)
READINESS_TABLE = "readiness_assessments"  # the optional raw table behind fct_readiness_gap


class ChartRegistry:
    """Vega-Lite specs of the page, each with an id a `<div class="chart">` refers to."""

    def __init__(self) -> None:
        self.specs: dict[str, dict[str, Any]] = {}

    def add(self, spec: dict[str, Any]) -> str:
        chart_id = f"chart-{len(self.specs) + 1}"
        self.specs[chart_id] = spec
        return chart_id


@dataclass
class Panel:
    """A titled chart, or a note saying why there is none."""

    title: str
    chart_id: str | None = None
    note: str | None = None
    caption: str | None = None


@dataclass
class Tile:
    label: str
    value_text: str
    band: str | None
    n_text: str
    chart_id: str | None


@dataclass
class TeamSection:
    team_id: str
    team_name: str
    org_unit: str
    level_text: str
    stage_name: str
    binding_planes: str
    is_provisional: bool
    blockers_count: int
    open_alerts: int
    timeline: Panel
    blockers: list[dict[str, str]]
    blockers_note: str | None
    tiles: list[Tile]
    trends: list[Panel]
    llm: Panel
    smart_rows: list[dict[str, str]]
    smart: Panel
    survey_columns: list[str]
    survey_rows: list[dict[str, Any]]
    alerts: list[dict[str, str]]
    confidence: str = NOT_AVAILABLE
    confidence_note: str | None = None
    next_actions: list[dict[str, str]] = field(default_factory=list)
    next_actions_note: str | None = None
    readiness: list[dict[str, str]] = field(default_factory=list)
    readiness_note: str | None = None
    readiness_callout: str | None = None


@dataclass
class OrgView:
    latest_period: str
    teams_count: int
    level_counts: list[tuple[int, int]]
    heatmap: Panel
    plane_levels: Panel
    distribution: Panel
    blocking: Panel
    alerts_chart: Panel
    alerts: list[dict[str, str]]
    adoption: Panel
    quarantine: Panel
    accounting: list[dict[str, str]]
    investments: list[dict[str, str]] = field(default_factory=list)
    investments_note: str | None = None
    investments_caption: str | None = None
    index: list[dict[str, str]] = field(default_factory=list)


def _clean(value: Any) -> float | None:
    return float(value) if is_number(value) else None


def _label(labels: dict[pd.Timestamp, str], value: Any) -> str:
    return labels.get(pd.Timestamp(value), NO_DATA) if value is not None and not pd.isna(value) else NO_DATA


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} – {last}"


class Builder:
    """Turns the marts into the page's view models and chart specs."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.registry = ChartRegistry()
        self.labels = period_labels(data.maturity["period_start"]) if not data.maturity.empty else {}
        self.period_order = list(self.labels.values())
        self.latest = data.latest_period
        catalogue = data.catalogue.set_index("metric_name")
        self.units: dict[str, str] = catalogue["unit"].to_dict()
        self.has_n: dict[str, bool] = catalogue["sample_size_column"].notna().to_dict()
        self.teams = data.teams.set_index("team_id")
        self.metrics_by_team = {key: frame for key, frame in data.metrics.groupby("team_id")}
        self.maturity_by_team = {key: frame.sort_values("period_start") for key, frame in data.maturity.groupby("team_id")}
        latest_blockers = data.blockers[data.blockers["period_start"] == self.latest]
        self.blockers_by_team = {key: frame for key, frame in latest_blockers.groupby("team_id")}
        self.alerts_by_team = {key: frame for key, frame in data.alerts.groupby("team_id")}
        self.smart_by_team = {key: frame for key, frame in data.smart.groupby("team_id")}
        self.delivery_by_team = {key: frame.sort_values("period_start") for key, frame in data.delivery.groupby("team_id")}
        self.people_by_team = {key: frame.sort_values("period_start") for key, frame in data.people.groupby("team_id")}
        self.next_actions_by_team = self._latest_by_team(data.next_actions)
        self.readiness_by_team = self._latest_by_team(data.readiness)
        self.coverage_by_team = self._latest_by_team(data.coverage)
        self.sample_sizes = {
            (row.team_id, pd.Timestamp(row.period_start), row.metric_name): row.sample_size
            for row in data.metrics[data.metrics["period_start"] == self.latest].itertuples()
        }

    def _latest_by_team(self, frame: pd.DataFrame | None) -> dict[str, pd.DataFrame] | None:
        """An optional mart's rows of the latest period, per team (None when the warehouse lacks the mart)."""
        if frame is None:
            return None
        latest = frame[frame["period_start"] == self.latest]
        return {key: rows for key, rows in latest.groupby("team_id")}

    # ---------- shared pieces ----------
    def _period_fields(self, periods: pd.Series) -> tuple[list[str], list[str]]:
        iso = [format_period(value) for value in periods]
        labels = [_label(self.labels, value) for value in periods]
        return iso, labels

    def _metric_points(self, frame: pd.DataFrame) -> pd.DataFrame:
        """period, period_label, metric, value, value_text, n_text for rows of fct_team_metrics."""
        iso, labels = self._period_fields(frame["period_start"])
        return pd.DataFrame(
            {
                "period": iso,
                "period_label": labels,
                "metric": [humanise(name) for name in frame["metric_name"]],
                "metric_name": list(frame["metric_name"]),
                "value": [_clean(value) for value in frame["metric_value"]],
                "value_text": [
                    format_value(v, self.units.get(m)) for v, m in zip(frame["metric_value"], frame["metric_name"], strict=True)
                ],
                "n_text": [
                    format_sample_size(n, self.has_n.get(m, False))
                    for n, m in zip(frame["sample_size"], frame["metric_name"], strict=True)
                ],
            }
        )

    def _rule(self, metric: Any, comparator: Any, threshold: Any) -> str:
        return f"{metric} {comparator} {format_plain(threshold)}"

    def _alert_row(self, alert: Any) -> dict[str, str]:
        def text(value: Any) -> str:
            return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(value)

        return {
            "slo_class": text(alert.slo_class),
            "status": text(alert.status),
            "alert_type": text(alert.alert_type),
            "team_id": text(alert.team_id),
            "feature_name": text(alert.feature_name),
            "metric_name": text(alert.metric_name),
            "action": text(alert.action),
            "signals": text(alert.signals),
            "periods": _span(_label(self.labels, alert.first_period), _label(self.labels, alert.last_period)),
            "prompt_hash": text(alert.prompt_hash),
            "rollback_target": text(alert.rollback_target_prompt_hash),
        }

    # ---------- organisation ----------
    def organisation(self) -> OrgView:
        data = self.data
        latest = data.maturity[data.maturity["period_start"] == self.latest]
        investments, investments_note, investments_caption = self._investments()
        return OrgView(
            latest_period=_label(self.labels, self.latest) if self.latest is not None else NO_DATA,
            teams_count=len(data.teams),
            level_counts=[
                (int(level), int(count)) for level, count in latest["maturity_level"].value_counts().sort_index().items()
            ],
            heatmap=self._heatmap(latest),
            plane_levels=self._plane_levels(latest),
            distribution=self._distribution(),
            blocking=self._blocking(),
            alerts_chart=self._alerts_chart(),
            alerts=self._org_alerts(),
            adoption=self._adoption(),
            quarantine=self._quarantine(),
            accounting=[
                {
                    "source_table": str(row.source_table),
                    "enabled": "yes" if row.is_enabled else "switched off",
                    "raw_rows": format_plain(row.raw_rows),
                    "staged_rows": format_plain(row.staged_rows),
                    "rejected_rows": format_plain(row.rejected_rows),
                    "duplicate_rows": format_plain(row.duplicate_rows),
                    "flagged_rows": format_plain(row.flagged_rows),
                }
                for row in data.accounting.sort_values("source_table").itertuples()
            ],
            investments=investments,
            investments_note=investments_note,
            investments_caption=investments_caption,
        )

    def _investments(self) -> tuple[list[dict[str, str]], str | None, str | None]:
        """The top criteria of fct_org_investment_priorities in the latest period, by its rank."""
        priorities = self.data.priorities
        if priorities is None:
            return [], f"{NOT_AVAILABLE}: this warehouse has no fct_org_investment_priorities (build the package's marts)", None
        latest = priorities[priorities["period_start"] == self.latest].sort_values("priority_rank")
        if latest.empty:
            return [], f"no criterion blocks a team in {_label(self.labels, self.latest)}", None
        rows = []
        for row in latest.head(TOP_INVESTMENTS).itertuples():
            unit = self.units.get(row.metric_name)
            rows.append(
                {
                    "rank": format_plain(row.priority_rank),
                    "criterion_id": str(row.criterion_id),
                    "plane": humanise(str(row.plane)),
                    "target_level": format_plain(row.target_level),
                    "rule": f"{row.metric_name} {row.comparator} {format_value(row.threshold, unit)}",
                    "teams_blocked": format_plain(row.teams_blocked),
                    "teams_assessed": format_plain(row.teams_assessed),
                    "teams_blocked_alone": format_plain(row.teams_blocked_alone),
                    "teams_held": format_plain(row.teams_held_at_overall_level),
                    "median_gap": format_value(row.median_relative_gap, "ratio"),
                    "action": "" if pd.isna(row.action) else str(row.action),
                }
            )
        more = len(latest) - len(rows)
        caption = f"{more} more criteria block at least one team (fct_org_investment_priorities)." if more > 0 else None
        return rows, None, caption

    def _team_order(self, latest: pd.DataFrame) -> list[str]:
        ordered = latest.assign(name=[self._team_label(t) for t in latest["team_id"]]).sort_values(
            ["maturity_level", "name"], ascending=[False, True]
        )
        return list(ordered["name"])

    def _team_label(self, team_id: str) -> str:
        if team_id in self.teams.index:
            return f"{self.teams.at[team_id, 'team_name']} ({team_id})"
        return team_id

    def _heatmap(self, latest: pd.DataFrame) -> Panel:
        title = f"Maturity level per plane, {_label(self.labels, self.latest)}"
        if latest.empty:
            return Panel(title, note="no team has a maturity level yet")
        planes = self.data.planes
        rows = []
        for row in latest.itertuples():
            binding = {plane.strip() for plane in str(row.binding_planes or "").split(",") if plane.strip()}
            for column, level in [(plane, getattr(row, f"{plane}_level")) for plane in planes] + [(OVERALL, row.maturity_level)]:
                is_binding = column in binding
                rows.append(
                    {
                        "team_label": self._team_label(row.team_id),
                        "column": humanise(column),
                        "level": int(level) if is_number(level) else None,
                        "level_text": (str(int(level)) + (" ◆" if is_binding else "")) if is_number(level) else NO_DATA,
                        "is_binding": is_binding,
                        "binding_text": "yes: sets the overall level" if is_binding else "no",
                        "provisional_text": "yes" if row.is_provisional else "no",
                    }
                )
        spec = charts.maturity_heatmap(pd.DataFrame(rows), self._team_order(latest), [humanise(p) for p in planes] + [OVERALL])
        return Panel(
            title,
            self.registry.add(spec),
            caption="Outlined cells marked ◆ are the binding planes: the overall level is their minimum.",
        )

    def _plane_levels(self, latest: pd.DataFrame) -> Panel:
        title = f"Teams per level on each plane, {_label(self.labels, self.latest)}"
        if latest.empty:
            return Panel(title, note="no team has a maturity level yet")
        columns = [(humanise(p), f"{p}_level") for p in self.data.planes] + [(OVERALL, "maturity_level")]
        rows = []
        for label, column in columns:
            counts = latest[column].dropna().astype(int).value_counts()
            top = int(counts.max()) if not counts.empty else 0
            for level, teams in counts.items():
                rows.append(
                    {
                        "row": label,
                        "level": int(level),
                        "teams": int(teams),
                        "share_text": f"{100 * teams / len(latest):.0f} % of {len(latest)} teams",
                        "dark": teams > top / 2,
                    }
                )
        spec = charts.plane_levels(pd.DataFrame(rows), [label for label, _ in columns])
        return Panel(title, self.registry.add(spec))

    def _distribution(self) -> Panel:
        title = "Overall maturity level over time (teams per level)"
        maturity = self.data.maturity
        if maturity.empty:
            return Panel(title, note=NO_DATA)
        counts = (
            maturity.groupby(["period_start", "maturity_level"])
            .agg(teams=("team_id", "nunique"), stage=("stage_name", "first"))
            .reset_index()
        )
        iso, labels = self._period_fields(counts["period_start"])
        frame = pd.DataFrame(
            {
                "period": iso,
                "period_label": labels,
                "level": counts["maturity_level"].astype(int),
                "teams": counts["teams"],
                "stage": counts["stage"],
            }
        )
        return Panel(title, self.registry.add(charts.level_distribution(frame, self.period_order)))

    def _blocking(self) -> Panel:
        title = f"Criteria blocking the most teams, {_label(self.labels, self.latest)} (every blocker status)"
        blockers = self.data.blockers[self.data.blockers["period_start"] == self.latest]
        if blockers.empty:
            return Panel(title, note="no team is blocked in the latest period")
        grouped = (
            blockers.groupby(["criterion_id", "plane", "target_level", "metric_name", "comparator", "threshold"], dropna=False)
            .agg(
                teams=("team_id", "nunique"),
                binding_teams=("is_binding_plane", "sum"),
                statuses=("blocker_status", lambda s: ", ".join(f"{k} {v}" for k, v in s.value_counts().items())),
            )
            .reset_index()
            .sort_values(["teams", "criterion_id"], ascending=[False, True])
            .head(TOP_BLOCKING_CRITERIA)
        )
        grouped["rule"] = [
            self._rule(m, c, t)
            for m, c, t in zip(grouped["metric_name"], grouped["comparator"], grouped["threshold"], strict=True)
        ]
        grouped["binding_teams"] = grouped["binding_teams"].astype(int)
        grouped["target_level"] = grouped["target_level"].astype(int)
        frame = grouped[["criterion_id", "plane", "target_level", "teams", "binding_teams", "statuses", "rule"]]
        caption = (
            f"The {TOP_BLOCKING_CRITERIA} criteria of the next level that block most teams."
            if len(blockers["criterion_id"].unique()) > TOP_BLOCKING_CRITERIA
            else None
        )
        return Panel(title, self.registry.add(charts.blocking_criteria(frame)), caption=caption)

    def _alerts_chart(self) -> Panel:
        title = "Open alerts by SLO class"
        open_alerts = self.data.alerts[self.data.alerts["status"] == "open"]
        if open_alerts.empty:
            return Panel(title, note="no open alerts")
        counts = open_alerts.groupby(["slo_class", "alert_type"]).size().reset_index(name="alerts")
        return Panel(title, self.registry.add(charts.alerts_by_slo(counts)))

    def _org_alerts(self) -> list[dict[str, str]]:
        alerts = self.data.alerts
        shown = alerts[(alerts["slo_class"].isin(["p1", "p2"])) | (alerts["status"] == "open")]
        shown = shown.assign(open_first=shown["status"] != "open").sort_values(
            ["slo_class", "open_first", "first_period", "team_id", "alert_id"]
        )
        return [self._alert_row(alert) for alert in shown.itertuples()]

    def _adoption(self) -> Panel:
        title = "AI adoption and attributed revenue"
        metrics = self.data.metrics
        adoption = metrics[metrics["metric_name"] == "ai_adoption_share"]
        revenue = metrics[metrics["metric_name"] == "ai_attributed_revenue_usd"]
        measured = adoption[adoption["metric_value"].map(is_number)]
        earned = revenue[revenue["metric_value"].map(is_number)]
        if measured.empty and earned.empty:
            return Panel(title, note="no team has product events")
        a = (
            measured.groupby("period_start")
            .agg(
                median=("metric_value", "median"),
                low=("metric_value", "min"),
                high=("metric_value", "max"),
                teams=("team_id", "nunique"),
                users=("sample_size", "max"),
            )
            .reset_index()
        )
        iso, labels = self._period_fields(a["period_start"])
        adoption_frame = pd.DataFrame(
            {
                "period": iso,
                "period_label": labels,
                "median": a["median"],
                "low": a["low"],
                "high": a["high"],
                "median_text": [format_value(v, "ratio") for v in a["median"]],
                "range_text": [
                    f"{format_value(lo, 'ratio')} – {format_value(hi, 'ratio')}"
                    for lo, hi in zip(a["low"], a["high"], strict=True)
                ],
                "teams_text": [f"{t} teams" for t in a["teams"]],
                "n_text": [format_sample_size(n, True) for n in a["users"]],
            }
        )
        r = earned.groupby("period_start").agg(revenue=("metric_value", "sum"), teams=("team_id", "nunique")).reset_index()
        iso, labels = self._period_fields(r["period_start"])
        revenue_frame = pd.DataFrame(
            {
                "period": iso,
                "period_label": labels,
                "revenue": r["revenue"],
                "revenue_text": [format_value(v, "usd") for v in r["revenue"]],
                "teams_text": [f"{t} teams" for t in r["teams"]],
            }
        )
        return Panel(
            title,
            self.registry.add(charts.adoption_and_revenue(adoption_frame, revenue_frame, self.period_order)),
            caption="Adoption: each team's AI users ÷ the organisation's active users (the sample size); the line is "
            "the median over teams, the band their range (users overlap between teams, so shares are not summed). "
            "Revenue: the sum over teams with data; a period where no team has data is left out, not drawn as 0.",
        )

    def _quarantine(self) -> Panel:
        title = "Data quality: raw rows quarantined, by table and reason"
        rows = self.data.quarantine
        if rows.empty:
            return Panel(title, note="no raw row was rejected, flagged or duplicated")
        frame = rows.assign(quarantined_rows=rows["quarantined_rows"].astype(int))
        return Panel(title, self.registry.add(charts.quarantine(frame)))

    # ---------- teams ----------
    def team_sections(self) -> list[TeamSection]:
        latest = self.data.maturity[self.data.maturity["period_start"] == self.latest]
        order = latest.sort_values(["maturity_level", "team_id"], ascending=[False, True])["team_id"].tolist()
        order += sorted(set(self.data.teams["team_id"]) - set(order))
        return [self.team(team_id) for team_id in order]

    def team(self, team_id: str) -> TeamSection:
        maturity = self.maturity_by_team.get(team_id, pd.DataFrame())
        current = maturity.iloc[-1] if not maturity.empty else None
        blockers, blockers_note = self._blockers(team_id, current)
        alerts = self.alerts_by_team.get(team_id, pd.DataFrame(columns=self.data.alerts.columns))
        smart_rows, smart_panel = self._smart(team_id)
        survey_columns, survey_rows = self._survey(team_id)
        confidence, confidence_note = self._confidence(team_id, current)
        next_actions, next_actions_note = self._next_actions(team_id)
        readiness, readiness_note, readiness_callout = self._readiness(team_id)
        return TeamSection(
            team_id=team_id,
            team_name=str(self.teams.at[team_id, "team_name"]) if team_id in self.teams.index else team_id,
            org_unit=str(self.teams.at[team_id, "org_unit"]) if team_id in self.teams.index else "",
            level_text=str(int(current["maturity_level"])) if current is not None else NO_DATA,
            stage_name=str(current["stage_name"]) if current is not None else "",
            binding_planes=str(current["binding_planes"]) if current is not None else "",
            is_provisional=bool(current["is_provisional"]) if current is not None else False,
            blockers_count=len(blockers),
            open_alerts=int((alerts["status"] == "open").sum()),
            timeline=self._timeline(maturity),
            blockers=blockers,
            blockers_note=blockers_note,
            tiles=self._tiles(team_id),
            trends=self._trends(team_id),
            llm=self._llm(team_id, alerts),
            smart_rows=smart_rows,
            smart=smart_panel,
            survey_columns=survey_columns,
            survey_rows=survey_rows,
            alerts=[
                self._alert_row(alert) for alert in alerts.sort_values(["slo_class", "first_period", "alert_id"]).itertuples()
            ],
            confidence=confidence,
            confidence_note=confidence_note,
            next_actions=next_actions,
            next_actions_note=next_actions_note,
            readiness=readiness,
            readiness_note=readiness_note,
            readiness_callout=readiness_callout,
        )

    def _confidence(self, team_id: str, current: Any) -> tuple[str, str | None]:
        """fct_team_maturity.confidence of the latest period and, when not high, the linkage shares
        of fct_team_data_coverage it reads (the mart carries no reason column)."""
        if current is None or "confidence" not in current.index or not isinstance(current["confidence"], str):
            return NOT_AVAILABLE, None
        confidence = str(current["confidence"])
        if confidence == "high":
            return confidence, None
        coverage = self.coverage_by_team.get(team_id) if self.coverage_by_team is not None else None
        if coverage is None or coverage.empty:
            return confidence, f"{CONFIDENCE_RULE}."
        row = coverage.iloc[0]
        shares = [
            f"{humanise(column)} {format_value(row[column], 'ratio')} ({format_sample_size(row.get(f'{column}_n'), True)})"
            for column in self.data.confidence_shares
            if column in coverage.columns and is_number(row[column])
        ]
        linkage = f"Its linkage shares this period: {'; '.join(shares)}." if shares else "No linkage share measured this period."
        return confidence, f"{CONFIDENCE_RULE}. {linkage}"

    def _next_actions(self, team_id: str) -> tuple[list[dict[str, str]], str | None]:
        """fct_team_next_actions of the latest period, by action_rank."""
        if self.next_actions_by_team is None:
            return [], f"{NOT_AVAILABLE}: this warehouse has no fct_team_next_actions (build the package's marts)"
        frame = self.next_actions_by_team.get(team_id)
        period = _label(self.labels, self.latest)
        if frame is None or frame.empty:
            return [], f"No next action in {period}: level {MAX_LEVEL}, or the binding blockers only await their plateau."
        rows = []
        for row in frame.sort_values("action_rank").itertuples():
            unit = self.units.get(row.metric_name)
            if is_number(row.observed_value):
                observed = format_value(row.observed_value, unit)
            elif is_number(row.effective_value):
                observed = f"{format_value(row.effective_value, unit)} (carried forward)"
            else:
                observed = f"{NO_DATA} (measure it first)"
            rows.append(
                {
                    "rank": format_plain(row.action_rank),
                    "plane": humanise(str(row.plane)),
                    "criterion_id": str(row.criterion_id),
                    "metric": str(row.metric_name),
                    "observed": observed,
                    "threshold": f"{row.comparator} {format_value(row.threshold, unit)}",
                    "gap": format_plain(row.gap),
                    "unlocks_level": format_plain(row.unlocks_level),
                    "raises_overall": "yes" if bool(row.raises_overall_level) else "",
                    "sole": "sole blocker" if bool(row.is_sole_blocker) else "one of several",
                    "action": "" if pd.isna(row.action) else str(row.action),
                }
            )
        return rows, None

    def _readiness_switched_off(self) -> bool:
        accounting = self.data.accounting
        rows = accounting[accounting["source_table"] == READINESS_TABLE]
        return rows.empty or not bool(rows["is_enabled"].iloc[0])

    def _readiness(self, team_id: str) -> tuple[list[dict[str, str]], str | None, str | None]:
        """Self-assessed beside measured level per plane (fct_readiness_gap, latest period)."""
        if self.readiness_by_team is None:
            return [], f"{NOT_AVAILABLE}: this warehouse has no fct_readiness_gap", None
        frame = self.readiness_by_team.get(team_id)
        if frame is None or frame.empty:
            if self._readiness_switched_off():
                return [], f"{NOT_AVAILABLE}: the optional table {READINESS_TABLE} is absent or switched off", None
            return [], f"No readiness assessment from this team up to {_label(self.labels, self.latest)}.", None
        order = {plane: position for position, plane in enumerate(self.data.planes)}
        frame = frame.sort_values("plane", key=lambda planes: planes.map(lambda p: order.get(p, len(order))))
        rows = []
        for row in frame.itertuples():
            gap = int(row.readiness_gap) if is_number(row.readiness_gap) else None
            rows.append(
                {
                    "plane": humanise(str(row.plane)),
                    "self_assessed": format_plain(row.self_assessed_level),
                    "measured": format_plain(row.measured_level),
                    "gap": NO_DATA if gap is None else f"{gap:+d}" if gap else "0",
                    "label": str(row.gap_label),
                    "checklist": f"{format_plain(row.yes_items)} of {format_plain(row.checklist_items)} yes, "
                    f"{format_plain(row.partial_items)} partial, {format_plain(row.unanswered_items)} unanswered",
                    "assessed": format_period(row.assessed_at),
                }
            )
        callouts = [
            f"{verb} itself on " + ", ".join(f"{r['plane']} ({r['gap']})" for r in rows if r["label"] == label)
            for label, verb in (("overrates", "Overrates"), ("underrates", "Underrates"))
            if any(r["label"] == label for r in rows)
        ]
        return rows, None, ("; ".join(callouts) + ".") if callouts else None

    def _timeline(self, maturity: pd.DataFrame) -> Panel:
        title = "Level per plane over time"
        if maturity.empty:
            return Panel(title, note="no maturity level computed for this team")
        planes = self.data.planes
        rows = []
        for row in maturity.itertuples():
            for plane in planes + [OVERALL]:
                held = row.maturity_level if plane == OVERALL else getattr(row, f"{plane}_level")
                period_level: Any = None if plane == OVERALL else getattr(row, f"{plane}_period_level")
                rows.append(
                    {
                        "period_label": _label(self.labels, row.period_start),
                        "row": humanise(plane),
                        "level": int(held) if is_number(held) else None,
                        "level_text": str(int(held)) if is_number(held) else NO_DATA,
                        "period_level_text": str(int(period_level)) if is_number(period_level) else "—",
                        "is_provisional": bool(row.is_provisional),
                        "provisional_text": "yes: not yet held for the plateau" if row.is_provisional else "no",
                    }
                )
        periods = [label for label in self.period_order if label in {r["period_label"] for r in rows}]
        spec = charts.level_timeline(pd.DataFrame(rows), [humanise(p) for p in planes] + [OVERALL], periods)
        return Panel(title, self.registry.add(spec), caption="Faded, dashed cells are provisional periods.")

    def _blockers(self, team_id: str, current: Any) -> tuple[list[dict[str, str]], str | None]:
        frame = self.blockers_by_team.get(team_id)
        period = _label(self.labels, self.latest)
        if frame is None or frame.empty:
            if current is not None and all(current[f"{p}_level"] == MAX_LEVEL for p in self.data.planes):
                return [], f"No blockers: level {MAX_LEVEL} on every plane in {period}."
            return [], f"No blockers recorded in {period}."
        rows = []
        for row in frame.sort_values(["is_binding_plane", "plane", "criterion_id"], ascending=[False, True, True]).itertuples():
            n = self.sample_sizes.get((team_id, pd.Timestamp(row.period_start), row.metric_name))
            unit = self.units.get(row.metric_name)
            rows.append(
                {
                    "plane": humanise(row.plane),
                    "binding": "yes" if row.is_binding_plane else "",
                    "target_level": str(int(row.target_level)),
                    "criterion_id": str(row.criterion_id),
                    "rule": self._rule(row.metric_name, row.comparator, row.threshold),
                    "observed": format_value(row.observed_value, unit),
                    "n": format_sample_size(n, self.has_n.get(row.metric_name, False)) if is_number(row.observed_value) else "",
                    "value_source": str(row.value_source),
                    "threshold": format_value(row.threshold, unit),
                    "gap": format_plain(row.gap),
                    "status": str(row.blocker_status),
                }
            )
        return rows, None

    def _tiles(self, team_id: str) -> list[Tile]:
        delivery = self.delivery_by_team.get(team_id)
        metrics = self.metrics_by_team.get(team_id)
        tiles = []
        for metric, band_column in DORA_TILES:
            label = humanise(metric)
            if delivery is None or metrics is None or delivery.empty:
                tiles.append(Tile(label, NO_DATA, None, "", None))
                continue
            series = metrics[metrics["metric_name"] == metric].sort_values("period_start")
            points = self._metric_points(series)
            bands = delivery.set_index("period_start")[band_column] if band_column else None
            if bands is not None:
                points["band"] = [bands.get(p) if isinstance(bands.get(p), str) else None for p in series["period_start"]]
                points["band_text"] = [b or "no band (no data)" for b in points["band"]]
            last = series[series["period_start"] == self.latest]
            value = last["metric_value"].iloc[0] if not last.empty else None
            n = last["sample_size"].iloc[0] if not last.empty else None
            band = bands.get(self.latest) if bands is not None else None
            chart_id = (
                self.registry.add(charts.sparkline(points.drop(columns=["metric", "metric_name"]), bands is not None))
                if points["value"].notna().any()
                else None
            )
            tiles.append(
                Tile(
                    label,
                    format_value(value, self.units.get(metric)),
                    band if isinstance(band, str) else None,
                    format_sample_size(n, self.has_n.get(metric, False)) if is_number(value) else "",
                    chart_id,
                )
            )
        return tiles

    def _trends(self, team_id: str) -> list[Panel]:
        metrics = self.metrics_by_team.get(team_id)
        catalogue = self.data.catalogue
        panels = []
        for cluster, cluster_title in TREND_CLUSTERS:
            for unit in sorted(catalogue.loc[catalogue["cluster"] == cluster, "unit"].unique()):
                names = catalogue.loc[(catalogue["cluster"] == cluster) & (catalogue["unit"] == unit), "metric_name"].tolist()
                title = f"{cluster_title}: {humanise(unit)}"
                rows = metrics[metrics["metric_name"].isin(names)] if metrics is not None else pd.DataFrame()
                if rows.empty or not rows["metric_value"].map(is_number).any():
                    panels.append(Panel(title, note=f"no data in any period ({', '.join(humanise(n) for n in sorted(names))})"))
                    continue
                points = self._metric_points(rows.sort_values(["metric_name", "period_start"]))
                measured = set(points.loc[points["value"].notna(), "metric_name"])
                empty = sorted(set(names) - measured)
                points = points[points["metric_name"].isin(measured)]
                caption = f"No data in any period: {', '.join(humanise(n) for n in empty)}." if empty else None
                spec = charts.metric_trends(points.drop(columns="metric_name"), unit)
                panels.append(Panel(title, self.registry.add(spec), caption=caption))
        return panels

    def _llm(self, team_id: str, alerts: pd.DataFrame) -> Panel:
        title = "LLM cost, tokens, latency and quality"
        metrics = self.metrics_by_team.get(team_id)
        rows = metrics[metrics["metric_name"].isin(LLM_METRICS)] if metrics is not None else pd.DataFrame()
        if rows.empty or not rows["metric_value"].map(is_number).any():
            return Panel(title, note="no LLM requests or evaluations recorded for this team")
        points = self._metric_points(rows.sort_values(["metric_name", "period_start"]))
        fired = alerts[alerts["alert_type"] != "smart_breach"] if not alerts.empty else alerts
        marks = pd.DataFrame(
            {
                "period": [format_period(p) for p in fired["first_period"]],
                "period_label": [_label(self.labels, p) for p in fired["first_period"]],
                "label": [f"{a.slo_class} {a.action}: {a.feature_name}" for a in fired.itertuples()],
            }
        )
        spec = charts.llm_panel(points.drop(columns="metric_name"), [humanise(m) for m in LLM_METRICS], marks)
        empty = [humanise(m) for m in LLM_METRICS if m not in set(points.loc[points["value"].notna(), "metric_name"])]
        notes = ["Dashed red rules: quality alerts where they fired."] if not fired.empty else []
        notes += [f"No data in any period: {', '.join(empty)}."] if empty else []
        return Panel(title, self.registry.add(spec), caption=" ".join(notes) or None)

    def _smart(self, team_id: str) -> tuple[list[dict[str, str]], Panel]:
        title = "SMART targets: status per period"
        frame = self.smart_by_team.get(team_id)
        if frame is None or frame.empty:
            return [], Panel(title, note="no SMART target applies to this team")
        frame = frame.sort_values(["target_id", "period_start"])
        units = [self.units.get(m) for m in frame["metric_name"]]
        cells = pd.DataFrame(
            {
                "period_label": [_label(self.labels, p) for p in frame["period_start"]],
                "target_id": frame["target_id"].tolist(),
                "status": frame["status"].tolist(),
                "observed_text": [format_value(v, u) for v, u in zip(frame["observed_value"], units, strict=True)],
                "n_text": [
                    format_sample_size(n, self.has_n.get(m, False)) if is_number(v) else ""
                    for n, m, v in zip(frame["sample_size"], frame["metric_name"], frame["observed_value"], strict=True)
                ],
                "rule": [
                    self._rule(m, c, t)
                    for m, c, t in zip(frame["metric_name"], frame["comparator"], frame["target_value"], strict=True)
                ],
            }
        )
        targets = sorted(frame["target_id"].unique())
        periods = [label for label in self.period_order if label in set(cells["period_label"])]
        panel = Panel(title, self.registry.add(charts.smart_status(cells, targets, periods)))
        latest_rows = []
        for row in frame.groupby("target_id").tail(1).itertuples():
            unit = self.units.get(row.metric_name)
            latest_rows.append(
                {
                    "target_id": str(row.target_id),
                    "rule": self._rule(row.metric_name, row.comparator, row.target_value),
                    "period": _label(self.labels, row.period_start),
                    "status": str(row.status),
                    "observed": format_value(row.observed_value, unit),
                    "n": format_sample_size(row.sample_size, self.has_n.get(row.metric_name, False))
                    if is_number(row.observed_value)
                    else "",
                    "deadline": format_period(row.deadline),
                    "owner": str(row.owner),
                    "action": str(row.action),
                    "slo_class": str(row.slo_class),
                }
            )
        return latest_rows, panel

    def _survey(self, team_id: str) -> tuple[list[str], list[dict[str, Any]]]:
        people = self.people_by_team.get(team_id)
        columns = self.data.people.columns
        instruments = [c[: -len("_score")] for c in columns if c.endswith("_score")]
        if people is None or people.empty:
            return [humanise(i) for i in instruments], []
        suppressed_text = f"suppressed (fewer than {self.data.min_respondents} respondents)"
        rows = []
        for row in people.itertuples():
            cells = []
            for instrument in instruments:
                respondents_column = (
                    f"{instrument}_respondents" if f"{instrument}_respondents" in columns else "survey_respondents"
                )
                suppressed_column = f"{instrument}_is_suppressed" if f"{instrument}_is_suppressed" in columns else "is_suppressed"
                score = getattr(row, f"{instrument}_score")
                respondents = getattr(row, respondents_column)
                if bool(getattr(row, suppressed_column)):
                    cells.append({"text": suppressed_text, "kind": "suppressed"})
                elif is_number(score):
                    sample = format_sample_size(respondents, True)
                    cells.append({"text": f"{format_score(score)} ({sample} respondents)", "kind": "value"})
                else:
                    cells.append({"text": NO_DATA, "kind": "none"})
            rows.append({"period": _label(self.labels, row.period_start), "cells": cells})
        return [humanise(i) for i in instruments], rows

    def index(self, sections: list[TeamSection]) -> list[dict[str, str]]:
        return [
            {
                "team_id": s.team_id,
                "team_name": s.team_name,
                "org_unit": s.org_unit,
                "level": s.level_text,
                "confidence": s.confidence,
                "stage": s.stage_name,
                "binding_planes": s.binding_planes,
                "blockers": str(s.blockers_count),
                "open_alerts": str(s.open_alerts),
            }
            for s in sections
        ]

"""The report's charts as Vega-Lite specifications, built with Altair.

Every chart takes tidy frames and returns a spec dict (no `$schema` URL: the page embeds them with
the Vega-Lite it inlines). Tooltips carry preformatted text, so a null is "no data" and every rate
shows its sample size; nulls are left out of marks, never drawn as 0. Periods are UTC dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from maturity_report.data import MAX_LEVEL

Spec = dict[str, Any]

LEVELS = list(range(MAX_LEVEL + 1))
LEVEL_COLOURS = ["#d7301f", "#fc8d59", "#fdcc8a", "#9ecae1", "#3182bd"]
BAND_ORDER = ["elite", "high", "medium", "low"]
BAND_COLOURS = ["#1a9850", "#91cf60", "#fee08b", "#d73027"]
STATUS_ORDER = ["met", "breached", "expired", "no_data", "not_measurable"]
STATUS_COLOURS = ["#1a9850", "#d73027", "#7f0000", "#bdbdbd", "#f0f0f0"]
PERIOD_FORMAT = "%b %Y"
WIDTH = 560


_TEMPLATES: dict[tuple[Any, ...], Spec] = {}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows: numpy scalars as Python values, NaN and infinity as null."""
    rows: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
            elif hasattr(value, "item"):
                row[key] = value.item()
    return rows


def _render(key: tuple[Any, ...], build: Callable[[], alt.TopLevelMixin], **data: pd.DataFrame) -> Spec:
    """The spec of a chart whose marks read named datasets: built with Altair once per `key` (the
    chart kind and every parameter that shapes it), then given this call's rows as `datasets`."""
    template = _TEMPLATES.get(key)
    if template is None:
        template = build().to_dict(validate=False)
        template.pop("$schema", None)
        template.pop("datasets", None)
        _TEMPLATES[key] = template
    return {**template, "datasets": {name: _records(frame) for name, frame in data.items()}}


def _data(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


def _period_x(title: str | None = None) -> alt.X:
    return alt.X(
        "period:T", title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(format=PERIOD_FORMAT, labelAngle=0, tickCount=6)
    )


def _level_colour(title: str = "level") -> alt.Color:
    return alt.Color("level:O", title=title, scale=alt.Scale(domain=LEVELS, range=LEVEL_COLOURS))


def maturity_heatmap(cells: pd.DataFrame, team_order: list[str], column_order: list[str]) -> Spec:
    """Teams × planes (and overall) in the latest period: level colour, binding planes outlined.

    `cells`: team_label, column, level, level_text, is_binding, binding_text, provisional_text.
    """
    many = len(team_order) > 40

    def build() -> alt.TopLevelMixin:
        base = alt.Chart(_data("cells")).encode(
            x=alt.X("column:N", title=None, sort=column_order, axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y("team_label:N", title=None, sort=team_order, axis=alt.Axis(labelLimit=260, labelFontSize=9 if many else 11)),
        )
        tooltip = [
            alt.Tooltip("team_label:N", title="team"),
            alt.Tooltip("column:N", title="plane"),
            alt.Tooltip("level_text:N", title="level"),
            alt.Tooltip("binding_text:N", title="binding"),
            alt.Tooltip("provisional_text:N", title="provisional"),
        ]
        rect = base.mark_rect(stroke="#222").encode(
            color=_level_colour(),
            strokeWidth=alt.condition("datum.is_binding", alt.value(3 if not many else 1.5), alt.value(0)),
            tooltip=tooltip,
        )
        layers: list[alt.Chart] = [rect]
        if not many:
            layers.append(base.mark_text(fontSize=11).encode(text="level_text:N", tooltip=tooltip))
        return alt.layer(*layers).properties(width=alt.Step(64), height=alt.Step(11 if many else 22))

    return _render(("heatmap", tuple(team_order), tuple(column_order)), build, cells=cells)


def plane_levels(counts: pd.DataFrame, row_order: list[str]) -> Spec:
    """How many teams sit at each level on each plane (and overall). `counts`: row, level, teams, share_text."""

    def build() -> alt.TopLevelMixin:
        base = alt.Chart(_data("counts")).encode(
            x=alt.X("level:O", title="level", scale=alt.Scale(domain=LEVELS), axis=alt.Axis(labelAngle=0, orient="top")),
            y=alt.Y("row:N", title=None, sort=row_order),
        )
        tooltip = [
            alt.Tooltip("row:N", title="plane"),
            alt.Tooltip("level:O", title="level"),
            alt.Tooltip("teams:Q", title="teams"),
            alt.Tooltip("share_text:N", title="share of teams"),
        ]
        rect = base.mark_rect(stroke="white").encode(
            color=alt.Color("teams:Q", title="teams", scale=alt.Scale(scheme="blues")), tooltip=tooltip
        )
        text = base.mark_text(fontSize=11).encode(
            text="teams:Q", color=alt.condition("datum.dark", alt.value("white"), alt.value("black")), tooltip=tooltip
        )
        return alt.layer(rect, text).properties(width=alt.Step(56), height=alt.Step(24))

    return _render(("plane_levels", tuple(row_order)), build, counts=counts)


def level_distribution(counts: pd.DataFrame, period_order: list[str]) -> Spec:
    """Teams per overall level and period (stacked). `counts`: period_label, level, teams, stage."""

    def build() -> alt.TopLevelMixin:
        return (
            alt.Chart(_data("counts"))
            .mark_bar()
            .encode(
                x=alt.X("period_label:O", title=None, sort=period_order, axis=alt.Axis(labelAngle=-40)),
                y=alt.Y("teams:Q", title="teams", stack="zero"),
                color=_level_colour("overall level"),
                order=alt.Order("level:O", sort="descending"),
                tooltip=[
                    alt.Tooltip("period_label:N", title="period"),
                    alt.Tooltip("level:O", title="overall level"),
                    alt.Tooltip("stage:N", title="stage"),
                    alt.Tooltip("teams:Q", title="teams"),
                ],
            )
            .properties(width=WIDTH - 100, height=220)
        )

    return _render(("distribution", tuple(period_order)), build, counts=counts)


def blocking_criteria(rows: pd.DataFrame) -> Spec:
    """Criteria blocking the most teams in the latest period. `rows`: criterion_id, plane, teams, …"""

    def build() -> alt.TopLevelMixin:
        return (
            alt.Chart(_data("rows"))
            .mark_bar()
            .encode(
                y=alt.Y("criterion_id:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
                x=alt.X("teams:Q", title="teams blocked", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color("plane:N", title="plane"),
                tooltip=[
                    alt.Tooltip("criterion_id:N", title="criterion"),
                    alt.Tooltip("rule:N", title="rule"),
                    alt.Tooltip("plane:N", title="plane"),
                    alt.Tooltip("target_level:O", title="towards level"),
                    alt.Tooltip("teams:Q", title="teams blocked"),
                    alt.Tooltip("binding_teams:Q", title="of which on their binding plane"),
                    alt.Tooltip("statuses:N", title="statuses"),
                ],
            )
            .properties(width=WIDTH - 160, height=alt.Step(18))
        )

    return _render(("blocking",), build, rows=rows)


def alerts_by_slo(counts: pd.DataFrame) -> Spec:
    """Open alerts per SLO class, stacked by alert type. `counts`: slo_class, alert_type, alerts."""

    def build() -> alt.TopLevelMixin:
        return (
            alt.Chart(_data("counts"))
            .mark_bar()
            .encode(
                x=alt.X("slo_class:N", title="SLO class", sort="ascending", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("alerts:Q", title="open alerts", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color("alert_type:N", title="alert type"),
                tooltip=[
                    alt.Tooltip("slo_class:N", title="SLO class"),
                    alt.Tooltip("alert_type:N", title="type"),
                    alt.Tooltip("alerts:Q", title="open alerts"),
                ],
            )
            .properties(width=260, height=200)
        )

    return _render(("alerts",), build, counts=counts)


def adoption_and_revenue(adoption: pd.DataFrame, revenue: pd.DataFrame, period_order: list[str]) -> Spec:
    """AI adoption share across teams (median, band min–max) and attributed revenue (sum over teams)."""

    def build() -> alt.TopLevelMixin:
        band = (
            alt.Chart(_data("adoption"))
            .mark_area(opacity=0.25, color="#3182bd")
            .encode(x=_period_x(), y=alt.Y("low:Q", title="AI adoption share", axis=alt.Axis(format="%")), y2="high:Q")
        )
        tooltip = [
            alt.Tooltip("period_label:N", title="period"),
            alt.Tooltip("median_text:N", title="median over teams"),
            alt.Tooltip("range_text:N", title="range"),
            alt.Tooltip("teams_text:N", title="teams measured"),
            alt.Tooltip("n_text:N", title="users (denominator)"),
        ]
        line = (
            alt.Chart(_data("adoption"))
            .mark_line(point=True, color="#08519c")
            .encode(x=_period_x(), y="median:Q", tooltip=tooltip)
        )
        bars = (
            alt.Chart(_data("revenue"))
            .mark_bar(color="#31a354")
            .encode(
                x=alt.X("period_label:O", title=None, sort=period_order, axis=alt.Axis(labelAngle=-40)),
                y=alt.Y("revenue:Q", title="AI-attributed revenue (USD)", axis=alt.Axis(format="$,.0f")),
                tooltip=[
                    alt.Tooltip("period_label:N", title="period"),
                    alt.Tooltip("revenue_text:N", title="revenue, all teams"),
                    alt.Tooltip("teams_text:N", title="teams with data"),
                ],
            )
        )
        adoption_chart = alt.layer(band, line).properties(width=240, height=200, title="AI adoption share")
        revenue_chart = bars.properties(width=240, height=200, title="AI-attributed revenue")
        return alt.hconcat(adoption_chart, revenue_chart).resolve_scale(x="independent", color="independent")

    return _render(("adoption", tuple(period_order)), build, adoption=adoption, revenue=revenue)


def quarantine(rows: pd.DataFrame) -> Spec:
    """Rows quarantined per raw table, by reason. `rows`: source_table, issue_type, reason, quarantined_rows."""

    def build() -> alt.TopLevelMixin:
        return (
            alt.Chart(_data("rows"))
            .mark_bar()
            .encode(
                y=alt.Y("source_table:N", title=None, sort="-x"),
                x=alt.X("quarantined_rows:Q", title="rows quarantined", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color(
                    "issue_type:N",
                    title="issue",
                    scale=alt.Scale(domain=["rejected", "flagged", "duplicate"], range=["#d73027", "#fdae61", "#abd9e9"]),
                ),
                detail="reason:N",
                tooltip=[
                    alt.Tooltip("source_table:N", title="table"),
                    alt.Tooltip("issue_type:N", title="issue"),
                    alt.Tooltip("reason:N", title="reason"),
                    alt.Tooltip("quarantined_rows:Q", title="rows"),
                ],
            )
            .properties(width=WIDTH - 160, height=alt.Step(16))
        )

    return _render(("quarantine",), build, rows=rows)


def level_timeline(cells: pd.DataFrame, row_order: list[str], period_order: list[str]) -> Spec:
    """One team's level per plane (and overall) over time; provisional periods faded and outlined.

    `cells`: period_label, row, level, level_text, period_level_text, is_provisional, provisional_text.
    """

    def build() -> alt.TopLevelMixin:
        base = alt.Chart(_data("cells")).encode(
            x=alt.X("period_label:O", title=None, sort=period_order, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("row:N", title=None, sort=row_order),
        )
        tooltip = [
            alt.Tooltip("period_label:N", title="period"),
            alt.Tooltip("row:N", title="plane"),
            alt.Tooltip("level_text:N", title="level held"),
            alt.Tooltip("period_level_text:N", title="criteria met this period"),
            alt.Tooltip("provisional_text:N", title="provisional"),
        ]
        rect = base.mark_rect(stroke="#555").encode(
            color=_level_colour(),
            opacity=alt.condition("datum.is_provisional", alt.value(0.35), alt.value(1.0)),
            strokeWidth=alt.condition("datum.is_provisional", alt.value(1.5), alt.value(0)),
            tooltip=tooltip,
        )
        text = base.mark_text(fontSize=10).encode(text="level_text:N", tooltip=tooltip)
        return alt.layer(rect, text).properties(width=WIDTH, height=alt.Step(20))

    return _render(("timeline", tuple(row_order), tuple(period_order)), build, cells=cells)


def sparkline(points: pd.DataFrame, has_band: bool) -> Spec:
    """A tile's trend: one metric of one team over time. `points`: period, value, texts (and band)."""

    def build() -> alt.TopLevelMixin:
        tooltip = [
            alt.Tooltip("period_label:N", title="period"),
            alt.Tooltip("value_text:N", title="value"),
            alt.Tooltip("n_text:N", title="sample"),
        ]
        if has_band:
            tooltip.append(alt.Tooltip("band_text:N", title="band"))
        base = alt.Chart(_data("points")).encode(
            x=alt.X("period:T", title=None, scale=alt.Scale(type="utc"), axis=None),
            y=alt.Y("value:Q", title=None, axis=None, scale=alt.Scale(zero=False)),
        )
        line = base.mark_line(color="#888", invalid="break-paths-show-domains")
        colour = (
            alt.Color("band:N", scale=alt.Scale(domain=BAND_ORDER, range=BAND_COLOURS), legend=None)
            if has_band
            else alt.value("#3182bd")
        )
        dots = (
            base.mark_point(filled=True, size=30).encode(color=colour, tooltip=tooltip).transform_filter("isValid(datum.value)")
        )
        return alt.layer(line, dots).properties(width=170, height=44)

    return _render(("sparkline", has_band), build, points=points)


def metric_trends(points: pd.DataFrame, unit: str) -> Spec:
    """Several metrics of one team and unit over time. `points`: period, metric, value, texts."""

    def build() -> alt.TopLevelMixin:
        axis = alt.Axis(format="%") if unit == "ratio" else alt.Axis()
        base = alt.Chart(_data("points")).encode(
            x=_period_x(),
            y=alt.Y("value:Q", title=unit.replace("_", " "), axis=axis),
            color=alt.Color("metric:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        )
        tooltip = [
            alt.Tooltip("period_label:N", title="period"),
            alt.Tooltip("metric:N", title="metric"),
            alt.Tooltip("value_text:N", title="value"),
            alt.Tooltip("n_text:N", title="sample"),
        ]
        line = base.mark_line(invalid="break-paths-show-domains")
        dots = base.mark_point(filled=True, size=28).encode(tooltip=tooltip).transform_filter("isValid(datum.value)")
        return alt.layer(line, dots).properties(width=WIDTH - 60, height=170)

    return _render(("trends", unit), build, points=points)


def llm_panel(points: pd.DataFrame, metric_order: list[str], alerts: pd.DataFrame) -> Spec:
    """LLM economics and quality, one small chart per metric with data, alerts marked where they fired.

    `points`: period, metric, value, texts; `alerts`: period, period_label, label.
    """
    shown = tuple(m for m in metric_order if points.loc[points["metric"] == m, "value"].notna().any())
    with_alerts = not alerts.empty

    def build() -> alt.TopLevelMixin:
        charts = []
        for metric in shown:
            base = (
                alt.Chart(_data("points"))
                .transform_filter(alt.datum.metric == metric)
                .encode(x=_period_x(), y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)))
            )
            tooltip = [
                alt.Tooltip("period_label:N", title="period"),
                alt.Tooltip("value_text:N", title="value"),
                alt.Tooltip("n_text:N", title="sample"),
            ]
            layers: list[alt.Chart] = [
                base.mark_line(color="#3182bd", invalid="break-paths-show-domains"),
                base.mark_point(filled=True, size=28, color="#08519c")
                .encode(tooltip=tooltip)
                .transform_filter("isValid(datum.value)"),
            ]
            if with_alerts:
                rule = alt.Chart(_data("alerts")).encode(x=_period_x())
                alert_tooltip = [alt.Tooltip("label:N", title="alert"), alt.Tooltip("period_label:N", title="fired in")]
                layers.append(rule.mark_rule(color="#d73027", strokeWidth=2, strokeDash=[4, 2]).encode(tooltip=alert_tooltip))
                layers.append(
                    rule.mark_text(color="#d73027", align="left", dx=4, baseline="top", fontWeight="bold").encode(
                        y=alt.value(2), text="label:N", tooltip=alert_tooltip
                    )
                )
            charts.append(alt.layer(*layers).properties(width=WIDTH - 40, height=90, title=metric))
        return alt.vconcat(*charts, spacing=8)

    data = {"points": points, "alerts": alerts} if with_alerts else {"points": points}
    return _render(("llm", shown, with_alerts), build, **data)


def smart_status(cells: pd.DataFrame, target_order: list[str], period_order: list[str]) -> Spec:
    """SMART targets × period coloured by status. `cells`: period_label, target_id, status, texts."""

    def build() -> alt.TopLevelMixin:
        return (
            alt.Chart(_data("cells"))
            .mark_rect(stroke="white")
            .encode(
                x=alt.X("period_label:O", title=None, sort=period_order, axis=alt.Axis(labelAngle=-40)),
                y=alt.Y("target_id:N", title=None, sort=target_order, axis=alt.Axis(labelLimit=240)),
                color=alt.Color("status:N", title="status", scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS)),
                tooltip=[
                    alt.Tooltip("target_id:N", title="target"),
                    alt.Tooltip("period_label:N", title="period"),
                    alt.Tooltip("status:N", title="status"),
                    alt.Tooltip("observed_text:N", title="observed"),
                    alt.Tooltip("n_text:N", title="sample"),
                    alt.Tooltip("rule:N", title="target"),
                ],
            )
            .properties(width=WIDTH, height=alt.Step(18))
        )

    return _render(("smart", tuple(target_order), tuple(period_order)), build, cells=cells)

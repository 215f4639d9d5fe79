"""Issue 15 items 1, 2 and 5 on the demo data: fct_org_investment_priorities, fct_team_next_actions
and the trend columns of fct_maturity_blockers equal an independent pandas computation from the
criteria evaluations (numpy's least-squares fit for the trend) and the blockers' base columns
(status, plane, gap, threshold, binding plane); and the demo says something visible: the top
investment of the latest month is psychological safety, the only criterion between level 4 and each
of the five teams (a majority) whose team/culture plane sits at level 3, counted from the criteria
evaluations themselves."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import DemoWarehouse
from demo_data.profiles import PLANES, TEAMS
from harness import PROJECT_DIR, connect, run_dbt, write_raw_tables

OPEN = ("unmet", "no_data")
TOLERANCE = 1e-9  # float slack on a crossing that lands exactly on a period
PERIODS_PER_YEAR = 12  # the demo's period is the month


def frame(warehouse: DemoWarehouse, sql: str) -> pd.DataFrame:
    with connect(warehouse.db_path) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def blockers(demo_warehouse: DemoWarehouse) -> pd.DataFrame:
    return frame(demo_warehouse, "select * from fct_maturity_blockers")


@pytest.fixture(scope="module")
def expected_blockers(demo_warehouse: DemoWarehouse, blockers: pd.DataFrame) -> pd.DataFrame:
    """The blockers' derived columns recomputed from their base columns and the evaluations."""
    out = blockers[["team_id", "period_start", "plane", "criterion_id", "comparator", "threshold", "gap",
                    "blocker_status", "is_binding_plane", "plane_level", "target_level",
                    "metric_name", "observed_value", "effective_value"]].copy()
    is_open = out["blocker_status"].isin(OPEN)
    out["relative_gap"] = [
        gap / abs(threshold) if threshold != 0 and not pd.isna(gap) else np.nan
        for gap, threshold in zip(out["gap"], out["threshold"], strict=True)
    ]
    open_counts = out[is_open].groupby(["team_id", "period_start", "plane"]).size().rename("open_n")
    out = out.join(open_counts, on=["team_id", "period_start", "plane"])
    out["open_n"] = out["open_n"].fillna(0).astype(int)
    out["is_sole_blocker"] = is_open & (out["open_n"] == 1)
    trend = trend_by_blocker(demo_warehouse)
    out = out.merge(trend, on=["team_id", "period_start", "criterion_id"], how="left")
    out["projected_pass_period"] = [
        projection(row) if row.blocker_status in OPEN else None for row in out.itertuples()
    ]
    return out


def trend_by_blocker(warehouse: DemoWarehouse) -> pd.DataFrame:
    """numpy.polyfit over the observed values of the last `ai_maturity__trend_periods` periods."""
    window = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["ai_maturity"]["ai_maturity__trend_periods"]
    evaluations = frame(
        warehouse,
        "select team_id, period_start, team_period_number, criterion_id, observed_value "
        "from fct_maturity_criteria_evaluations",
    )
    rows = []
    for (team_id, criterion_id), series in evaluations.groupby(["team_id", "criterion_id"]):
        series = series.sort_values("team_period_number")
        numbers = series["team_period_number"].to_numpy()
        values = series["observed_value"].to_numpy(dtype=float)
        for period_start, x0 in zip(series["period_start"], numbers, strict=True):
            in_window = (numbers > x0 - window) & (numbers <= x0) & ~np.isnan(values)
            xs, ys = numbers[in_window].astype(float), values[in_window]
            slope, line_now = (np.nan, np.nan)
            if len(xs) >= 3:
                slope, intercept = np.polyfit(xs, ys, 1)
                line_now = intercept + slope * x0
            rows.append((team_id, period_start, criterion_id, len(xs), slope, line_now))
    return pd.DataFrame(
        rows, columns=["team_id", "period_start", "criterion_id", "trend_points", "trend_slope_per_period", "line_now"]
    )


def projection(row: Any) -> date | None:
    """The first coming month whose value on the fitted line meets the threshold, within a year."""
    slope, comparator = row.trend_slope_per_period, row.comparator
    if pd.isna(slope) or not ((comparator in (">=", ">") and slope > 0) or (comparator in ("<=", "<") and slope < 0)):
        return None
    periods = (row.threshold - row.line_now) / slope
    ahead = math.ceil(periods - TOLERANCE) if comparator in (">=", "<=") else math.floor(periods + TOLERANCE) + 1
    if ahead > PERIODS_PER_YEAR:
        return None
    return (pd.Timestamp(row.period_start) + pd.DateOffset(months=max(ahead, 1))).date()


def seed_actions() -> dict[str, str]:
    with (PROJECT_DIR / "seeds" / "maturity_criteria.csv").open() as handle:
        return {row["criterion_id"]: row["action"] for row in csv.DictReader(handle)}


def test_blocker_trend_and_sole_blocker_match_pandas(blockers: pd.DataFrame, expected_blockers: pd.DataFrame) -> None:
    key = ["team_id", "period_start", "criterion_id"]
    got = blockers.sort_values(key).reset_index(drop=True)
    want = expected_blockers.sort_values(key).reset_index(drop=True)
    assert len(got) == len(want) > 0
    assert (got["is_sole_blocker"].to_numpy() == want["is_sole_blocker"].to_numpy()).all()
    assert (got["open_blockers_on_plane"].to_numpy() == want["open_n"].to_numpy()).all()
    assert (got["trend_points"].to_numpy() == want["trend_points"].to_numpy()).all()
    np.testing.assert_allclose(got["relative_gap"].to_numpy(dtype=float), want["relative_gap"].to_numpy(dtype=float), rtol=1e-9)
    np.testing.assert_allclose(
        got["trend_slope_per_period"].to_numpy(dtype=float), want["trend_slope_per_period"].to_numpy(dtype=float),
        rtol=1e-7, atol=1e-9,
    )
    got_projected = [None if pd.isna(value) else pd.Timestamp(value).date() for value in got["projected_pass_period"]]
    assert got_projected == list(want["projected_pass_period"])
    # the demo has trends that reach their threshold within a year, and ones that do not
    projected = sum(value is not None for value in got_projected)
    with_slope = int(got["trend_slope_per_period"].notna().sum())
    assert 0 < projected < with_slope


def test_investment_priorities_match_pandas(demo_warehouse: DemoWarehouse, expected_blockers: pd.DataFrame) -> None:
    open_blockers = expected_blockers[expected_blockers["blocker_status"].isin(OPEN)].copy()
    open_blockers["held"] = open_blockers["is_binding_plane"]
    open_blockers["held_alone"] = open_blockers["is_sole_blocker"] & open_blockers["is_binding_plane"]
    want = (
        open_blockers.groupby(["period_start", "plane", "criterion_id"])
        .agg(
            teams_blocked=("team_id", "size"),
            teams_blocked_alone=("is_sole_blocker", "sum"),
            teams_held_at_overall_level=("held", "sum"),
            teams_held_alone=("held_alone", "sum"),
            median_relative_gap=("relative_gap", "median"),
        )
        .reset_index()
    )
    want["gap_missing"] = want["median_relative_gap"].isna()
    want = want.sort_values(
        ["period_start", "teams_blocked_alone", "teams_blocked", "gap_missing", "median_relative_gap", "criterion_id"],
        ascending=[True, False, False, True, True, True],
    )
    want["priority_rank"] = want.groupby("period_start").cumcount() + 1
    teams = frame(demo_warehouse, "select period_start, count(*) as teams_assessed from fct_team_maturity group by 1")
    want = want.merge(teams, on="period_start")
    actions = seed_actions()
    want["action"] = want["criterion_id"].map(actions)

    got = frame(demo_warehouse, "select * from fct_org_investment_priorities")
    key = ["period_start", "priority_rank"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    columns = ["period_start", "priority_rank", "plane", "criterion_id", "teams_assessed", "teams_blocked",
               "teams_blocked_alone", "teams_held_at_overall_level", "teams_held_alone", "action"]
    assert got[columns].astype(str).to_dict("records") == want[columns].astype(str).to_dict("records")
    np.testing.assert_allclose(
        got["median_relative_gap"].to_numpy(dtype=float), want["median_relative_gap"].to_numpy(dtype=float), rtol=1e-9
    )


def test_team_next_actions_match_pandas(demo_warehouse: DemoWarehouse, expected_blockers: pd.DataFrame) -> None:
    binding = expected_blockers[expected_blockers["is_binding_plane"]]
    binding_planes = binding.groupby(["team_id", "period_start"])["plane"].nunique().rename("binding_planes")
    candidates = binding[binding["blocker_status"].isin(OPEN)].join(binding_planes, on=["team_id", "period_start"])
    candidates = candidates.assign(
        not_sole=~candidates["is_sole_blocker"], gap_missing=candidates["relative_gap"].isna()
    ).sort_values(["team_id", "period_start", "not_sole", "gap_missing", "relative_gap", "criterion_id"])
    candidates["action_rank"] = candidates.groupby(["team_id", "period_start"]).cumcount() + 1
    want = candidates[candidates["action_rank"] <= 3].copy()
    want["raises_overall_level"] = want["is_sole_blocker"] & (want["binding_planes"] == 1)
    want["unlocks_level"] = want["target_level"]
    want["maturity_level"] = want["plane_level"]
    want["action"] = want["criterion_id"].map(seed_actions())

    got = frame(demo_warehouse, "select * from fct_team_next_actions")
    key = ["team_id", "period_start", "action_rank"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    columns = ["team_id", "period_start", "action_rank", "maturity_level", "plane", "criterion_id", "blocker_status",
               "unlocks_level", "is_sole_blocker", "raises_overall_level", "action"]
    assert len(got) > 0
    assert got[columns].astype(str).to_dict("records") == want[columns].astype(str).to_dict("records")
    for column in ("observed_value", "threshold", "gap", "relative_gap", "trend_slope_per_period"):
        np.testing.assert_allclose(got[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float), rtol=1e-7, atol=1e-9)


def blocked_alone_from_evaluations(warehouse: DemoWarehouse, period_start: object) -> pd.Series:
    """criterion_id → the teams it blocks alone in the period, read from the criteria evaluations and
    the plane levels only: the one unmet criterion of a plane's next level (plane below 4)."""
    evaluations = frame(warehouse, "select team_id, period_start, plane, level, criterion_id, is_met "
                                   "from fct_maturity_criteria_evaluations")
    levels = frame(warehouse, "select * from fct_team_maturity")
    plane_levels = levels.melt(id_vars=["team_id", "period_start"], value_vars=[f"{p}_level" for p in PLANES],
                               var_name="plane", value_name="plane_level")
    plane_levels["plane"] = plane_levels["plane"].str.removesuffix("_level")
    plane_levels = plane_levels[(plane_levels["period_start"] == period_start) & (plane_levels["plane_level"] < 4)]
    next_level = evaluations.merge(plane_levels, on=["team_id", "period_start", "plane"])
    next_level = next_level[next_level["level"] == next_level["plane_level"] + 1]
    unmet = next_level[~next_level["is_met"].astype(bool)]
    unmet_on_plane = unmet.groupby(["team_id", "plane"])["criterion_id"].transform("size")
    return unmet[unmet_on_plane == 1].groupby("criterion_id")["team_id"].apply(set)


def test_demo_top_investment_is_psych_safety_blocking_most_teams_alone(demo_warehouse: DemoWarehouse) -> None:
    latest = frame(
        demo_warehouse,
        "select * from fct_org_investment_priorities "
        "where period_start = (select max(period_start) from fct_org_investment_priorities) order by priority_rank",
    )
    top = latest.iloc[0]
    alone = blocked_alone_from_evaluations(demo_warehouse, latest["period_start"].iloc[0])
    most = alone.map(len).max()
    # the mart's top criterion is the one the evaluations say blocks the most teams alone, and it is
    # the only such criterion, and it blocks a majority of all the teams
    assert list(alone[alone.map(len) == most].index) == [top["criterion_id"]] == ["team_culture_4_psych_safety"]
    assert top["teams_blocked_alone"] == top["teams_blocked"] == most
    assert most > len(TEAMS) / 2
    # by design: exactly the teams whose team/culture plane sits at level 3 (psychological safety
    # below 0.75 is the only criterion left between them and level 4)
    assert alone[top["criterion_id"]] == {team.team_id for team in TEAMS if team.levels.team_culture == 3}
    for criterion_id, row in latest.set_index("criterion_id").iterrows():
        assert row["teams_blocked_alone"] == len(alone.get(criterion_id, set()))
    # the only team held by a single blocker on a single binding plane is told that fixing it raises its level
    raising = frame(
        demo_warehouse,
        "select team_id, criterion_id from fct_team_next_actions where raises_overall_level "
        "and period_start = (select max(period_start) from fct_team_next_actions)",
    )
    single_binding = {team.team_id for team in TEAMS if team.levels.overall < 4 and len(team.levels.binding_planes) == 1}
    assert set(raising["team_id"]) <= single_binding and len(raising) >= 1


@pytest.mark.parametrize("value", [2, 4.5, "six"])
def test_a_trend_window_below_three_or_not_whole_is_one_line(tmp_path: Path, value: object) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, {})
    result = run_dbt(
        ["compile", "--select", "fct_maturity_blockers"], db_path, tmp_path, dbt_vars={"ai_maturity__trend_periods": value}
    )
    assert result.returncode != 0 and "Traceback" not in result.output
    assert (
        "ai_maturity: var ai_maturity__trend_periods must be a whole number of periods, at least 3 "
        f"(a trend is never drawn from fewer than 3 points), not '{value}'"
    ) in result.output

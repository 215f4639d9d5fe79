"""Self-assessed beside measured maturity (fct_readiness_gap): the demo's mart against an independent
pandas computation from the raw rows, the quarantine of bad self-assessment rows, and the optional
table absent from the warehouse (no failure, no rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from conftest import PROJECT_DIR, DemoWarehouse
from harness import build_dataset, deployment_row, query, run_dbt, write_raw_tables

ITEMS = pd.read_csv(PROJECT_DIR / "seeds" / "readiness_items.csv")
PLANES = ("process", "platform", "team_culture", "product")
ANSWERS = ("yes", "partial", "no")
CLOCK_SKEW = pd.Timedelta(hours=24)  # var ai_maturity__clock_skew_hours
MIN_EVENT = pd.Timestamp("2000-01-01")  # var ai_maturity__min_event_date
KEY = ["assessment_id", "item_code"]
MART_COLUMNS = ["team_id", "period_start", "plane", "assessment_id", "self_assessed_level", "measured_level",
                "readiness_gap", "gap_label", "yes_items", "partial_items", "unanswered_items"]


def raw_frame(db_path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).df()


def staged_answers(raw: pd.DataFrame, teams: set[str]) -> pd.DataFrame:
    """The contract applied by hand: the greatest `_loaded_at` per key, then every rejection rule."""
    ranked = raw.sort_values("_loaded_at", ascending=False, na_position="last")
    assert not ranked.duplicated(KEY + ["_loaded_at"]).any(), "a tie would need the content-hash tie-break"
    kept = ranked.drop_duplicates(KEY).copy()
    kept["plane"] = kept["plane"].str.strip().str.lower()
    kept["answer"] = kept["answer"].str.strip().str.lower()
    seed = ITEMS.set_index("item_code")
    known_item = kept["item_code"].isin(seed.index)
    item_plane = kept["item_code"].map(seed["plane"])
    item_level = kept["item_code"].map(seed["level"])
    valid = (
        kept[["assessment_id", "team_id", "assessed_at", "plane", "level", "item_code", "answer"]].notna().all(axis=1)
        & kept["team_id"].isin(teams)
        & kept["plane"].isin(PLANES)
        & kept["answer"].isin(ANSWERS)
        & known_item
        & (kept["plane"] == item_plane)
        & (kept["level"] == item_level)
        & (kept["assessed_at"] >= MIN_EVENT)
        & (kept["assessed_at"] <= kept["_loaded_at"] + CLOCK_SKEW)
    )
    return kept[valid]


def self_assessed_level(answers: dict[str, str], plane: str) -> int:
    """The highest level L with every item of levels 1 … L of the plane answered yes."""
    items = ITEMS[ITEMS["plane"] == plane]
    level = 0
    for candidate in sorted(items["level"].unique()):
        codes = items.loc[items["level"] == candidate, "item_code"]
        if not all(answers.get(code) == "yes" for code in codes):
            break
        level = int(candidate)
    return level


def expected_gaps(db_path: Path) -> pd.DataFrame:
    raw = raw_frame(db_path, "select * from raw.readiness_assessments")
    teams = set(raw_frame(db_path, "select team_id from raw.teams")["team_id"])
    answers = staged_answers(raw, teams)
    assessments = answers.groupby(["team_id", "assessment_id"], as_index=False)["assessed_at"].max()
    maturity = raw_frame(db_path, "select * from main_ai_maturity_marts.fct_team_maturity")
    rows: list[dict[str, Any]] = []
    for spine in maturity.itertuples():
        period_end = pd.Timestamp(spine.period_start) + pd.DateOffset(months=1)
        mine = assessments[(assessments["team_id"] == spine.team_id) & (assessments["assessed_at"] < period_end)]
        if mine.empty:
            continue
        latest = mine.sort_values(["assessed_at", "assessment_id"]).iloc[-1]
        given = answers[(answers["team_id"] == spine.team_id) & (answers["assessment_id"] == latest["assessment_id"])]
        by_item = dict(zip(given["item_code"], given["answer"], strict=True))
        for plane in PLANES:
            codes = ITEMS.loc[ITEMS["plane"] == plane, "item_code"]
            own = self_assessed_level(by_item, plane)
            measured = int(getattr(spine, f"{plane}_level"))
            gap = own - measured
            rows.append({
                "team_id": spine.team_id,
                "period_start": pd.Timestamp(spine.period_start),
                "plane": plane,
                "assessment_id": latest["assessment_id"],
                "self_assessed_level": own,
                "measured_level": measured,
                "readiness_gap": gap,
                "gap_label": "overrates" if gap > 0 else "underrates" if gap < 0 else "aligned",
                "yes_items": sum(by_item.get(code) == "yes" for code in codes),
                "partial_items": sum(by_item.get(code) == "partial" for code in codes),
                "unanswered_items": sum(code not in by_item for code in codes),
            })
    return pd.DataFrame(rows, columns=MART_COLUMNS)


def sorted_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    frame = frame[MART_COLUMNS].copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    for column in ("self_assessed_level", "measured_level", "readiness_gap", "yes_items", "partial_items",
                   "unanswered_items"):
        frame[column] = frame[column].astype(int)
    return sorted(frame.itertuples(index=False, name=None))


def test_demo_readiness_gap_matches_an_independent_computation(demo_warehouse: DemoWarehouse) -> None:
    db = demo_warehouse.db_path
    expected = expected_gaps(db)
    actual = raw_frame(db, "select * from main_ai_maturity_marts.fct_readiness_gap")
    assert len(expected) > 100
    assert sorted_rows(actual) == sorted_rows(expected)


def test_demo_has_an_overrating_and_an_underrating_team(demo_warehouse: DemoWarehouse) -> None:
    """The demo is designed so the mart says something: team_manual claims levels it has not reached
    on every plane, team_tracked_b claims less than its measured process and platform."""
    rows = query(
        demo_warehouse.db_path,
        "select team_id, plane, min(readiness_gap) as low, max(readiness_gap) as high "
        "from fct_readiness_gap where team_id in ('team_manual', 'team_tracked_b') group by 1, 2",
    )
    by_key = {(r["team_id"], r["plane"]): (r["low"], r["high"]) for r in rows}
    assert all(by_key[("team_manual", plane)][0] > 0 for plane in PLANES)
    assert by_key[("team_tracked_b", "process")][1] < 0
    assert by_key[("team_tracked_b", "platform")][1] < 0
    labels = {r["gap_label"] for r in query(demo_warehouse.db_path, "select distinct gap_label from fct_readiness_gap")}
    assert labels == {"overrates", "underrates", "aligned"}


def test_demo_quarantines_the_injected_self_assessment_rows(demo_warehouse: DemoWarehouse) -> None:
    db = demo_warehouse.db_path
    reasons = sorted(
        (r["issue_type"], r["reason"])
        for r in query(db, "select issue_type, reason from fct_quarantined_rows where source_table = 'readiness_assessments'")
    )
    assert reasons == [
        ("duplicate", "duplicate_of_kept_row"),
        ("rejected", "unknown_enum_value:answer"),
        ("rejected", "unknown_item_code"),
    ]
    raw_rows = query(db, "select count(*) as n from raw.readiness_assessments")[0]["n"]
    assert query(
        db,
        "select is_enabled, raw_rows, staged_rows, rejected_rows, duplicate_rows "
        "from fct_raw_row_accounting where source_table = 'readiness_assessments'",
    ) == [{"is_enabled": True, "raw_rows": raw_rows, "staged_rows": raw_rows - 3, "rejected_rows": 2,
           "duplicate_rows": 1}]


# --- a hand-made warehouse: one team, one deployment in March 2025 ------------------------------------

LOADED = "2025-03-20 00:00:00"
SMALL_RAW: dict[str, list[dict[str, Any]]] = {
    "teams": [{"team_id": "t1", "team_name": "One", "_loaded_at": LOADED}],
    "service_ownership": [{"service_id": "svc1", "team_id": "t1", "valid_from": "2024-01-01 00:00:00",
                           "_loaded_at": LOADED}],
    "deployments": [deployment_row("d1", "svc1", "2025-03-03 10:00:00", _loaded_at=LOADED)],
}


def answer_row(assessment_id: str, code: str, answer: str, **extra: Any) -> dict[str, Any]:
    """A valid raw answer of team t1 on 2025-03-05 to seed item `code` (its own plane and level);
    keyword arguments override or add columns."""
    item = ITEMS.set_index("item_code").loc[code]
    row = {"assessment_id": assessment_id, "team_id": "t1", "assessed_at": "2025-03-05 10:00:00",
           "plane": item["plane"], "level": int(item["level"]), "item_code": code, "answer": answer,
           "respondent_role": "tech_lead", "_loaded_at": LOADED}
    row.update(extra)
    return row


def test_bad_self_assessment_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    platform_1 = ITEMS.loc[(ITEMS["plane"] == "platform") & (ITEMS["level"] == 1), "item_code"].tolist()
    good = [answer_row("a1", code, "yes") for code in platform_1]
    good[0]["answer"] = " YES "  # folded to yes: staged
    bad = [
        answer_row("bad-enum", platform_1[0], "maybe"),
        answer_row("bad-item", platform_1[0], "yes", item_code="platform_9_nothing"),
        answer_row("bad-level", platform_1[0], "yes", level=3),
        answer_row("bad-team", platform_1[0], "yes", team_id="t_ghost"),
        answer_row("bad-clock", platform_1[0], "yes", assessed_at="2999-01-01 00:00:00"),
        answer_row("a1", platform_1[1], "no", _loaded_at="2025-03-19 00:00:00"),  # older copy: duplicate
    ]
    db = build_dataset(tmp_path, {**SMALL_RAW, "readiness_assessments": good + bad}, ["build"])
    rejected = {
        r["assessment_id"]: r["rejection_reason"]
        for r in query(db, "select assessment_id, rejection_reason from base_ai_maturity_raw__readiness_assessments "
                           "where rejection_reason is not null")
    }
    assert rejected == {
        "bad-enum": "unknown_enum_value:answer",
        "bad-item": "unknown_item_code",
        "bad-level": "item_plane_level_mismatch",
        "bad-team": "unknown_team",
        "bad-clock": "implausible_timestamp:assessed_at",
    }
    assert query(
        db,
        "select raw_rows, staged_rows, rejected_rows, duplicate_rows from fct_raw_row_accounting "
        "where source_table = 'readiness_assessments'",
    ) == [{"raw_rows": len(good) + len(bad), "staged_rows": len(good), "rejected_rows": 5, "duplicate_rows": 1}]
    # every platform level-1 item yes (the duplicate's `no` lost to the later `yes`): platform self-assessed at 1
    gap = query(db, "select self_assessed_level, yes_items, readiness_gap from fct_readiness_gap "
                    "where team_id = 't1' and plane = 'platform'")
    assert len(gap) == 1 and gap[0]["self_assessed_level"] == 1 and gap[0]["yes_items"] == len(platform_1)
    measured = query(db, "select platform_level from fct_team_maturity where team_id = 't1'")[0]["platform_level"]
    assert gap[0]["readiness_gap"] == 1 - measured


def test_absent_table_builds_with_no_rows(tmp_path: Path) -> None:
    """The optional table is on when present (var null by default): absent, nothing fails and the
    mart is empty; the accounting shows it switched off."""
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, SMALL_RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("drop table raw.readiness_assessments")
    result = run_dbt(["build"], db_path, tmp_path)
    assert result.failures() == []
    assert query(db_path, "select count(*) as n from fct_readiness_gap") == [{"n": 0}]
    assert query(db_path, "select count(*) as n from fct_team_maturity") == [{"n": 1}]
    assert query(
        db_path, "select is_enabled, raw_rows from fct_raw_row_accounting where source_table = 'readiness_assessments'"
    ) == [{"is_enabled": False, "raw_rows": 0}]


def test_switched_off_table_is_not_read(tmp_path: Path) -> None:
    """Present but switched off by the var: not read (no rows), whatever it holds."""
    raw = {**SMALL_RAW, "readiness_assessments": [answer_row("a1", "process_1_monthly_release", "yes")]}
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, raw)
    result = run_dbt(["build"], db_path, tmp_path, dbt_vars={"ai_maturity__readiness_assessments_enabled": False})
    assert result.failures() == []
    assert query(db_path, "select count(*) as n from stg_ai_maturity_raw__readiness_assessments") == [{"n": 0}]
    assert query(db_path, "select count(*) as n from fct_readiness_gap") == [{"n": 0}]

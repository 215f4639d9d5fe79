"""User & business value (metrics.md §3) on a small hand-made dataset; every expected value is worked
out by hand in the comments beside it.

Monthly periods, January and February 2025. Users u1 … u8 (user_key is a hash already in real
data; plain names here). Features:
- team_a: `chat` and `search` (AI), `settings` (not AI);
- team_b: `assist` (AI), `billing` (not AI, where conversions happen);
- team_c: `home` (not AI), first seen in February.

January product events (after dedupe and quarantine):
  u1: chat feature_use, chat upvote, assist feature_use, billing conversion 40 USD
  u2: chat feature_use, chat downvote, settings upvote (not an AI feature: no feedback)
  u3: search feature_use, search downvote, billing conversion -5 USD (flagged: revenue null, still a conversion)
  u4: billing active, billing conversion 100 USD
  u5: assist feature_use, billing conversion without revenue
  u6: chat `active` (not a feature_use: not "used")
  u7: settings active
  -> 7 users with a product event organisation-wide; converted: u1 u3 u4 u5
February: u1 chat feature_use + chat downvote; u8 home active (team_c).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness import MARTS_SCHEMA, build_dataset, query, team_period_row

LOADED = "2025-03-01 00:00:00"
# dbt unit tests run in the project build; here only models and data tests over the hand-made rows
SELECT = [
    "--select",
    "+fct_business_value", "+fct_feature_feedback", "+fct_quarantined_rows", "+fct_raw_row_accounting",
    "+fct_team_metrics", "+dim_teams", "+dim_metrics",
    "--exclude", "test_type:unit", "--indirect-selection", "cautious",
]
JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


def event(event_id: str, user_key: str, team_id: str, feature_name: str, is_ai_feature: bool, event_type: str,
          occurred_at: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "event_id": event_id,
        "occurred_at": occurred_at,
        "user_key": user_key,
        "team_id": team_id,
        "feature_name": feature_name,
        "is_ai_feature": is_ai_feature,
        "event_type": event_type,
        "_loaded_at": LOADED,
    }
    row.update(extra)
    return row


RAW = {
    "teams": [
        {"team_id": "team_a", "team_name": "Team A"},
        {"team_id": "team_b", "team_name": "Team B"},
        {"team_id": "team_c", "team_name": "Team C"},
    ],
    "product_events": [
        event("e01", "u1", "team_a", "chat", True, "feature_use", "2025-01-05 10:00:00"),
        # an older delivery of e01 (duplicate): the later _loaded_at wins
        event("e01", "u1", "team_a", "chat", True, "downvote", "2025-01-05 10:00:00", _loaded_at="2025-02-01 00:00:00"),
        event("e02", "u1", "team_a", "chat", True, "upvote", "2025-01-05 10:05:00"),
        event("e03", "u2", "team_a", "chat", True, "Feature_Use", "2025-01-06 10:00:00"),
        event("e04", "u2", "team_a", "chat", True, "downvote", "2025-01-06 10:05:00"),
        event("e05", "u3", "team_a", "search", True, "feature_use", "2025-01-07 10:00:00"),
        event("e06", "u3", "team_a", "search", True, "downvote", "2025-01-07 10:05:00"),
        event("e07", "u4", "team_b", "billing", False, "active", "2025-01-08 10:00:00"),
        event("e08", "u4", "team_b", "billing", False, "conversion", "2025-01-08 10:10:00", revenue_usd=100.0),
        event("e09", "u1", "team_b", "billing", False, "conversion", "2025-01-20 10:00:00", revenue_usd=40.0),
        event("e10", "u5", "team_b", "assist", True, "feature_use", "2025-01-09 10:00:00"),
        event("e11", "u5", "team_b", "billing", False, "conversion", "2025-01-09 11:00:00"),
        event("e12", "u6", "team_a", "chat", True, "active", "2025-01-10 10:00:00"),
        event("e13", "u2", "team_a", "settings", False, "upvote", "2025-01-11 10:00:00"),
        event("e14", "u1", "team_b", "assist", True, "feature_use", "2025-01-12 10:00:00"),
        # a negative revenue: flagged, revenue null, the conversion still counts
        event("e15", "u3", "team_b", "billing", False, "conversion", "2025-01-13 10:00:00", revenue_usd=-5.0),
        event("e16", "u7", "team_a", "settings", False, "active", "2025-01-14 10:00:00"),
        # rejected: unknown team, unknown event type
        event("e17", "u8", "team_zz", "chat", True, "feature_use", "2025-01-15 10:00:00"),
        event("e18", "u8", "team_a", "chat", True, "click", "2025-01-15 10:00:00"),
        event("e19", "u1", "team_a", "chat", True, "feature_use", "2025-02-03 10:00:00"),
        event("e20", "u1", "team_a", "chat", True, "downvote", "2025-02-03 10:05:00"),
        event("e21", "u8", "team_c", "home", False, "active", "2025-02-04 10:00:00"),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("business_value"), RAW, ["build", *SELECT])


def mart_row(db_path: Path, team_id: str, period: date) -> dict[str, Any]:
    return team_period_row(db_path, "fct_business_value", team_id, period)


def test_team_a_january(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # used team_a's AI features: u1 (chat), u2 (chat, "Feature_Use" folds), u3 (search); u6 was only `active`
    assert row["ai_active_users"] == 3
    # 7 users with a product event in January organisation-wide: u1 … u7 (u8's events were rejected)
    assert row["ai_adoption_share"] == pytest.approx(3 / 7)
    assert row["ai_adoption_share_n"] == 7
    # votes on team_a's AI features: e02 up, e04 down, e06 down (e13 is on a non-AI feature; the
    # stale duplicate of e01 said downvote but the kept row is a feature_use)
    assert row["feedback_events"] == 3
    assert row["downvote_rate"] == pytest.approx(2 / 3)
    assert row["downvote_rate_n"] == 3
    # AI users u1 u2 u3 converted: u1 (e09), u3 (e15, revenue flagged but still a conversion) -> 2/3
    assert row["ai_conversion_rate"] == pytest.approx(2 / 3)
    assert row["ai_conversion_rate_n"] == 3
    # the other 4 active users u4 u5 u6 u7 converted: u4, u5 -> 2/4
    assert row["non_ai_conversion_rate"] == pytest.approx(0.5)
    assert row["non_ai_conversion_rate_n"] == 4
    assert row["conversion_uplift"] == pytest.approx(2 / 3 - 0.5)
    # revenue of conversions by u1 u2 u3 in January: u1 40 + u3 (null after the flag) 0
    assert row["ai_attributed_revenue_usd"] == pytest.approx(40.0)


def test_team_b_january_shares_user_u1_with_team_a(built: Path) -> None:
    row = mart_row(built, "team_b", JAN)
    # used assist: u5 (e10), u1 (e14)
    assert row["ai_active_users"] == 2
    assert row["ai_adoption_share"] == pytest.approx(2 / 7)
    assert row["feedback_events"] == 0
    assert row["downvote_rate"] is None
    assert row["downvote_rate_n"] == 0
    # u1 and u5 both converted (u5 without revenue) -> 2/2
    assert row["ai_conversion_rate"] == pytest.approx(1.0)
    # non-AI: u2 u3 u4 u6 u7; converted u3 u4 -> 2/5
    assert row["non_ai_conversion_rate"] == pytest.approx(0.4)
    assert row["non_ai_conversion_rate_n"] == 5
    assert row["conversion_uplift"] == pytest.approx(0.6)
    # u1's 40 USD counts for team_a and team_b alike; u5's conversion has no revenue
    assert row["ai_attributed_revenue_usd"] == pytest.approx(40.0)


def test_february_quiet_and_busy_teams(built: Path) -> None:
    a = mart_row(built, "team_a", FEB)
    # February population: u1, u8; u1 used chat and did not convert, u8 did not convert
    assert (a["ai_active_users"], a["ai_adoption_share"], a["ai_adoption_share_n"]) == (1, 0.5, 2)
    assert (a["feedback_events"], a["downvote_rate"]) == (1, 1.0)
    assert (a["ai_conversion_rate"], a["non_ai_conversion_rate"], a["conversion_uplift"]) == (0.0, 0.0, 0.0)
    assert a["ai_attributed_revenue_usd"] == 0.0
    b = mart_row(built, "team_b", FEB)
    # quiet: zero counts and revenue, 0 adoption of 2 users, null AI rate and uplift, non-AI 0/2
    assert (b["ai_active_users"], b["feedback_events"], b["ai_attributed_revenue_usd"]) == (0, 0, 0.0)
    assert b["ai_adoption_share"] == 0.0
    assert b["downvote_rate"] is None
    assert b["ai_conversion_rate"] is None and b["ai_conversion_rate_n"] == 0
    assert b["non_ai_conversion_rate"] == 0.0 and b["non_ai_conversion_rate_n"] == 2
    assert b["conversion_uplift"] is None


def test_spine_starts_at_each_teams_first_event(built: Path) -> None:
    rows = query(built, "select team_id, period_start from fct_business_value order by 1, 2")
    # team_c's first (and only staged) event is in February
    assert [(r["team_id"], r["period_start"]) for r in rows] == [
        ("team_a", JAN), ("team_a", FEB), ("team_b", JAN), ("team_b", FEB), ("team_c", FEB),
    ]


def test_feature_feedback_series(built: Path) -> None:
    rows = query(
        built,
        "select team_id, feature_name, period_start, ai_active_users, feedback_events, downvote_rate, downvote_rate_n"
        " from fct_feature_feedback order by 1, 2, 3",
    )
    got = [tuple(r.values()) for r in rows]
    assert got == [
        # chat January: users u1 u2 (u6 only `active`); votes e02 up, e04 down -> 1/2
        ("team_a", "chat", JAN, 2, 2, 0.5, 2),
        # chat February: u1; e20 down -> 1/1
        ("team_a", "chat", FEB, 1, 1, 1.0, 1),
        # search January: u3; e06 down; February is a quiet row (0, null)
        ("team_a", "search", JAN, 1, 1, 1.0, 1),
        ("team_a", "search", FEB, 0, 0, None, 0),
        # assist: used by u5 and u1, no votes; February quiet
        ("team_b", "assist", JAN, 2, 0, None, 0),
        ("team_b", "assist", FEB, 0, 0, None, 0),
        # settings, billing, home are not AI features: no rows
    ]


def test_feature_feedback_adds_up_to_the_team(built: Path) -> None:
    mismatches = query(
        built,
        """
        select t.team_id, t.period_start, t.feedback_events, coalesce(sum(f.feedback_events), 0) as feature_total
        from fct_business_value as t
        left join fct_feature_feedback as f on t.team_id = f.team_id and t.period_start = f.period_start
        group by 1, 2, 3
        having t.feedback_events != coalesce(sum(f.feedback_events), 0)
        """,
    )
    assert mismatches == []


def test_metrics_in_long_form(built: Path) -> None:
    rows = {
        r["metric_name"]: r
        for r in query(
            built,
            "select * from fct_team_metrics where team_id = 'team_a' and period_start = date '2025-01-01'"
            " and cluster = 'business_value'",
        )
    }
    assert set(rows) == {
        "ai_active_users", "ai_adoption_share", "feedback_events", "downvote_rate", "ai_conversion_rate",
        "non_ai_conversion_rate", "conversion_uplift", "ai_attributed_revenue_usd",
    }
    assert rows["ai_adoption_share"]["metric_value"] == pytest.approx(3 / 7)
    assert rows["ai_adoption_share"]["sample_size"] == 7  # its _n
    assert rows["ai_attributed_revenue_usd"]["unit"] == "usd"
    assert rows["conversion_uplift"]["sample_size"] is None  # a difference has no _n


def test_bad_product_events_are_quarantined(built: Path) -> None:
    issues = sorted(
        (r["issue_type"], r["reason"])
        for r in query(built, "select * from fct_quarantined_rows where source_table = 'product_events'")
    )
    # e17 unknown team, e18 unknown event type, e15 negative revenue (flagged), the stale e01
    assert issues == [
        ("duplicate", "duplicate_of_kept_row"),
        ("flagged", "negative_revenue"),
        ("rejected", "unknown_enum_value:event_type"),
        ("rejected", "unknown_team"),
    ]


def test_no_user_identity_in_any_mart(built: Path) -> None:
    columns = query(
        built,
        "select table_name, column_name from information_schema.columns"
        f" where table_schema = '{MARTS_SCHEMA}' and (table_name like 'fct_%' or table_name like 'dim_%')",
    )
    leaked = [c for c in columns if "user" in c["column_name"] and c["column_name"] not in {"ai_active_users"}]
    assert leaked == []

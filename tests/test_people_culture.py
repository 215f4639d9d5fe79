"""People & culture (metrics.md §6) on a small hand-made dataset; every expected value is worked out by
hand in the comments beside it.

Three teams, monthly periods, January and February 2025:
- `team_p`: five or more respondents, a roster with newcomers, incidents of every detection source;
- `team_s`: a small team whose January survey has 4 distinct respondents (suppressed) and whose
  February survey has exactly 5 (published);
- `team_q`: no survey at all; one person of its roster leaves in January.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness import PACKAGE_SCHEMAS_SQL, build_dataset, query, team_period_row

LOADED = "2025-03-01 00:00:00"
T0 = "2024-01-01 00:00:00"
# dbt unit tests run in the project build; here only models and data tests over the hand-made rows
SELECT = [
    "--select",
    "+fct_people_culture", "+fct_quarantined_rows", "+fct_raw_row_accounting", "+fct_team_metrics",
    "+dim_teams", "+dim_metrics",
    "--exclude", "test_type:unit", "--indirect-selection", "cautious",
]
JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


def answer(response_id: str, respondent_key: str, team_id: str, submitted_at: str, instrument: str, item_code: str,
           value: float, scale: tuple[int, int] = (1, 5), reverse: bool = False) -> dict[str, Any]:
    return {
        "response_id": response_id,
        "survey_id": "pulse",
        "wave": "2025-q1",
        "respondent_key": respondent_key,
        "team_id": team_id,
        "submitted_at": submitted_at,
        "instrument": instrument,
        "item_code": item_code,
        "response_value": value,
        "scale_min": scale[0],
        "scale_max": scale[1],
        "reverse_scored": reverse,
        "comment_text": "free text that must never leave staging",
        "_loaded_at": LOADED,
    }


def psych(response_id: str, respondent_key: str, team_id: str, submitted_at: str, ps1: int, ps2: int,
          ps3: int) -> list[dict[str, Any]]:
    """One psych_safety response: ps1 on 1–5, ps2 on 1–5 reverse scored, ps3 on 1–7."""
    return [
        answer(response_id, respondent_key, team_id, submitted_at, "psych_safety", "ps1", ps1),
        answer(response_id, respondent_key, team_id, submitted_at, "psych_safety", "ps2", ps2, reverse=True),
        answer(response_id, respondent_key, team_id, submitted_at, "psych_safety", "ps3", ps3, scale=(1, 7)),
    ]


def deployment(deployment_id: str, service_id: str, finished_at: str, status: str = "success") -> dict[str, Any]:
    return {
        "deployment_id": deployment_id,
        "service_id": service_id,
        "environment": "production",
        "artifact_type": "code",
        "started_at": finished_at,
        "finished_at": finished_at,
        "status": status,
        "trigger": "pipeline",
        "_loaded_at": LOADED,
    }


def incident(incident_id: str, service_id: str, detected_at: str, source: str, reported_at: str | None) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "service_id": service_id,
        "severity": "sev3",
        "started_at": detected_at,
        "detected_at": detected_at,
        "reported_at": reported_at,
        "resolved_at": None,
        "detection_source": source,
        "_loaded_at": LOADED,
    }


JAN_P = "2025-01-15 10:00:00"
SURVEYS = [
    # team_p, January, psych_safety: scaled (v - 1) / 4, reverse ps2 flipped to 6 - v first, ps3 (v - 1) / 6
    *psych("p_r1", "r1", "team_p", JAN_P, 5, 1, 7),  # 1, 1, 1 -> 1
    *psych("p_r2a", "r2", "team_p", JAN_P, 3, 3, 4),  # 0.5, 0.5, 0.5 …
    answer("p_r2b", "r2", "team_p", "2025-01-20 10:00:00", "psych_safety", "ps1", 1),  # … and 0 -> r2 = 1.5 / 4 = 3/8
    *psych("p_r3", "r3", "team_p", JAN_P, 1, 5, 1),  # 0, 0, 0 -> 0
    *psych("p_r4", "r4", "team_p", JAN_P, 4, 2, 7),  # 0.75, 0.75, 1 -> 5/6
    *psych("p_r5", "r5", "team_p", JAN_P, 2, 4, 4),  # 0.25, 0.25, 0.5 -> 1/3
    # team_p, January, westrum (1–7): 7 … 2 -> (6 + 5 + 4 + 3 + 2 + 1) / 6 / 6 = 7/12 over 6 respondents
    *[
        answer(f"p_w{i}", f"r{i}", "team_p", JAN_P, "westrum", "w1", 8 - i, scale=(1, 7))
        for i in range(1, 7)
    ],
    # team_p, January, wellbeing: 4 respondents -> suppressed
    *[answer(f"p_b{i}", f"r{i}", "team_p", JAN_P, "wellbeing", "b1", 3) for i in range(1, 5)],
    # team_s, January, psych_safety: s1 answers twice -> 5 responses but 4 distinct respondents
    *[answer(f"s_{i}", f"s{i}", "team_s", "2025-01-10 10:00:00", "psych_safety", "ps1", 4) for i in range(1, 5)],
    answer("s_1b", "s1", "team_s", "2025-01-11 10:00:00", "psych_safety", "ps1", 5),
    # s5's only January answer is outside its scale: rejected, so s5 does not count as a respondent
    answer("s_5", "s5", "team_s", "2025-01-10 10:00:00", "psych_safety", "ps1", 6),
    # an unknown instrument: rejected
    answer("s_6", "s6", "team_s", "2025-01-10 10:00:00", "eNPS", "n1", 3),
    # team_s, February: exactly 5 respondents, 5 4 3 2 1 on 1–5 -> 1, 0.75, 0.5, 0.25, 0 -> 0.5
    *[answer(f"s_f{i}", f"s{i}", "team_s", "2025-02-10 10:00:00", "psych_safety", "ps1", 6 - i) for i in range(1, 6)],
]

RAW = {
    "teams": [
        {"team_id": "team_p", "team_name": "Team P", "org_unit": "ou1"},
        {"team_id": "team_s", "team_name": "Team S", "org_unit": "ou1"},
        {"team_id": "team_q", "team_name": "Team Q", "org_unit": "ou2"},
    ],
    "service_ownership": [
        {"service_id": "svc_p", "team_id": "team_p", "valid_from": T0},
        {"service_id": "svc_q", "team_id": "team_q", "valid_from": T0},
    ],
    "people": [
        {"person_key": "pa1", "team_id": "team_p", "role": "research", "joined_at": "2024-11-01 09:00:00"},
        {"person_key": "pa2", "team_id": "team_p", "role": "software", "joined_at": "2025-01-02 09:00:00"},
        {"person_key": "pa3", "team_id": "team_p", "role": "applied_ml", "joined_at": "2025-01-20 09:00:00",
         "left_at": "2025-02-15 17:00:00"},
        # joins exactly when January ends: not in January's headcount
        {"person_key": "pa4", "team_id": "team_p", "role": "ML_Platform", "joined_at": "2025-02-01 00:00:00"},
        # joined after leaving: rejected
        {"person_key": "pbad", "team_id": "team_p", "role": "data", "joined_at": "2025-03-01 00:00:00",
         "left_at": "2025-02-01 00:00:00"},
        {"person_key": "pq1", "team_id": "team_q", "role": "data", "joined_at": "2024-01-01 00:00:00",
         "left_at": "2025-01-31 12:00:00"},
        {"person_key": "pq2", "team_id": "team_q", "role": "product", "joined_at": "2024-05-01 00:00:00"},
    ],
    "changes": [
        {"change_id": "c1", "service_id": "svc_p", "first_commit_at": "2025-01-05 00:00:00", "author_key": "pa2"},
        {"change_id": "c2", "service_id": "svc_p", "first_commit_at": "2025-01-06 00:00:00", "author_key": "pa2"},
        {"change_id": "c3", "service_id": "svc_p", "first_commit_at": "2025-01-21 00:00:00", "author_key": "pa3"},
        {"change_id": "c4", "service_id": "svc_p", "first_commit_at": "2025-01-10 00:00:00", "author_key": "pa1"},
        {"change_id": "c5", "service_id": "svc_q", "first_commit_at": "2025-02-02 00:00:00", "author_key": "pa4"},
        {"change_id": "c6", "service_id": "svc_p", "first_commit_at": "2025-01-03 00:00:00", "author_key": "pq2"},
        {"change_id": "c7", "service_id": "svc_p", "first_commit_at": "2025-01-03 00:00:00", "author_key": "nobody"},
    ],
    "deployments": [
        deployment("d1", "svc_p", "2025-01-12 09:00:00"),
        deployment("d2", "svc_p", "2025-01-20 09:00:00"),
        deployment("d3", "svc_p", "2025-01-25 09:00:00", status="failed"),
        deployment("d4", "svc_p", "2025-02-03 21:00:00"),
        deployment("dq1", "svc_q", "2025-02-10 00:00:00"),
    ],
    "deployment_changes": [
        {"deployment_id": "d1", "change_id": "c1"},
        {"deployment_id": "d1", "change_id": "c6"},
        {"deployment_id": "d1", "change_id": "c7"},
        {"deployment_id": "d2", "change_id": "c2"},
        {"deployment_id": "d2", "change_id": "c4"},
        {"deployment_id": "d3", "change_id": "c3"},
        {"deployment_id": "d4", "change_id": "c3"},
        {"deployment_id": "dq1", "change_id": "c5"},
    ],
    "incidents": [
        incident("i1", "svc_p", "2025-01-10 10:00:00", "staff", "2025-01-10 12:00:00"),  # 2 h
        incident("i2", "svc_p", "2025-01-11 10:00:00", "automated", "2025-01-11 10:30:00"),  # 0.5 h
        incident("i3", "svc_p", "2025-01-12 10:00:00", "customer", "2025-01-12 18:00:00"),  # 8 h
        incident("i4", "svc_p", "2025-01-13 10:00:00", "staff", None),  # no report
        incident("i5", "svc_p", "2025-01-14 10:00:00", "automated", "2025-01-14 09:00:00"),  # report before detection
        incident("i6", "svc_q", "2025-01-20 10:00:00", "customer", None),
    ],
    "survey_responses": SURVEYS,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("people_culture"), RAW, ["build", *SELECT])


def mart_row(db_path: Path, team_id: str, period: date) -> dict[str, Any]:
    return team_period_row(db_path, "fct_people_culture", team_id, period)


def test_team_p_january_survey(built: Path) -> None:
    row = mart_row(built, "team_p", JAN)
    # respondent means 1, 3/8, 0, 5/6, 1/3 -> (24 + 9 + 0 + 20 + 8) / 24 / 5 = 61/120
    assert row["psych_safety_score"] == pytest.approx(61 / 120)
    assert row["survey_respondents"] == 5  # 6 responses, 5 distinct respondents
    assert row["is_suppressed"] is False
    assert row["westrum_score"] == pytest.approx(7 / 12)
    assert row["westrum_respondents"] == 6
    assert row["westrum_is_suppressed"] is False
    # wellbeing: 4 respondents < 5 -> hidden
    assert row["wellbeing_score"] is None
    assert row["wellbeing_respondents"] is None
    assert row["wellbeing_is_suppressed"] is True


def test_team_s_suppressed_at_four_and_published_at_five(built: Path) -> None:
    jan = mart_row(built, "team_s", JAN)
    # s1 s2 s3 s4 (s1 twice; s5's only answer rejected) = 4 distinct respondents -> suppressed
    assert (jan["psych_safety_score"], jan["survey_respondents"], jan["is_suppressed"]) == (None, None, True)
    feb = mart_row(built, "team_s", FEB)
    # exactly 5 respondents: 1, 0.75, 0.5, 0.25, 0 -> 0.5
    assert feb["psych_safety_score"] == pytest.approx(0.5)
    assert (feb["survey_respondents"], feb["is_suppressed"]) == (5, False)


def test_nobody_answered_is_zero_not_suppressed(built: Path) -> None:
    for team_id, period in [("team_p", FEB), ("team_q", JAN), ("team_q", FEB)]:
        row = mart_row(built, team_id, period)
        assert (row["psych_safety_score"], row["survey_respondents"], row["is_suppressed"]) == (None, 0, False)
        assert (row["westrum_respondents"], row["westrum_is_suppressed"]) == (0, False)
        assert (row["wellbeing_respondents"], row["wellbeing_is_suppressed"]) == (0, False)


def test_knowledge_diffusion(built: Path) -> None:
    # team_p January: pa2 first ships c1 with d1 (2025-01-12 09:00), joined 2025-01-02 09:00 -> 10 days;
    # pa1 ships c4 with d2 (2025-01-20 09:00), joined 2024-11-01 09:00 -> 30 + 31 + 19 = 80 days -> median 45
    jan = mart_row(built, "team_p", JAN)
    assert jan["knowledge_diffusion_median_days"] == pytest.approx(45.0)
    assert jan["knowledge_diffusion_median_days_n"] == 2
    # team_p February: pa3's c3 failed with d3, first succeeded with d4 (2025-02-03 21:00), joined
    # 2025-01-20 09:00 -> 14.5 days; pa4's c5 shipped by team_q's dq1 (2025-02-10 00:00) but credited to
    # pa4's own team, joined 2025-02-01 00:00 -> 9 days -> median 11.75
    feb = mart_row(built, "team_p", FEB)
    assert feb["knowledge_diffusion_median_days"] == pytest.approx(11.75)
    assert feb["knowledge_diffusion_median_days_n"] == 2
    # team_q January: pq2's c6 shipped by team_p's d1 (2025-01-12 09:00), joined 2024-05-01 -> 256.375 days
    q = mart_row(built, "team_q", JAN)
    assert q["knowledge_diffusion_median_days"] == pytest.approx(256.375)
    assert q["knowledge_diffusion_median_days_n"] == 1
    # team_q February: dq1 shipped only pa4's change -> nobody of team_q
    q_feb = mart_row(built, "team_q", FEB)
    assert (q_feb["knowledge_diffusion_median_days"], q_feb["knowledge_diffusion_median_days_n"]) == (None, 0)


def test_incident_reporting(built: Path) -> None:
    row = mart_row(built, "team_p", JAN)
    # staff i1 i4 ÷ staff or automated i1 i2 i4 i5 (customer i3 left out)
    assert row["staff_reported_incident_share"] == pytest.approx(0.5)
    assert row["staff_reported_incident_share_n"] == 4
    # with a report: i1 2 h, i2 0.5 h, i3 8 h (i5 reported before detection: excluded) -> median 2
    assert row["detect_to_report_median_hours"] == pytest.approx(2.0)
    assert row["detect_to_report_median_hours_n"] == 3
    q = mart_row(built, "team_q", JAN)
    # only a customer detection: no denominator
    assert (q["staff_reported_incident_share"], q["staff_reported_incident_share_n"]) == (None, 0)
    assert (q["detect_to_report_median_hours"], q["detect_to_report_median_hours_n"]) == (None, 0)


def test_role_shares_at_the_end_of_the_period(built: Path) -> None:
    def shares(row: dict[str, Any]) -> tuple[Any, ...]:
        return (
            row["role_share_research"], row["role_share_applied_ml"], row["role_share_ml_platform"],
            row["role_share_other"], row["role_share_research_n"],
        )

    # team_p at 2025-02-01 00:00: pa1 research, pa2 software (other), pa3 applied_ml; pa4 joins at that
    # instant (not before the period ends); pbad rejected
    assert shares(mart_row(built, "team_p", JAN)) == pytest.approx((1 / 3, 1 / 3, 0.0, 1 / 3, 3))
    # at 2025-03-01: pa1, pa2, pa4 ("ML_Platform" folds to ml_platform); pa3 left on 2025-02-15
    assert shares(mart_row(built, "team_p", FEB)) == pytest.approx((1 / 3, 0.0, 1 / 3, 1 / 3, 3))
    # team_q at 2025-02-01: pq1 left on 2025-01-31, pq2 product (other)
    assert shares(mart_row(built, "team_q", JAN)) == pytest.approx((0.0, 0.0, 0.0, 1.0, 1))
    # team_s has no roster: null shares, headcount 0
    assert shares(mart_row(built, "team_s", JAN)) == (None, None, None, None, 0)


def test_metrics_in_long_form(built: Path) -> None:
    def metrics(team_id: str, period: date) -> dict[str, dict[str, Any]]:
        return {
            r["metric_name"]: r
            for r in query(
                built,
                f"select * from fct_team_metrics where team_id = '{team_id}'"
                f" and period_start = date '{period}' and cluster = 'people_culture'",
            )
        }

    p = metrics("team_p", JAN)
    assert set(p) == {
        "psych_safety_score", "survey_respondents", "westrum_score", "wellbeing_score",
        "knowledge_diffusion_median_days", "staff_reported_incident_share", "detect_to_report_median_hours",
        "role_share_research", "role_share_applied_ml", "role_share_ml_platform", "role_share_other",
    }
    assert p["psych_safety_score"]["metric_value"] == pytest.approx(61 / 120)
    assert p["psych_safety_score"]["sample_size"] == 5  # survey_respondents stands in for the _n
    assert p["psych_safety_score"]["unit"] == "score"
    assert p["westrum_score"]["sample_size"] == 6
    # suppressed wellbeing: neither the value nor the respondent count leaks into the long form
    assert (p["wellbeing_score"]["metric_value"], p["wellbeing_score"]["sample_size"]) == (None, None)
    s = metrics("team_s", JAN)
    assert (s["psych_safety_score"]["metric_value"], s["psych_safety_score"]["sample_size"]) == (None, None)
    assert s["survey_respondents"]["metric_value"] is None


def test_bad_people_and_survey_rows_are_quarantined(built: Path) -> None:
    issues = sorted(
        (r["source_table"], r["issue_type"], r["reason"])
        for r in query(
            built,
            "select * from fct_quarantined_rows where source_table in ('people', 'survey_responses')",
        )
    )
    assert issues == [
        ("people", "rejected", "person_joined_after_leaving"),
        ("survey_responses", "rejected", "response_out_of_scale"),
        ("survey_responses", "rejected", "unknown_enum_value:instrument"),
    ]
    # person-keyed tables show a salted surrogate, never the key
    keys = {r["row_key"] for r in query(built, "select row_key from fct_quarantined_rows")}
    assert not keys & {"pbad", "s5|ps1", "s_5|ps1", "s6", "s_6|n1"}


def test_no_person_identity_or_free_text_downstream_of_staging(built: Path) -> None:
    columns = query(
        built,
        "select table_name, column_name from information_schema.columns"
        f" where table_schema in {PACKAGE_SCHEMAS_SQL}"
        " and table_name not like 'stg_%' and table_name not like 'base_%'",
    )
    forbidden = {"user_key", "person_key", "respondent_key", "author_key", "prompt_text", "response_text", "comment_text"}
    assert [c for c in columns if c["column_name"] in forbidden] == []

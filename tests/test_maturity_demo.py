"""Issue 7 acceptance on the demo data: every team's computed level, per plane and overall, in every
month equals the level its generator profile was designed for; the fully automated team has no
blockers at level 4; the seed paper's incident raises exactly one p1 rollback_prompt alert naming
the new prompt hash and rolling back to the last one whose ci_release evaluations all passed."""

from __future__ import annotations

from datetime import date

from conftest import DemoWarehouse
from demo_data.profiles import INCIDENT_SCENARIO, PLANES, TEAMS
from harness import query


def test_every_team_sits_at_its_designed_level_every_month(demo_warehouse: DemoWarehouse) -> None:
    rows = query(demo_warehouse.db_path, "select * from fct_team_maturity order by team_id, period_start")
    by_team: dict[str, list[dict]] = {}
    for row in rows:
        by_team.setdefault(row["team_id"], []).append(row)
    assert set(by_team) == {team.team_id for team in TEAMS}
    for team in TEAMS:
        months = by_team[team.team_id]
        assert len(months) == 12, team.team_id
        for row in months:
            for plane in PLANES:
                assert row[f"{plane}_level"] == getattr(team.levels, plane), (team.team_id, row["period_start"], plane)
            assert row["maturity_level"] == team.levels.overall, (team.team_id, row["period_start"])
            assert row["binding_planes"] == ", ".join(team.levels.binding_planes), team.team_id


def test_fully_automated_team_has_no_blockers(demo_warehouse: DemoWarehouse) -> None:
    automated = [team for team in TEAMS if team.levels.overall == 4]
    assert len(automated) == 1
    blockers = query(
        demo_warehouse.db_path,
        f"select count(*) as n from fct_maturity_blockers where team_id = '{automated[0].team_id}'",
    )
    assert blockers[0]["n"] == 0


def test_every_team_below_four_is_blocked_on_its_binding_planes(demo_warehouse: DemoWarehouse) -> None:
    for team in TEAMS:
        if team.levels.overall == 4:
            continue
        planes = query(
            demo_warehouse.db_path,
            "select distinct plane from fct_maturity_blockers "
            f"where team_id = '{team.team_id}' and is_binding_plane and period_start = date '2025-12-01'",
        )
        assert {row["plane"] for row in planes} == set(team.levels.binding_planes), team.team_id


def test_incident_scenario_raises_one_p1_rollback_prompt_alert(demo_warehouse: DemoWarehouse) -> None:
    scenario = INCIDENT_SCENARIO
    month = date.fromisoformat(f"{scenario.month}-01")
    p1_alerts = query(demo_warehouse.db_path, "select * from fct_alerts where slo_class = 'p1' and alert_type != 'smart_breach'")
    assert len(p1_alerts) == 1
    alert = p1_alerts[0]
    assert (alert["team_id"], alert["feature_name"], alert["first_period"]) == (scenario.team_id, scenario.feature_name, month)
    assert alert["action"] == "rollback_prompt"
    assert alert["prompt_hash"] == scenario.new_prompt_hash
    assert alert["rollback_target_prompt_hash"] == scenario.old_prompt_hash

"""The report's decision panels (issue #15's marts) on the demo warehouse.

The organisation's "Where to invest" table, each team's next actions, its level's confidence and its
self-assessed beside measured levels are read back from the rendered HTML and compared with the
marts queried here with DuckDB; the top-ranked criterion's counts are recomputed from
fct_maturity_blockers, the measured levels from fct_team_maturity. A warehouse without the optional
marts (older, or a host that left them out) and one whose readiness table is switched off still render.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import DemoWarehouse
from harness import MARTS_SCHEMA, query
from maturity_report.data import OPTIONAL_MARTS
from maturity_report.formatting import format_value
from maturity_report.sections import TOP_INVESTMENTS
from test_report import _Scripts, copy_marts, run_report


@pytest.fixture(scope="module")
def report_page(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report_decisions") / "report.html"
    completed = run_report("--duckdb", str(demo_warehouse.db_path), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    return out.read_text()


def _latest(db: Path) -> Any:
    return query(db, f"select max(period_start) as p from {MARTS_SCHEMA}.fct_team_maturity")[0]["p"]


def _cells(row_html: str) -> list[str]:
    """The text of each <td> of a table row, tags stripped, entities decoded, spaces collapsed."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.DOTALL)
    return [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def _rows(page: str, row_class: str) -> list[tuple[str, list[str]]]:
    """(opening tag, cells) of every <tr class="row_class" ...> in `page`."""
    return [
        (tag, _cells(body))
        for tag, body in re.findall(rf'(<tr class="{row_class}"[^>]*>)(.*?)</tr>', page, re.DOTALL)
    ]


def _team_section(page: str, team_id: str) -> str:
    start = page.index(f'<details class="team" id="team-{team_id}"')
    stop = page.find('<details class="team"', start + 1)
    return page[start : stop if stop >= 0 else len(page)]


def _panel(section: str, panel_class: str) -> str:
    start = section.index(f'class="panel {panel_class}"')
    return section[start : section.index("</figure>", start)]


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def test_where_to_invest_shows_the_top_criteria_by_rank(demo_warehouse: DemoWarehouse, report_page: str) -> None:
    db = demo_warehouse.db_path
    latest = _latest(db)
    expected = query(
        db,
        "select priority_rank, criterion_id, plane, target_level, teams_assessed, teams_blocked, teams_blocked_alone, "
        f"teams_held_at_overall_level, median_relative_gap, action from {MARTS_SCHEMA}.fct_org_investment_priorities "
        f"where period_start = '{latest}' order by priority_rank",
    )
    assert len(expected) > TOP_INVESTMENTS  # the demo has more blocking criteria than the panel lists
    panel = report_page[report_page.index('id="where-to-invest"') :]
    panel = panel[: panel.index("</figure>")]
    shown = _rows(panel, "investment")
    assert len(shown) == TOP_INVESTMENTS
    for (tag, cells), row in zip(shown, expected, strict=False):
        assert f'data-criterion="{row["criterion_id"]}"' in tag
        rank, criterion, plane, level, _rule, blocked, alone, held, gap, action = cells
        assert (rank, criterion, plane, level) == (
            str(row["priority_rank"]),
            row["criterion_id"],
            row["plane"].replace("_", " "),
            str(row["target_level"]),
        )
        assert blocked == f"{row['teams_blocked']} of {row['teams_assessed']}"
        assert (alone, held) == (str(row["teams_blocked_alone"]), str(row["teams_held_at_overall_level"]))
        assert gap == (_percent(row["median_relative_gap"]) if row["median_relative_gap"] is not None else "no data")
        assert action == " ".join(row["action"].split())
    assert f"{len(expected) - TOP_INVESTMENTS} more criteria block at least one team" in panel

    # the top row's counts, recomputed from the blockers: teams with the criterion unmet or without
    # data, and those for which it is the only such criterion of their plane's next level
    top = expected[0]
    blockers = query(
        db,
        "select team_id, plane, target_level, criterion_id from "
        f"{MARTS_SCHEMA}.fct_maturity_blockers where period_start = '{latest}' and blocker_status in ('unmet', 'no_data')",
    )
    blocked_teams = {b["team_id"] for b in blockers if b["criterion_id"] == top["criterion_id"]}
    alone_teams = {
        team
        for team in blocked_teams
        if [b["criterion_id"] for b in blockers if b["team_id"] == team and b["plane"] == top["plane"]
            and b["target_level"] == top["target_level"]] == [top["criterion_id"]]
    }
    assert len(blocked_teams) >= 2 and len(alone_teams) >= 1  # the demo's shared capability: several teams, some alone
    assert shown[0][1][5] == f"{len(blocked_teams)} of {top['teams_assessed']}"
    assert shown[0][1][6] == str(len(alone_teams))


def test_each_team_shows_its_next_actions(demo_warehouse: DemoWarehouse, report_page: str) -> None:
    db = demo_warehouse.db_path
    latest = _latest(db)
    teams = [row["team_id"] for row in query(db, f"select team_id from {MARTS_SCHEMA}.dim_teams order by team_id")]
    actions = query(
        db,
        "select team_id, action_rank, plane, criterion_id, metric_name, observed_value, effective_value, threshold, "
        f"unlocks_level, raises_overall_level, action from {MARTS_SCHEMA}.fct_team_next_actions "
        f"where period_start = '{latest}' order by team_id, action_rank",
    )
    units = {row["metric_name"]: row["unit"] for row in query(db, f"select metric_name, unit from {MARTS_SCHEMA}.dim_metrics")}
    assert {a["team_id"] for a in actions} and any(a["raises_overall_level"] for a in actions)
    for team in teams:
        panel = _panel(_team_section(report_page, team), "next-actions-panel")
        expected = [a for a in actions if a["team_id"] == team]
        shown = _rows(panel, "next-action")
        assert [tag.split('data-criterion="')[1].split('"')[0] for tag, _ in shown] == [a["criterion_id"] for a in expected]
        for (_tag, cells), row in zip(shown, expected, strict=True):
            rank, plane, criterion, observed, _gap, unlocks, raises, action = cells
            assert rank == str(row["action_rank"]) and plane == row["plane"].replace("_", " ")
            assert criterion.startswith(row["criterion_id"])
            unit = units[row["metric_name"]]
            value = row["observed_value"] if row["observed_value"] is not None else row["effective_value"]
            assert observed.startswith(f"{row['metric_name']}: {format_value(value, unit)}")
            assert observed.endswith(f"{format_value(row['threshold'], unit)}")
            assert unlocks == str(row["unlocks_level"])
            assert raises == ("yes" if row["raises_overall_level"] else "")
            assert action == " ".join(row["action"].split())
        if not expected:
            assert "No next action in" in panel


def test_confidence_beside_each_level(demo_warehouse: DemoWarehouse, report_page: str) -> None:
    db = demo_warehouse.db_path
    rows = query(
        db,
        f"select team_id, maturity_level, confidence from {MARTS_SCHEMA}.fct_team_maturity "
        f"where period_start = '{_latest(db)}' order by team_id",
    )
    assert {row["confidence"] for row in rows} >= {"low", "medium"}  # the demo has both
    coverage = {
        row["team_id"]: row
        for row in query(
            db,
            "select team_id, change_linked_deployment_share as s, change_linked_deployment_share_n as n "
            f"from {MARTS_SCHEMA}.fct_team_data_coverage where period_start = '{_latest(db)}'",
        )
    }
    index = report_page[report_page.index('<table class="team-index">') :]
    index = index[: index.index("</table>")]
    for row in rows:
        cells = next(_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", index, re.DOTALL) if f"#team-{row['team_id']}\"" in r)
        assert cells[2:4] == [str(row["maturity_level"]), row["confidence"]]  # team, org unit, level, confidence, ...
        section = _team_section(report_page, row["team_id"])
        summary = section[: section.index("</summary>")]
        assert f'<span class="confidence confidence-{row["confidence"]}">confidence {row["confidence"]}</span>' in summary
        line = section[section.index('<p class="team-confidence"') :]
        line = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", line[: line.index("</p>")])).split())
        assert line.startswith(f"Level {row['maturity_level']} (Dec 2025) · confidence {row['confidence']}")
        if row["confidence"] != "high":  # the reason: the linkage share the rule reads, with its n
            share = coverage[row["team_id"]]
            assert f"change linked deployment share {_percent(share['s'])} (n = {share['n']})" in line


def test_self_assessed_beside_measured_with_the_overrating_team(demo_warehouse: DemoWarehouse, report_page: str) -> None:
    db = demo_warehouse.db_path
    latest = _latest(db)
    gaps = query(
        db,
        "select team_id, plane, self_assessed_level, gap_label from "
        f"{MARTS_SCHEMA}.fct_readiness_gap where period_start = '{latest}' order by team_id, plane",
    )
    planes = ["process", "platform", "team_culture", "product"]
    measured = {
        (row["team_id"], plane): row[f"{plane}_level"]
        for row in query(db, f"select * from {MARTS_SCHEMA}.fct_team_maturity where period_start = '{latest}'")
        for plane in planes
    }
    overrating = sorted({g["team_id"] for g in gaps if g["gap_label"] == "overrates"})
    underrating = sorted({g["team_id"] for g in gaps if g["gap_label"] == "underrates"})
    assert overrating and underrating
    for team in {g["team_id"] for g in gaps}:
        panel = _panel(_team_section(report_page, team), "readiness-panel")
        shown = {tag.split('data-plane="')[1].split('"')[0]: (tag, cells) for tag, cells in _rows(panel, r"readiness-\w+")}
        team_gaps = [g for g in gaps if g["team_id"] == team]
        assert len(shown) == len(team_gaps) == len(planes)
        for g in team_gaps:
            tag, cells = shown[g["plane"].replace("_", " ")]
            self_assessed, level = int(cells[1]), int(cells[2])
            assert self_assessed == g["self_assessed_level"]
            assert level == measured[(team, g["plane"])]
            assert cells[3] == (f"{self_assessed - level:+d}" if self_assessed != level else "0")
            label = "overrates" if self_assessed > level else "underrates" if self_assessed < level else "aligned"
            assert cells[4] == label and f'class="readiness-{label}"' in tag
        callout = re.search(r'<p class="callout">(.*?)</p>', panel)
        if team in overrating:  # e.g. "Overrates itself on process (+2), platform (+1)."
            assert callout and callout.group(1).startswith("Overrates itself on ")
            for g in team_gaps:
                gap = g["self_assessed_level"] - measured[(team, g["plane"])]
                mention = f"{g['plane'].replace('_', ' ')} ({gap:+d})"
                assert (mention in callout.group(1)) == (g["gap_label"] != "aligned"), mention
        elif team not in underrating:
            assert callout is None


def _drop(db: Path, *tables: str) -> None:
    with duckdb.connect(str(db)) as con:
        for table in tables:
            con.execute(f"drop table main.{table}")


def _render(db: Path, out: Path) -> str:
    completed = run_report("--duckdb", str(db), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    page = out.read_text()
    outside = _Scripts()
    outside.feed(page)
    assert not re.search(r"\b(nan|NaN|inf|Infinity|None)\b", "".join(outside.outside))
    return page


def test_warehouse_without_fct_readiness_gap_still_renders(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    db = tmp_path / "no_readiness.duckdb"
    copy_marts(demo_warehouse.db_path, db, "main")
    _drop(db, "fct_readiness_gap")
    page = _render(db, tmp_path / "report.html")
    panels = re.findall(r'class="panel readiness-panel".*?</figure>', page, re.DOTALL)
    assert len(panels) == len(query(demo_warehouse.db_path, f"select team_id from {MARTS_SCHEMA}.dim_teams"))
    assert all("not available: this warehouse has no fct_readiness_gap" in panel for panel in panels)
    assert 'class="readiness-' not in page.replace('class="readiness-panel', "")
    # the other decision panels are still there
    assert page.count('<tr class="investment"') == TOP_INVESTMENTS and '<tr class="next-action"' in page


def test_older_warehouse_without_any_decision_mart_renders(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    """Built before issue #15: none of the optional marts, no confidence column."""
    db = tmp_path / "older.duckdb"
    copy_marts(demo_warehouse.db_path, db, "main")
    _drop(db, *OPTIONAL_MARTS)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table main.fct_team_maturity drop column confidence")
    page = _render(db, tmp_path / "report.html")
    assert "not available: this warehouse has no fct_org_investment_priorities" in page
    assert "not available: this warehouse has no fct_team_next_actions" in page
    teams = len(query(demo_warehouse.db_path, f"select team_id from {MARTS_SCHEMA}.dim_teams"))
    # every team, in its summary and its body: the level without a confidence
    assert page.count('<span class="confidence confidence-not-available">confidence not available</span>') == 2 * teams
    assert '<span class="confidence confidence-low">' not in page
    assert '<tr class="investment"' not in page and '<tr class="next-action"' not in page


def test_readiness_table_switched_off_says_so(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    """The mart is built but empty, as when readiness_assessments is absent or switched off."""
    db = tmp_path / "switched_off.duckdb"
    copy_marts(demo_warehouse.db_path, db, "main")
    with duckdb.connect(str(db)) as con:
        con.execute("delete from main.fct_readiness_gap")
        con.execute("update main.fct_raw_row_accounting set is_enabled = false where source_table = 'readiness_assessments'")
    page = _render(db, tmp_path / "report.html")
    assert "not available: the optional table readiness_assessments is absent or switched off" in page
    assert '<tr class="readiness-' not in page

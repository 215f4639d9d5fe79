"""One declaration per metric: the marts' yml `meta.metric`, read by dbt through `graph`, is what
dim_metrics, fct_team_metrics, the null-when-switched-off columns of the marts and the README table
are made of. The declarations are read here independently (scripts/metric_catalogue.py parses the
yml with ruamel, not dbt) and compared with what dbt built.

The build switches product_events, survey_responses and people off while their raw tables hold
rows (the people & culture dataset of test_people_culture plus business-value product events), so a
metric that ignored its declaration would come out as a number or a zero.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from harness import PROJECT_DIR, failures, query, run_dbt, write_raw_tables
from test_business_value import RAW as BUSINESS_RAW
from test_people_culture import RAW as PEOPLE_RAW

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import metric_catalogue

SWITCHED_OFF = ("product_events", "survey_responses", "people")
SELECT = [
    "--select", "+fct_people_culture", "+fct_business_value", "+fct_team_metrics", "+dim_metrics",
    "--exclude", "test_type:unit", "--indirect-selection", "cautious",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("declarations")
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, {**PEOPLE_RAW, "product_events": BUSINESS_RAW["product_events"]})
    result = run_dbt(
        ["build", *SELECT], db_path, work, dbt_vars={f"ai_maturity__{table}_enabled": False for table in SWITCHED_OFF}
    )
    assert failures(result) == []
    return db_path


def test_dim_metrics_is_the_declarations(built: Path) -> None:
    declared = {metric.metric_name: metric for metric in metric_catalogue.declarations()}
    rows = {row["metric_name"]: row for row in query(built, "select * from dim_metrics")}
    assert set(rows) == set(declared)
    assert len(declared) == 70
    for name, metric in declared.items():
        row = rows[name]
        assert (row["cluster"], row["mart"], row["label"], row["description"], row["unit"], row["direction"]) == (
            metric.cluster, metric.mart, metric.label, metric.description, metric.unit, metric.direction
        ), name
        assert row["sample_size_column"] == metric.sample_size, name
        assert row["is_higher_better"] == {"higher": True, "lower": False, None: None}[metric.direction], name
        assert row["optional_source_tables"] == (",".join(metric.source_tables) or None), name
        assert row["is_measurable"] == (not set(metric.source_tables) & set(SWITCHED_OFF)), name


def test_a_few_declarations_by_hand(built: Path) -> None:
    rows = {
        row["metric_name"]: row
        for row in query(
            built,
            "select metric_name, cluster, unit, direction, sample_size_column, optional_source_tables, is_measurable "
            "from dim_metrics where metric_name in ('change_fail_rate', 'psych_safety_score', 'cost_per_useful_token_usd')",
        )
    }
    assert rows["change_fail_rate"] == {
        "metric_name": "change_fail_rate", "cluster": "change_delivery", "unit": "ratio", "direction": "lower",
        "sample_size_column": "change_fail_rate_n", "optional_source_tables": None, "is_measurable": True,
    }
    assert rows["psych_safety_score"]["sample_size_column"] == "survey_respondents"
    assert rows["psych_safety_score"]["is_measurable"] is False
    # needs product_events, switched off here
    assert rows["cost_per_useful_token_usd"]["optional_source_tables"] == "llm_requests,llm_evaluations,product_events"
    assert rows["cost_per_useful_token_usd"]["is_measurable"] is False


def test_fct_team_metrics_has_every_declared_metric_once_per_team_period(built: Path) -> None:
    declared = {metric.metric_name: metric for metric in metric_catalogue.declarations()}
    spine = query(built, "select count(*) as n from int_team_periods")[0]["n"]
    rows = query(built, "select metric_name, cluster, unit, count(*) as n from fct_team_metrics group by all")
    assert {row["metric_name"] for row in rows} == set(declared)
    for row in rows:
        metric = declared[row["metric_name"]]
        assert (row["cluster"], row["unit"], row["n"]) == (metric.cluster, metric.unit, spine)


def test_switched_off_metrics_and_their_companions_are_null(built: Path) -> None:
    people = query(built, "select * from fct_people_culture where team_id = 'team_p' and period_start = date '2025-01-01'")
    assert len(people) == 1
    row = people[0]
    # survey_responses and people are off: scores, respondent counts, suppression flags, roster metrics null
    for column in ("psych_safety_score", "survey_respondents", "is_suppressed", "westrum_score", "westrum_respondents",
                   "westrum_is_suppressed", "wellbeing_is_suppressed", "knowledge_diffusion_median_days",
                   "knowledge_diffusion_median_days_n", "role_share_research", "role_share_other_n"):
        assert row[column] is None, column
    # incidents are required: staff i1 i4 ÷ staff or automated i1 i2 i4 i5 (as in test_people_culture)
    assert row["staff_reported_incident_share"] == pytest.approx(0.5)
    assert row["staff_reported_incident_share_n"] == 4
    business = query(built, "select * from fct_business_value")
    assert business
    assert all(value is None for row in business for key, value in row.items() if key not in ("team_id", "period_start"))
    long_rows = query(
        built,
        "select metric_name, count(metric_value) as valued, count(sample_size) as sized from fct_team_metrics "
        "where metric_name in ('ai_active_users', 'psych_safety_score', 'role_share_other', 'staff_reported_incident_share') "
        "group by metric_name order by metric_name",
    )
    valued = {row["metric_name"]: (row["valued"], row["sized"]) for row in long_rows}
    assert valued["ai_active_users"] == (0, 0)
    assert valued["psych_safety_score"] == (0, 0)
    assert valued["role_share_other"] == (0, 0)
    assert valued["staff_reported_incident_share"][1] > 0


def test_readme_table_is_generated_from_the_declarations() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    assert metric_catalogue.with_table(readme, metric_catalogue.table(metric_catalogue.declarations())) == readme, (
        "README's metric catalogue is out of date: run python scripts/metric_catalogue.py --write"
    )


def test_malformed_declaration_fails_with_one_line(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(
        PROJECT_DIR, project,
        ignore=shutil.ignore_patterns(".venv", ".git", "target", "logs", "data", "dbt_packages", "__pycache__"),
    )
    yml = project / "models" / "marts" / "change_delivery" / "_change_delivery__models.yml"
    text = yml.read_text()
    declared = 'metric: {label: "Change fail rate", unit: ratio, direction: lower'
    assert declared in text
    yml.write_text(text.replace(declared, 'metric: {label: "Change fail rate", unit: ratio, direction: down'))
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, {})
    result = run_dbt(["compile", "--select", "dim_metrics"], db_path, tmp_path / "run", project_dir=project)
    assert not result.success
    assert "ai_maturity: metric fct_change_delivery.change_fail_rate: direction must be higher or lower" in result.output
    assert "Traceback" not in result.output


def test_cli_prints_and_checks(tmp_path: Path, capsys: Any) -> None:
    assert metric_catalogue.main([]) == 0
    printed = capsys.readouterr().out
    assert "| change_delivery | `fct_change_delivery` | `change_fail_rate` | Change fail rate | ratio | lower " in printed
    stale = tmp_path / "README.md"
    stale.write_text(f"x\n{metric_catalogue.BEGIN}\n| old |\n{metric_catalogue.END}\ny\n")
    assert metric_catalogue.main(["--check", "--readme", str(stale)]) == 1
    assert metric_catalogue.main(["--write", "--readme", str(stale)]) == 0
    assert metric_catalogue.main(["--check", "--readme", str(stale)]) == 0
    assert stale.read_text().startswith("x\n") and stale.read_text().endswith("\ny\n")
    stale.write_text("no markers\n")
    assert metric_catalogue.main(["--check", "--readme", str(stale)]) == 2

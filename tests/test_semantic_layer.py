"""The MetricFlow semantic layer (models/semantic/) on the demo warehouse.

`mf` (dbt-metricflow) reads `<project>/target/semantic_manifest.json`, so each query runs in a
throw-away project directory holding this project's dbt_project.yml and the semantic manifest of
the demo build (the worktree's own target/ is never touched). Every answer is compared with a value
computed independently: from the marts' numerators and denominators (`<metric>` × `<metric>_n`),
or from the event-grain intermediate models with pandas (medians, respondent-level survey scores).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from conftest import PROJECT_DIR, DemoWarehouse
from harness import PROFILES_DIR, query

MF = Path(sys.executable).parent / "mf"
SEMANTIC_DIR = PROJECT_DIR / "models" / "semantic"
# the headline metric of every cluster, plus the maturity level (issue #13, item 3)
HEADLINE_METRICS = [
    "deployment_frequency_per_week", "change_lead_time_median_hours", "change_fail_rate",
    "failed_deployment_recovery_median_hours", "time_to_restore_median_hours", "rework_rate",
    "retrain_time_median_hours", "drift_to_retrain_median_hours", "ai_adoption_share", "sla_adherence",
    "cost_per_query_usd", "hallucination_rate", "citation_precision", "psych_safety_score",
]
REL_TOL = 1e-9

Key = tuple[Any, ...]


def semantic_metrics() -> list[dict[str, Any]]:
    return list(yaml.safe_load((SEMANTIC_DIR / "_metrics.yml").read_text())["metrics"])


@pytest.fixture(scope="module")
def mf_project(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project directory for `mf`: this project's dbt_project.yml and the demo build's semantic manifest."""
    manifest = demo_warehouse.work_dir / "target" / "semantic_manifest.json"
    assert manifest.exists(), "the demo build wrote no semantic manifest"
    project = tmp_path_factory.mktemp("mf_project")
    (project / "dbt_project.yml").symlink_to(PROJECT_DIR / "dbt_project.yml")
    (project / "target").mkdir()
    shutil.copy(manifest, project / "target" / "semantic_manifest.json")
    return project


def run_mf(project: Path, db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AI_MATURITY_DUCKDB_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(PROFILES_DIR),
        "DBT_PROJECT_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run([str(MF), *args], cwd=project, env=env, capture_output=True, text=True, check=False)


def mf_query(project: Path, db_path: Path, metrics: Sequence[str], group_by: Sequence[str]) -> pd.DataFrame:
    """The answer of `mf query` as a DataFrame (time columns as dates)."""
    out = project / "answer.csv"
    out.unlink(missing_ok=True)
    completed = run_mf(project, db_path, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                       "--csv", str(out))
    assert completed.returncode == 0 and out.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    frame = pd.read_csv(out)
    for column in frame.columns:
        if column.startswith("metric_time"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def by_key(frame: pd.DataFrame, keys: Sequence[str], value: str) -> dict[Key, float | None]:
    return {
        tuple(row[k] for k in keys): (None if pd.isna(row[value]) else float(row[value]))
        for row in frame.to_dict("records")
    }


def assert_same(actual: Mapping[Key, float | None], expected: Mapping[Key, float | None], what: str) -> None:
    """Same keys with a value (a key missing on one side reads as null) and equal values."""
    keys = {k for k, v in actual.items() if v is not None} | {k for k, v in expected.items() if v is not None}
    assert keys, f"{what}: no values at all"
    wrong = [
        (key, actual.get(key), expected.get(key))
        for key in sorted(keys, key=str)
        if actual.get(key) is None or expected.get(key) is None
        or not math.isclose(actual[key], expected[key], rel_tol=REL_TOL, abs_tol=1e-12)  # type: ignore[arg-type]
    ]
    assert not wrong, f"{what}: {len(wrong)} of {len(keys)} differ, e.g. {wrong[:5]}"


def pooled(rows: list[dict[str, Any]], keys: Sequence[str], numerator: Callable[[dict[str, Any]], float | None],
           denominator: Callable[[dict[str, Any]], float | None]) -> dict[Key, float | None]:
    """Σ numerator ÷ Σ denominator per key (None with a zero or no denominator)."""
    sums: dict[Key, list[float]] = {}
    for row in rows:
        num, den = numerator(row), denominator(row)
        acc = sums.setdefault(tuple(row[k] for k in keys), [0.0, 0.0])
        acc[0] += num or 0.0
        acc[1] += den or 0.0
    return {key: (num / den if den else None) for key, (num, den) in sums.items()}


def summed(rows: list[dict[str, Any]], keys: Sequence[str], value: str) -> dict[Key, float | None]:
    """Σ value per key."""
    sums: dict[Key, float] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        sums[key] = sums.get(key, 0.0) + float(row[value])
    return dict(sums)


def test_semantic_manifest_validates(demo_warehouse: DemoWarehouse, mf_project: Path) -> None:
    # `dbt parse` (the demo build) wrote the manifest; MetricFlow validates its semantics and checks
    # every semantic model, dimension, entity, measure and metric against the demo warehouse
    completed = run_mf(mf_project, demo_warehouse.db_path, "validate-configs", "--show-all")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    assert "Successfully validated the semantics of built manifest (ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)" in output
    for step in ("semantic models", "dimensions", "entities", "measures", "metrics"):
        assert f"Successfully validated {step} against data warehouse (ERRORS: 0" in output, (step, output[-3000:])


def test_headline_metrics_are_named_as_in_the_catalogue(demo_warehouse: DemoWarehouse) -> None:
    names = {metric["name"] for metric in semantic_metrics()}
    catalogue = {row["metric_name"] for row in query(demo_warehouse.db_path, "select metric_name from dim_metrics")}
    assert set(HEADLINE_METRICS) <= names
    assert set(HEADLINE_METRICS) <= catalogue, set(HEADLINE_METRICS) - catalogue
    assert "maturity_level" in names


def test_every_metric_at_team_by_month_equals_the_marts(demo_warehouse: DemoWarehouse, mf_project: Path) -> None:
    # at the marts' own grain (team × month, the default period) each metric is the mart's value,
    # read from fct_team_metrics (the long form of every cluster mart) and fct_team_maturity
    db = demo_warehouse.db_path
    catalogue = {row["metric_name"] for row in query(db, "select metric_name from dim_metrics")}
    metrics = [metric["name"] for metric in semantic_metrics() if metric["name"] in catalogue]
    assert len(metrics) >= len(HEADLINE_METRICS) + 3  # the headline ones plus three counts
    keys = ["team__team_id", "metric_time__month"]
    answer = mf_query(mf_project, db, [*metrics, "maturity_level"], keys)
    long_form = query(db, "select team_id, period_start, metric_name, metric_value from fct_team_metrics")
    for metric in metrics:
        expected = {(r["team_id"], r["period_start"]): r["metric_value"] for r in long_form if r["metric_name"] == metric}
        assert_same(by_key(answer, keys, metric), expected, metric)
    maturity = query(db, "select team_id, period_start, maturity_level from fct_team_maturity")
    assert_same(by_key(answer, keys, "maturity_level"),
                {(r["team_id"], r["period_start"]): float(r["maturity_level"]) for r in maturity}, "maturity_level")


def test_change_fail_rate_by_team_and_quarter_pools_the_mart_counts(
    demo_warehouse: DemoWarehouse, mf_project: Path
) -> None:
    db = demo_warehouse.db_path
    keys = ["team__team_id", "metric_time__quarter"]
    answer = mf_query(mf_project, db, ["change_fail_rate", "rework_rate", "deployment_frequency_per_week"], keys)
    rows = query(
        db,
        "select team_id, cast(date_trunc('quarter', period_start) as date) as quarter, failed_deployments_count, "
        "change_fail_rate_n, rework_rate, rework_rate_n, deployments_count "
        "from fct_change_delivery",
    )
    group = ["team_id", "quarter"]
    assert_same(by_key(answer, keys, "change_fail_rate"),
                pooled(rows, group, lambda r: r["failed_deployments_count"], lambda r: r["change_fail_rate_n"]),
                "change_fail_rate")
    assert_same(by_key(answer, keys, "rework_rate"),
                pooled(rows, group, lambda r: (r["rework_rate"] or 0) * r["rework_rate_n"], lambda r: r["rework_rate_n"]),
                "rework_rate")
    # a quarter's frequency: its deployments ÷ (its days ÷ 7), every month of the demo being on the spine
    days = query(db, "select team_id, cast(date_trunc('quarter', period_start) as date) as quarter, "
                     "sum(days_in_period) as days from int_team_periods group by all")
    counts = summed(rows, group, "deployments_count")
    frequency = {
        (r["team_id"], r["quarter"]): 7.0 * (counts[(r["team_id"], r["quarter"])] or 0.0) / float(r["days"]) for r in days
    }
    assert_same(by_key(answer, keys, "deployment_frequency_per_week"), frequency, "deployment_frequency_per_week")
    # a pooled rate is not the mean of the monthly rates wherever a quarter's months differ in size
    monthly_mean = query(db, "select team_id, cast(date_trunc('quarter', period_start) as date) as quarter, "
                             "avg(change_fail_rate) as rate from fct_change_delivery group by all")
    mf_rates = by_key(answer, keys, "change_fail_rate")
    assert any(
        r["rate"] is not None and (mf_rate := mf_rates.get((r["team_id"], r["quarter"]))) is not None
        and not math.isclose(r["rate"], mf_rate, rel_tol=1e-6)
        for r in monthly_mean
    )


def test_cost_per_query_by_feature_and_month_pools_fct_llm_usage(demo_warehouse: DemoWarehouse, mf_project: Path) -> None:
    db = demo_warehouse.db_path
    keys = ["llm_trace__feature_name", "metric_time__month"]
    answer = mf_query(mf_project, db, ["cost_per_query_usd", "llm_queries"], keys)
    # fct_llm_usage splits a feature's month by model, prompt and retrieval config: its cost is
    # cost_per_query_usd × its queries (cost_per_query_usd_n)
    rows = query(db, "select feature_name, period_start, cost_per_query_usd, cost_per_query_usd_n from fct_llm_usage")
    group = ["feature_name", "period_start"]
    expected = pooled(rows, group, lambda r: (r["cost_per_query_usd"] or 0.0) * r["cost_per_query_usd_n"],
                      lambda r: r["cost_per_query_usd_n"])
    assert len({key[0] for key in expected}) >= 3
    assert_same(by_key(answer, keys, "cost_per_query_usd"), expected, "cost_per_query_usd")
    assert_same(by_key(answer, keys, "llm_queries"), summed(rows, group, "cost_per_query_usd_n"), "llm_queries")


def test_lead_time_median_pools_the_changes_at_any_grain(demo_warehouse: DemoWarehouse, mf_project: Path) -> None:
    # medians are taken over the pooled changes (pandas' interpolated median, as quantile_cont),
    # never a median of monthly medians: per team × quarter and over every team per quarter
    db = demo_warehouse.db_path
    changes = pd.DataFrame(query(
        db,
        "select team_id, cast(date_trunc('quarter', shipped_at) as date) as quarter, lead_time_hours "
        "from int_changes_lead_time where lead_time_hours is not null",
    ))
    team_quarter = changes.groupby(["team_id", "quarter"])["lead_time_hours"].median()
    answer = mf_query(mf_project, db, ["change_lead_time_median_hours"], ["team__team_id", "metric_time__quarter"])
    assert_same(by_key(answer, ["team__team_id", "metric_time__quarter"], "change_lead_time_median_hours"),
                {key: float(value) for key, value in team_quarter.items()}, "lead time by team × quarter")
    quarter = changes.groupby("quarter")["lead_time_hours"].median()
    answer = mf_query(mf_project, db, ["change_lead_time_median_hours"], ["metric_time__quarter"])
    assert_same(by_key(answer, ["metric_time__quarter"], "change_lead_time_median_hours"),
                {(key,): float(value) for key, value in quarter.items()}, "lead time by quarter")
    monthly_medians = query(db, "select cast(date_trunc('quarter', period_start) as date) as quarter, "
                                "median(change_lead_time_median_hours) as m from fct_change_delivery group by all")
    assert any(not math.isclose(r["m"], float(quarter[r["quarter"]]), rel_tol=1e-6) for r in monthly_medians)


def test_psych_safety_pools_only_published_cells(demo_warehouse: DemoWarehouse, mf_project: Path) -> None:
    # from the respondent-level answers: each respondent's mean scaled score in a team × period;
    # a suppressed team × period (int_survey_scores_suppressed) contributes nothing; the pooled score
    # is the mean of the remaining respondents' means
    db = demo_warehouse.db_path
    respondents = pd.DataFrame(query(
        db,
        "select answers.team_id, answers.period_start, answers.respondent_hash, avg(answers.scaled_score) as score "
        "from int_survey_responses_scored as answers "
        "inner join int_survey_scores_suppressed as cells on answers.team_id = cells.team_id "
        "and answers.period_start = cells.period_start and answers.instrument = cells.instrument "
        "where answers.instrument = 'psych_safety' and not cells.is_suppressed "
        "group by all",
    ))
    respondents["quarter"] = [date.replace(month=3 * ((date.month - 1) // 3) + 1, day=1) for date in respondents["period_start"]]
    expected = respondents.groupby(["team_id", "quarter"])["score"].mean()
    keys = ["team__team_id", "metric_time__quarter"]
    answer = by_key(mf_query(mf_project, db, ["psych_safety_score"], keys), keys, "psych_safety_score")
    assert_same(answer, {key: float(value) for key, value in expected.items()}, "psych_safety_score by team × quarter")

    # over every team per quarter: the published respondents only; with the suppressed team's
    # respondents (team_manual answers in cells of fewer than 5) the value would differ
    organisation = by_key(mf_query(mf_project, db, ["psych_safety_score"], ["metric_time__quarter"]),
                          ["metric_time__quarter"], "psych_safety_score")
    published_mean = respondents.groupby("quarter")["score"].mean()
    assert_same(organisation, {(key,): float(value) for key, value in published_mean.items()},
                "psych_safety_score by quarter")
    everyone = pd.DataFrame(query(
        db,
        "select cast(date_trunc('quarter', period_start) as date) as quarter, period_start, respondent_hash, team_id, "
        "avg(scaled_score) as score from int_survey_responses_scored where instrument = 'psych_safety' group by all",
    )).groupby("quarter")["score"].mean()
    assert any(not math.isclose(float(everyone[key]), float(value), rel_tol=1e-6) for key, value in published_mean.items())

    # a team × quarter whose only survey cells are suppressed has no score at all, and a
    # suppressed team × month none either
    cells = query(db, "select team_id, cast(date_trunc('quarter', period_start) as date) as quarter, is_suppressed, "
                      "survey_respondents from fct_people_culture")
    suppressed = {(c["team_id"], c["quarter"]) for c in cells if c["is_suppressed"]}
    published = {(c["team_id"], c["quarter"]) for c in cells if not c["is_suppressed"] and c["survey_respondents"]}
    assert suppressed - published, "the demo should have team × quarters with suppressed survey cells only"
    for key in suppressed - published:
        assert answer.get(key) is None, key
    month_keys = ["team__team_id", "metric_time__month"]
    monthly = by_key(mf_query(mf_project, db, ["psych_safety_score"], month_keys), month_keys, "psych_safety_score")
    for cell in query(db, "select team_id, period_start from fct_people_culture where is_suppressed"):
        assert monthly.get((cell["team_id"], cell["period_start"])) is None, cell

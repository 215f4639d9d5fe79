"""Survey anonymity holds (metrics.md §6, issue 6), as properties over many random survey datasets.

Hypothesis draws 40 random team survey datasets (plus explicit boundary cases: exactly threshold − 1
and threshold respondents, one respondent answering twice); each becomes one team of a single raw
dataset, so ONE dbt build evaluates them all. Then, against an independent pandas scoring:
- every team × period × instrument with 1 … threshold − 1 distinct respondents has a null score, its
  suppression flag true and a null respondent count; nobody answering gives 0, not suppressed; with
  ≥ threshold respondents the score equals the pandas value;
- the long form (fct_team_metrics) hides the same values and sample sizes;
- no mart has a column carrying a person, respondent or user key or hash, or free text;
- every mart fed by survey answers is at team grain (team_id on every row), so no aggregate above
  the team (org unit, organisation) is published from which a suppressed score could be recovered by
  subtraction;
- stronger, differential: a second build in which every suppressed group's answers are changed (and
  small groups gain a respondent, staying under the threshold) publishes exactly the same marts —
  the published data does not depend on suppressed answers at all, so nothing can recover them.
Finally the compiled scoring SQL of the two survey models is run directly on 60 more random
datasets (no dbt build per example).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from harness import PACKAGE_SCHEMAS_SQL, failures, query, run_dbt, write_raw_tables
from table_compare import RUN_COLUMNS

THRESHOLD = 5  # var ai_maturity__min_respondents (default)
INSTRUMENTS = ("psych_safety", "westrum", "wellbeing")
PERIODS = (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))
SCALES = ((1, 5), (1, 7), (0, 10), (1, 4), (0, 6))
ORG_UNITS = ("ou_a", "ou_b", "ou_c")
LOADED = "2025-04-01 00:00:00"
# mart columns of each instrument in fct_people_culture
MART_COLUMNS = {
    "psych_safety": ("psych_safety_score", "survey_respondents", "is_suppressed"),
    "westrum": ("westrum_score", "westrum_respondents", "westrum_is_suppressed"),
    "wellbeing": ("wellbeing_score", "wellbeing_respondents", "wellbeing_is_suppressed"),
}
SURVEY_METRICS = {"psych_safety": "psych_safety_score", "westrum": "westrum_score", "wellbeing": "wellbeing_score"}
FORBIDDEN_COLUMNS = {"user_key", "person_key", "respondent_key", "author_key", "prompt_text", "response_text",
                     "comment_text", "user_hash", "person_hash", "respondent_hash", "author_hash"}
# Counts raw rows per source table, organisation-wide over all periods (no team, period or value): a
# newcomer added to a suppressed group changes its survey_responses row count, nothing else.
ROW_COUNT_MARTS = {"fct_raw_row_accounting"}
# the columns of stg_ai_maturity_raw__survey_responses, for running the scoring SQL outside dbt
STAGED_DDL = """
create table example_staged (
    response_id varchar, survey_id varchar, wave varchar, respondent_key varchar, team_id varchar,
    submitted_at timestamp, instrument varchar, item_code varchar, response_value double,
    scale_min double, scale_max double, reverse_scored boolean, _loaded_at timestamp, period_start date
)
"""


@dataclass(frozen=True)
class Answer:
    """One item answer of a team's survey dataset (the team is assigned when datasets are pooled)."""

    period: int  # index into PERIODS
    instrument: str
    respondent: int  # respondent k<n>; the same key may answer in several teams (counts are per team)
    response: int  # a respondent may answer twice in a period: their answers are pooled
    item: int
    scale_min: int
    scale_max: int
    reverse: bool
    value: int
    offset_seconds: int  # from the period start, within its first 28 days


@st.composite
def team_surveys(draw: st.DrawFn) -> tuple[Answer, ...]:
    """A random survey history of one team: per period and instrument 0 … 9 respondents (every value
    around the threshold is common), 1 … 3 items with their own scales and reverse flags, a second
    response by some respondents that may skip items."""
    answers: list[Answer] = []
    periods = draw(st.lists(st.integers(0, len(PERIODS) - 1), min_size=1, max_size=3, unique=True))
    for period in periods:
        for instrument in INSTRUMENTS:
            respondents = draw(st.integers(0, 9))
            if respondents == 0:
                continue
            items = draw(st.lists(st.tuples(st.sampled_from(SCALES), st.booleans()), min_size=1, max_size=3))
            first_key = draw(st.integers(0, 3))
            for respondent in range(first_key, first_key + respondents):
                for response in range(draw(st.integers(1, 2))):
                    offset = draw(st.integers(0, 28 * 86400 - 1))
                    for item, ((low, high), reverse) in enumerate(items):
                        if response > 0 and item > 0 and not draw(st.booleans()):
                            continue
                        answers.append(Answer(period, instrument, respondent, response, item, low, high, reverse,
                                              draw(st.integers(low, high)), offset))
    return tuple(answers)


def group(period: int, instrument: str, respondents: int, values: tuple[int, ...], twice: bool = False,
          scale: tuple[int, int] = (1, 5), reverse: bool = False) -> tuple[Answer, ...]:
    """A hand-made group: `respondents` people answering one item (values cycled); with `twice`, the
    first respondent answers a second time."""
    answers = [
        Answer(period, instrument, r, 0, 0, scale[0], scale[1], reverse, values[r % len(values)], 3600 * r)
        for r in range(respondents)
    ]
    if twice:
        answers.append(Answer(period, instrument, 0, 1, 0, scale[0], scale[1], reverse, values[-1], 7200))
    return tuple(answers)


BOUNDARY_EXAMPLES = (
    group(0, "psych_safety", THRESHOLD - 1, (5, 1, 4, 2), twice=True),  # 4 distinct, 5 responses
    group(0, "psych_safety", THRESHOLD, (5, 1, 4, 2, 3), reverse=True),
    group(1, "westrum", THRESHOLD, (7, 6, 1), scale=(1, 7)) + group(1, "wellbeing", 1, (2,)),
    group(2, "wellbeing", THRESHOLD - 1, (0, 10, 3), scale=(0, 10)) + group(2, "psych_safety", 1, (4,)),
)


def draw_team_datasets(max_examples: int = 40) -> list[tuple[Answer, ...]]:
    """Random team datasets, as Hypothesis generates them (explicit boundary examples first)."""
    drawn: list[tuple[Answer, ...]] = []

    def collect(answers: tuple[Answer, ...]) -> None:
        drawn.append(answers)

    for boundary in BOUNDARY_EXAMPLES:
        collect = example(boundary)(collect)
    settings(max_examples=max_examples, phases=[Phase.explicit, Phase.generate], database=None, deadline=None,
             suppress_health_check=list(HealthCheck))(given(team_surveys())(collect))()
    return drawn


def survey_rows(datasets: list[tuple[Answer, ...]]) -> list[dict[str, Any]]:
    """Raw survey_responses rows: dataset i is team t<i>."""
    rows = []
    for index, answers in enumerate(datasets):
        team_id = f"t{index:03d}"
        for a in answers:
            period = PERIODS[a.period]
            submitted = datetime(period.year, period.month, period.day) + timedelta(seconds=a.offset_seconds)
            rows.append({
                "response_id": f"{team_id}-{a.period}-{a.instrument}-{a.respondent}-{a.response}",
                "survey_id": "pulse",
                "wave": f"{period.year}-q1",
                "respondent_key": f"k{a.respondent}",
                "team_id": team_id,
                "submitted_at": submitted.isoformat(sep=" "),
                "instrument": a.instrument,
                "item_code": f"{a.instrument}_{a.item}",
                "response_value": float(a.value),
                "scale_min": float(a.scale_min),
                "scale_max": float(a.scale_max),
                "reverse_scored": a.reverse,
                "comment_text": "free text",
                "_loaded_at": LOADED,
            })
    return rows


def raw_dataset(datasets: list[tuple[Answer, ...]]) -> dict[str, list[dict[str, Any]]]:
    teams = [
        {"team_id": f"t{i:03d}", "team_name": f"Team {i}", "org_unit": ORG_UNITS[i % len(ORG_UNITS)]}
        for i in range(len(datasets))
    ]
    return {"teams": teams, "survey_responses": survey_rows(datasets)}


def expected_scores(rows: list[dict[str, Any]], threshold: int = THRESHOLD) -> dict[tuple[str, date, str], tuple]:
    """Independent scoring in pandas: (team, period, instrument) -> (score, respondents, is_suppressed)."""
    df = pd.DataFrame(rows)
    if df.empty:
        return {}
    df["period_start"] = pd.to_datetime(df["submitted_at"]).dt.to_period("M").dt.start_time.dt.date
    flipped = df["response_value"].where(~df["reverse_scored"], df["scale_min"] + df["scale_max"] - df["response_value"])
    df["scaled"] = (flipped - df["scale_min"]) / (df["scale_max"] - df["scale_min"])
    respondent = df.groupby(["team_id", "period_start", "instrument", "respondent_key"])["scaled"].mean()
    teams = respondent.groupby(level=[0, 1, 2]).agg(["mean", "count"])
    result = {}
    for (team_id, period, instrument), stats in teams.iterrows():
        n = int(stats["count"])
        result[(team_id, period, instrument)] = (None, None, True) if n < threshold else (stats["mean"], n, False)
    return result


def build(work: Path, raw: dict[str, list[dict[str, Any]]]) -> Path:
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, raw)
    # every model (all marts are inspected), data tests included; dbt unit tests run in the project build
    result = run_dbt(["build", "--exclude", "test_type:unit"], db_path, work)
    assert not failures(result), failures(result)
    return db_path


@pytest.fixture(scope="module")
def datasets() -> list[tuple[Answer, ...]]:
    drawn = draw_team_datasets()
    assert len(drawn) >= 30
    return drawn


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, datasets: list[tuple[Answer, ...]]) -> Path:
    return build(tmp_path_factory.mktemp("anonymity"), raw_dataset(datasets))


def manifest(db_path: Path) -> dict[str, Any]:
    return json.loads((db_path.parent / "target" / "manifest.json").read_text())


def mart_models(db_path: Path) -> dict[str, dict[str, Any]]:
    """Every model under models/marts, by name."""
    return {
        node["name"]: node
        for node in manifest(db_path)["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }


def table_columns(db_path: Path, table: str) -> list[str]:
    return [
        r["column_name"]
        for r in query(db_path, f"select column_name from information_schema.columns"
                                f" where table_schema in {PACKAGE_SCHEMAS_SQL} and table_name = '{table}'"
                                " order by ordinal_position")
    ]


def test_the_boundaries_are_covered(datasets: list[tuple[Answer, ...]]) -> None:
    expected = expected_scores(survey_rows(datasets))
    counts = {v[1] for v in expected.values()}
    suppressed = sum(1 for v in expected.values() if v[2])
    assert THRESHOLD in counts and suppressed >= 5


def test_scores_match_an_independent_computation_and_small_groups_are_hidden(
    built: Path, datasets: list[tuple[Answer, ...]]
) -> None:
    expected = expected_scores(survey_rows(datasets))
    mart = query(built, "select * from fct_people_culture")
    assert mart, "no rows"
    checked = {"hidden": 0, "published": 0, "nobody": 0}
    for row in mart:
        for instrument, (score_col, respondents_col, flag_col) in MART_COLUMNS.items():
            key = (row["team_id"], row["period_start"], instrument)
            got = (row[score_col], row[respondents_col], row[flag_col])
            if key not in expected:
                # nobody of the team answered the instrument in the period
                assert got == (None, 0, False), (key, got)
                checked["nobody"] += 1
            elif expected[key][2]:
                assert got == (None, None, True), (key, got)
                checked["hidden"] += 1
            else:
                score, respondents, _ = expected[key]
                assert got[1:] == (respondents, False), (key, got)
                assert got[0] == pytest.approx(score, abs=1e-12), (key, got, score)
                checked["published"] += 1
    # every group of the data is on the spine
    assert {(r["team_id"], r["period_start"]) for r in mart} >= {(k[0], k[1]) for k in expected}
    assert min(checked.values()) > 0, checked


def test_long_form_hides_the_same_values(built: Path, datasets: list[tuple[Answer, ...]]) -> None:
    expected = expected_scores(survey_rows(datasets))
    rows = query(built, "select * from fct_team_metrics where cluster = 'people_culture'")
    by_key = {(r["team_id"], r["period_start"], r["metric_name"]): r for r in rows}
    for (team_id, period, instrument), (score, respondents, hidden) in expected.items():
        metric = by_key[(team_id, period, SURVEY_METRICS[instrument])]
        if hidden:
            assert (metric["metric_value"], metric["sample_size"]) == (None, None), (team_id, period, instrument)
        else:
            assert metric["metric_value"] == pytest.approx(score, abs=1e-12)
            assert metric["sample_size"] == respondents
        if instrument == "psych_safety":
            count = by_key[(team_id, period, "survey_respondents")]["metric_value"]
            assert count == (None if hidden else respondents)


def test_no_mart_carries_identity_or_free_text(built: Path) -> None:
    marts = mart_models(built)
    assert {"fct_people_culture", "fct_team_metrics", "fct_business_value"} <= set(marts)
    for name in marts:
        columns = table_columns(built, name)
        assert columns, f"{name} is not in the warehouse"
        # (prompt_hash and the like identify prompts, not people)
        leaked = [c for c in columns if c in FORBIDDEN_COLUMNS
                  or any(word in c for word in
                         ("respondent_key", "respondent_hash", "person", "author", "user_key", "user_hash"))]
        assert leaked == [], (name, leaked)


def test_every_mart_fed_by_survey_answers_is_at_team_grain(built: Path) -> None:
    """No aggregate above the team from the answers: every mart downstream of the survey answers keys
    each row by a team, except org-wide marts that read them only through team-grain marts (whose
    survey values are already suppressed below the threshold), such as fct_org_investment_priorities."""
    graph = manifest(built)
    children = graph["child_map"]
    marts = mart_models(built)
    seen, frontier = set(), ["model.ai_maturity.stg_ai_maturity_raw__survey_responses"]
    while frontier:
        node = frontier.pop()
        for child in children.get(node, []):
            if child.startswith("model.") and child not in seen:
                seen.add(child)
                frontier.append(child)
    fed = sorted(graph["nodes"][node]["name"] for node in seen if graph["nodes"][node]["name"] in marts)
    assert {"fct_people_culture", "fct_team_metrics"} <= set(fed), fed
    team_grain = {name for name in fed if "team_id" in table_columns(built, name)}
    for name in sorted(set(fed) - team_grain):
        node = graph["nodes"][f"model.ai_maturity.{name}"]
        survey_parents = {graph["nodes"][parent]["name"] for parent in node["depends_on"]["nodes"] if parent in seen}
        assert survey_parents and survey_parents <= team_grain, f"{name}: survey-fed above the team via {survey_parents}"
    for name in sorted(team_grain):
        nulls = query(built, f"select count(*) as n from {name} where team_id is null")[0]["n"]
        assert nulls == 0, f"{name}: rows above the team"
    # and nothing anywhere publishes an org-unit level table of the marts' values
    for name in marts:
        columns = table_columns(built, name)
        assert not ("org_unit" in columns and "team_id" not in columns), name


def perturb_suppressed(datasets: list[tuple[Answer, ...]]) -> list[tuple[Answer, ...]]:
    """The same datasets with every suppressed group's answers changed: values flipped within their
    scale (a different score), and a group of 1 … threshold − 2 respondents gains one more (still
    suppressed). Published groups are untouched."""
    changed = []
    for answers in datasets:
        groups: dict[tuple[int, str], list[Answer]] = {}
        for a in answers:
            groups.setdefault((a.period, a.instrument), []).append(a)
        out: list[Answer] = []
        for (_period, _instrument), members in groups.items():
            respondents = {a.respondent for a in members}
            if len(respondents) >= THRESHOLD:
                out.extend(members)
                continue
            flipped = [replace(a, value=a.scale_min + a.scale_max - a.value if a.value * 2 != a.scale_min + a.scale_max
                               else a.scale_max) for a in members]
            out.extend(flipped)
            if len(respondents) < THRESHOLD - 1:
                # a newcomer answering like the group's first respondent did first, at the scale minimum
                newcomer = max(respondents) + 1
                first = members[0]
                out.extend(replace(a, respondent=newcomer, value=a.scale_min)
                           for a in members if a.respondent == first.respondent and a.response == first.response)
        changed.append(tuple(out))
    return changed


def mart_snapshot(db_path: Path, names: list[str]) -> dict[str, list[str]]:
    """Every row of each mart, floats rounded to 9 decimals (a parallel sum may differ in its last bits
    from one build to the next), as sorted strings; without the run's bookkeeping columns
    (table_compare.RUN_COLUMNS: an incremental mart's `_batch_at` is the time of the build)."""

    def canonical(row: dict[str, Any]) -> str:
        return repr(sorted(
            (k, round(v, 9) if isinstance(v, float) else v) for k, v in row.items() if k not in RUN_COLUMNS
        ))

    return {name: sorted(canonical(r) for r in query(db_path, f"select * from {name}")) for name in names}


def test_published_marts_do_not_depend_on_suppressed_answers(
    built: Path, datasets: list[tuple[Answer, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    perturbed = perturb_suppressed(datasets)
    before, after = expected_scores(survey_rows(datasets)), expected_scores(survey_rows(perturbed))
    # the perturbation really changes hidden groups (their true scores) and keeps them hidden
    assert {k for k, v in before.items() if v[2]} == {k for k, v in after.items() if v[2]}
    assert survey_rows(perturbed) != survey_rows(datasets)
    other = build(tmp_path_factory.mktemp("anonymity_perturbed"), raw_dataset(perturbed))
    # the changed answers did reach the warehouse: the item-level intermediate differs …
    items = ["int_survey_responses_scored"]
    assert mart_snapshot(built, items) != mart_snapshot(other, items)
    # … and no mart shows it
    names = sorted(set(mart_models(built)) - ROW_COUNT_MARTS)
    first, second = mart_snapshot(built, names), mart_snapshot(other, names)
    for name in names:
        assert first[name] == second[name], f"{name} changes with suppressed answers"


def test_scoring_sql_directly_on_many_random_datasets(built: Path) -> None:
    """The compiled SQL of int_survey_responses_scored and int_survey_scores_suppressed run on random
    staged answers in an in-memory DuckDB (one dbt build, many examples)."""
    nodes = manifest(built)["nodes"]
    staged = nodes["model.ai_maturity.stg_ai_maturity_raw__survey_responses"]["relation_name"]
    scored_node = nodes["model.ai_maturity.int_survey_responses_scored"]
    suppressed_node = nodes["model.ai_maturity.int_survey_scores_suppressed"]
    scored_sql = scored_node["compiled_code"].replace(staged, "example_staged")
    suppressed_sql = suppressed_node["compiled_code"].replace(scored_node["relation_name"], "example_scored")

    @settings(max_examples=60, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(team_surveys(), min_size=1, max_size=4))
    def check(team_datasets: list[tuple[Answer, ...]]) -> None:
        rows = survey_rows(team_datasets)
        with duckdb.connect() as con:
            con.execute(STAGED_DDL)
            if rows:
                frame = pd.DataFrame(rows).drop(columns=["comment_text"])
                frame["submitted_at"] = pd.to_datetime(frame["submitted_at"])
                frame["_loaded_at"] = pd.to_datetime(frame["_loaded_at"])
                con.register("frame", frame)
                # staging assigns the period (monthly, the default) from submitted_at
                con.execute("insert into example_staged by name select *, "
                            "cast(date_trunc('month', submitted_at) as date) as period_start from frame")
            con.execute(f"create table example_scored as {scored_sql}")
            got = {
                (r[0], r[1], r[2]): (r[3], r[4], r[5])
                for r in con.execute(
                    f"select team_id, period_start, instrument, score, respondents, is_suppressed from ({suppressed_sql})"
                ).fetchall()
            }
        expected = expected_scores(rows)
        assert set(got) == set(expected)
        for key, (score, respondents, hidden) in expected.items():
            assert got[key][1:] == (respondents, hidden), key
            if hidden:
                assert got[key][0] is None, key
            else:
                assert got[key][0] == pytest.approx(score, abs=1e-12), key

    check()

"""The demo-data generator (scripts/generate_demo_data.py): deterministic, complete against the raw
contract, reconciled with its manifest, and carrying the prompt-incident scenario and the designed
team maturity levels. Expected values are recomputed here from the written tables with pandas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

import generate_demo_data  # noqa: E402
from demo_data import levels  # noqa: E402
from demo_data.build import generate  # noqa: E402
from demo_data.profiles import INCIDENT_SCENARIO, TEAMS  # noqa: E402
from demo_data.schema import TABLES  # noqa: E402
from demo_data.writer import write_duckdb, write_manifest  # noqa: E402

SEED = 7
SOURCES_YML = PROJECT_DIR / "models" / "staging" / "ai_maturity_raw" / "_ai_maturity_raw__sources.yml"


@pytest.fixture(scope="module")
def in_memory():
    """First generation, kept in memory (levels check) and written with the writer functions."""
    return generate("small", SEED)


@pytest.fixture(scope="module")
def first_db(in_memory, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen_first")
    write_duckdb(in_memory.tables, out / "demo.duckdb")
    write_manifest(in_memory.manifest, out / "manifest.json")
    return out / "demo.duckdb", json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory) -> tuple[Path, dict]:
    """Second, independent generation through the CLI."""
    out = tmp_path_factory.mktemp("gen_cli")
    code = generate_demo_data.main([
        "--duckdb", str(out / "demo.duckdb"), "--profile", "small", "--seed", str(SEED),
        "--manifest", str(out / "manifest.json"),
    ])
    assert code == 0
    return out / "demo.duckdb", json.loads((out / "manifest.json").read_text())


def read(db: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).df()


def test_same_seed_gives_identical_tables(first_db, cli_db):
    (db_a, manifest_a), (db_b, manifest_b) = first_db, cli_db
    for table in TABLES:
        a = read(db_a, f"select * from raw.{table}")
        b = read(db_b, f"select * from raw.{table}")
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=table)
    assert manifest_a == manifest_b


def test_rewriting_replaces_tables(in_memory, first_db, tmp_path):
    """Landing the same data into a file that already holds it replaces, never appends."""
    db, manifest = first_db
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(db.read_bytes())
    write_duckdb(in_memory.tables, copy)
    for table in TABLES:
        assert read(copy, f"select count(*) as n from raw.{table}")["n"][0] == manifest[table]["rows"], table


def test_every_contract_table_and_column_with_its_type(cli_db):
    db, _ = cli_db
    cols = read(db, "select table_name, column_name, data_type, ordinal_position from information_schema.columns "
                    "where table_schema = 'raw' order by table_name, ordinal_position")
    assert set(cols["table_name"]) == set(TABLES)
    for name, spec in TABLES.items():
        got = cols[cols["table_name"] == name]
        assert list(zip(got["column_name"], got["data_type"], strict=True)) == list(spec.columns), name
        assert "_loaded_at" in set(got["column_name"])


def test_schema_agrees_with_the_dbt_sources_yml():
    """Column names against the dbt source declaration (numeric types are compatible with each other)."""
    if not SOURCES_YML.exists():
        pytest.skip("no sources yml yet")
    family = {"string": "text", "timestamp": "time", "boolean": "bool", "bigint": "num", "double": "num",
              "VARCHAR": "text", "TIMESTAMP": "time", "BOOLEAN": "bool", "BIGINT": "num", "DOUBLE": "num"}
    source = yaml.safe_load(SOURCES_YML.read_text())["sources"][0]
    declared = {t["name"]: {c["name"]: c.get("data_type") for c in t["columns"]} for t in source["tables"]}
    assert set(declared) == set(TABLES)
    for name, columns in declared.items():
        mine = TABLES[name].types
        assert set(columns) <= set(mine), (name, set(columns) - set(mine))
        for col, typ in columns.items():
            if typ is not None:
                assert family[typ] == family[mine[col]], (name, col, typ, mine[col])


def test_required_columns_are_filled_except_injected_rows(cli_db):
    db, manifest = cli_db
    for name, spec in TABLES.items():
        df = read(db, f"select * from raw.{name}")
        missing_reasons = {r for r in manifest[name]["rejected"] if r.startswith("missing_required:")}
        for col in spec.required:
            n_null = int(df[col].isna().sum())
            assert n_null == manifest[name]["rejected"].get(f"missing_required:{col}", 0), (name, col, missing_reasons)


def test_manifest_reconciles_with_the_tables(cli_db):
    db, manifest = cli_db
    assert set(manifest) == set(TABLES)
    for name, spec in TABLES.items():
        df = read(db, f"select * from raw.{name}")
        entry = manifest[name]
        assert entry["rows"] == len(df), name
        # duplicates: rows beyond the first per key
        assert entry["duplicates"] == len(df) - len(df.drop_duplicates(list(spec.key))), name
        # values outside a listed enumeration after lower-casing, counted independently
        for col, allowed in spec.enums:
            values = df[col].dropna().str.lower()
            n_unknown = int((~values.isin(allowed)).sum())
            assert n_unknown == entry["rejected"].get(f"unknown_enum:{col}", 0), (name, col)
    deployments = read(db, "select * from raw.deployments")
    assert manifest["deployments"]["flagged"]["negative_duration"] == int(
        (deployments["finished_at"] < deployments["started_at"]).sum())
    owned = set(read(db, "select service_id from raw.service_ownership")["service_id"])
    assert manifest["deployments"]["rejected"]["unknown_service"] == int((~deployments["service_id"].isin(owned)).sum())
    windows = read(db, "select * from raw.inference_windows")
    assert manifest["inference_windows"]["rejected"]["out_of_range:error_count"] == int(
        (windows["error_count"] > windows["request_count"]).sum())
    evals = read(db, "select * from raw.llm_evaluations")
    assert manifest["llm_evaluations"]["rejected"]["out_of_range:score_value"] == int(
        ((evals["score_value"] < 0) | (evals["score_value"] > 1)).sum())
    chunks = read(db, "select c.* from raw.llm_request_chunks c anti join raw.llm_requests r using (request_id)")
    assert manifest["llm_request_chunks"]["rejected"]["orphan:llm_requests"] == len(chunks)
    requests = read(db, "select * from raw.llm_requests")
    assert manifest["llm_requests"]["flagged"]["negative_tokens"] == int((requests["output_tokens"] < 0).sum())
    assert manifest["llm_requests"]["flagged"]["negative_cost"] == int((requests["cost_usd"] < 0).sum())
    assert manifest["llm_requests"]["flagged"]["first_token_before_start"] == int(
        (requests["first_token_at"] < requests["started_at"]).sum())
    people = read(db, "select * from raw.people")
    assert manifest["people"]["rejected"]["joined_after_left"] == int((people["joined_at"] > people["left_at"]).sum())
    # a duplicate with an equal _loaded_at exists (the tie-break case)
    equal = read(db, "select count(*) as n from (select deployment_id, _loaded_at from raw.deployments "
                     "group by all having count(*) > 1)")
    assert equal["n"][0] >= 1


def test_free_text_carries_markers(cli_db):
    db, _ = cli_db
    texts = read(db, "select count(*) filter (where prompt_text like 'PROMPT-TEXT-%') as p, "
                     "count(*) filter (where response_text like 'RESPONSE-TEXT-%') as r from raw.llm_requests")
    comments = read(db, "select count(*) filter (where comment_text like 'COMMENT-TEXT-%') as c from raw.survey_responses")
    assert texts["p"][0] > 0 and texts["r"][0] > 0 and comments["c"][0] > 0


def _monthly(df: pd.DataFrame, ts_col: str) -> pd.Series:
    return df[ts_col].dt.strftime("%Y-%m")


def test_prompt_incident_scenario(cli_db):
    db, _ = cli_db
    s = INCIDENT_SCENARIO
    requests = read(db, "select request_id, feature_name, prompt_hash, started_at, environment from raw.llm_requests")
    evals = read(db, "select * from raw.llm_evaluations")
    feature_of = requests.drop_duplicates("request_id").set_index("request_id")["feature_name"]
    evals["feature"] = evals["request_id"].map(feature_of).fillna(evals["feature_name"])
    evals["month"] = _monthly(evals, "evaluated_at")
    faith = evals[(evals["feature"] == s.feature_name) & (evals["evaluation_name"] == "faithfulness")
                  & evals["suite"].isin(["production_sample", "human_review"])
                  & evals["score_value"].between(0, 1)]
    by_month = faith.groupby("month")["score_value"].agg(["mean", "count"])
    before, after = by_month.loc[s.previous_month], by_month.loc[s.month]
    assert before["count"] >= 40 and after["count"] >= 40
    assert before["mean"] - after["mean"] >= s.min_faithfulness_drop

    events = read(db, "select * from raw.product_events")
    votes = events[(events["feature_name"] == s.feature_name) & events["event_type"].isin(["upvote", "downvote"])].copy()
    votes["month"] = _monthly(votes, "occurred_at")
    rate = votes.groupby("month")["event_type"].agg(lambda x: (x == "downvote").mean())
    count = votes.groupby("month").size()
    assert count[s.previous_month] >= 40 and count[s.month] >= 40
    assert rate[s.month] - rate[s.previous_month] >= s.min_downvote_rise

    # the month's dominant prompt hash is the new one; the rollback target is the old one
    feature_requests = requests[requests["feature_name"] == s.feature_name].copy()
    feature_requests["month"] = _monthly(feature_requests, "started_at")
    dominant = feature_requests[feature_requests["month"] == s.month]["prompt_hash"].value_counts().idxmax()
    assert dominant == s.new_prompt_hash
    ci = evals[(evals["suite"] == "ci_release") & (evals["feature_name"] == s.feature_name)]
    assert ci[ci["prompt_hash"] == s.old_prompt_hash]["passed"].all()
    assert len(ci[ci["prompt_hash"] == s.new_prompt_hash]) > 0
    assert not ci[ci["prompt_hash"] == s.new_prompt_hash]["passed"].all()
    first_use = feature_requests.groupby("prompt_hash")["started_at"].min().sort_values()
    earlier = [h for h in first_use.index if first_use[h] < first_use[s.new_prompt_hash]]
    all_passed = [h for h in earlier if len(ci[ci["prompt_hash"] == h]) and ci[ci["prompt_hash"] == h]["passed"].all()]
    assert all_passed[-1] == s.old_prompt_hash


def test_team_profiles_cover_every_level():
    assert len(TEAMS) == 8
    overall = sorted(t.levels.overall for t in TEAMS)
    assert overall == [0, 1, 1, 2, 2, 3, 3, 4]
    assert len({t.levels.binding_planes for t in TEAMS}) >= 5


def test_designed_levels_hold_every_month(in_memory):
    """An independent pandas reading of maturity.md's default criteria: each team's designed level
    on each plane, every month, whether a missing metric counts as met or not."""
    _, strict, lenient = levels.check(in_memory.tables, in_memory.manifest)
    assert levels.mismatches(strict, lenient) == []

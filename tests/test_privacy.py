"""Privacy: free text (prompt_text, response_text, comment_text) never leaves staging, and no person
key (user_key, person_key, respondent_key, author_key) reaches a mart.

A small dataset carries recognisable marker strings in every one of those raw columns — in staged
rows, rejected rows and re-delivered duplicates alike — and the whole project is built. Then every
model under models/marts (read from the dbt manifest) is searched, column by column, for the
markers, and its columns must not be named after those raw columns. Models downstream of staging
(intermediate) follow the same rule: a person appears only as a salted hash under another name.
No model but the base staging models may even mention the text columns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from harness import connect, failures, fetch_one, run_dbt, write_raw_tables

MARKER = "zq7x"  # every marked value contains it; searched case-insensitively
TEXT_COLUMNS = {"prompt_text", "response_text", "comment_text"}
KEY_COLUMNS = {"user_key", "person_key", "respondent_key", "author_key"}
LOADED = "2025-03-01 00:00:00"


def user(n: int) -> str:
    return f"{MARKER}-user-{n}"


def person(n: int) -> str:
    return f"{MARKER.upper()}-person-{n}"


def respondent(n: int) -> str:
    return f"{MARKER}-respondent-{n}"


def llm_request(request_id: str, started_at: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "request_id": request_id,
        "trace_id": f"trace-{request_id}",
        "team_id": "team_a",
        "feature_name": "assistant",
        "environment": "production",
        "operation_name": "chat",
        "provider_name": "openai",
        "request_model": "gpt-4o",
        "response_model": "gpt-4o-2024-08-06",
        "prompt_hash": "ph1",
        "is_streaming": True,
        "started_at": started_at,
        "first_token_at": started_at,
        "ended_at": started_at,
        "input_tokens": 10,
        "output_tokens": 20,
        "cost_usd": 0.01,
        "status": "ok",
        "user_key": user(1),
        "prompt_text": f"{MARKER} PROMPT: my card number is 4111",
        "response_text": f"{MARKER} RESPONSE: noted your card",
        "_loaded_at": LOADED,
    }
    row.update(extra)
    return row


def product_event(event_id: str, event_type: str, user_n: int, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "event_id": event_id,
        "occurred_at": "2025-01-10 10:00:00",
        "user_key": user(user_n),
        "team_id": "team_a",
        "feature_name": "assistant",
        "is_ai_feature": True,
        "event_type": event_type,
    }
    row.update(extra)
    return row


def survey_answer(respondent_n: int, item_code: str, value: float, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "response_id": f"resp-{respondent_n}",
        "survey_id": "s2025q1",
        "wave": "2025-q1",
        "respondent_key": respondent(respondent_n),
        "team_id": "team_a",
        "submitted_at": "2025-01-15 10:00:00",
        "instrument": "psych_safety",
        "item_code": item_code,
        "response_value": value,
        "scale_min": 1.0,
        "scale_max": 5.0,
        "reverse_scored": False,
        "comment_text": f"{MARKER} COMMENT: my manager is respondent {respondent_n}",
    }
    row.update(extra)
    return row


RAW: dict[str, list[dict[str, Any]]] = {
    "teams": [{"team_id": "team_a", "team_name": "Team A"}],
    "service_ownership": [{"service_id": "svc_a", "team_id": "team_a", "valid_from": "2024-01-01 00:00:00"}],
    "people": [
        {"person_key": person(n), "team_id": "team_a", "role": "applied_ml", "joined_at": "2025-01-02 00:00:00"}
        for n in range(1, 4)
    ]
    + [
        # rejected (unknown team) and re-delivered rows carry keys too
        {"person_key": person(9), "team_id": "team_unknown", "role": "research", "joined_at": "2025-01-02 00:00:00"},
        {"person_key": person(1), "team_id": "team_a", "role": "applied_ml", "joined_at": "2025-01-02 00:00:00",
         "_loaded_at": "2025-01-01 00:00:00"},
    ],
    "changes": [
        {"change_id": "c1", "service_id": "svc_a", "first_commit_at": "2025-01-03 00:00:00", "author_key": person(1)},
        {"change_id": "c2", "service_id": "svc_a", "first_commit_at": "2025-01-04 00:00:00", "author_key": person(2)},
        {"change_id": "c_bad", "service_id": "svc_unknown", "first_commit_at": "2025-01-04 00:00:00",
         "author_key": person(3)},
    ],
    "deployments": [
        {"deployment_id": "d1", "service_id": "svc_a", "environment": "production", "artifact_type": "code",
         "started_at": "2025-01-05 00:00:00", "finished_at": "2025-01-05 01:00:00", "status": "success",
         "trigger": "pipeline"},
    ],
    "deployment_changes": [
        {"deployment_id": "d1", "change_id": "c1"},
        {"deployment_id": "d1", "change_id": "c2"},
    ],
    "incidents": [
        {"incident_id": "i1", "service_id": "svc_a", "severity": "sev3", "started_at": "2025-01-06 00:00:00",
         "detected_at": "2025-01-06 00:10:00", "resolved_at": "2025-01-06 02:00:00", "detection_source": "staff"},
    ],
    "llm_requests": [
        llm_request("r1", "2025-01-10 09:00:00"),
        llm_request("r2", "2025-01-11 09:00:00", user_key=user(2), eval_case_id="q1", retrieval_config_id="rc1"),
        llm_request("r3", "2025-01-12 09:00:00", status="refused", user_key=user(3)),
        # rejected (unknown team) and flagged (negative cost) rows with text
        llm_request("r_bad", "2025-01-12 09:00:00", team_id="team_unknown"),
        llm_request("r_flag", "2025-01-12 10:00:00", cost_usd=-1.0),
        # a re-delivered duplicate
        llm_request("r1", "2025-01-10 09:00:00", _loaded_at="2025-01-01 00:00:00",
                    prompt_text=f"{MARKER} OLDER PROMPT"),
    ],
    "llm_request_chunks": [
        {"request_id": "r2", "chunk_id": "k1", "kind": "cited"},
        {"request_id": "r2", "chunk_id": "k1", "kind": "retrieved"},
    ],
    "rag_eval_cases": [{"case_id": "q1", "suite": "rag_standard", "chunk_id": "k1"}],
    "llm_evaluations": [
        {"evaluation_id": "ev1", "request_id": "r1", "evaluated_at": "2025-01-10 12:00:00",
         "suite": "production_sample", "evaluation_name": "faithfulness", "score_value": 0.9, "passed": True,
         "evaluator_source": "automated"},
    ],
    "product_events": [
        product_event(f"pe{n}", "feature_use", n, request_id="r1") for n in range(1, 4)
    ]
    + [
        product_event("pe_active", "active", 4, feature_name="home", is_ai_feature=False),
        product_event("pe_conv", "conversion", 1, revenue_usd=12.5),
        product_event("pe_down", "downvote", 2, request_id="r2"),
        product_event("pe_bad", "not_a_type", 5),
    ],
    "survey_responses": [
        survey_answer(n, item, float(1 + (n + i) % 5))
        for n in range(1, 7)
        for i, item in enumerate(["ps1", "ps2"])
    ]
    + [
        # rejected: outside the scale
        survey_answer(7, "ps1", 9.0),
    ],
    "explainability_requests": [
        {"request_id": "x1", "team_id": "team_a", "requested_at": "2025-01-05 00:00:00"},
    ],
    "bias_audits": [
        {"audit_id": "a1", "team_id": "team_a", "model_name": "ranker", "audited_at": "2025-01-05 00:00:00",
         "findings_count": 1},
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("privacy")
    db_path = work / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    # seeds, then `run` to materialise every model (a failing data test elsewhere cannot skip a mart here)
    for command in (["seed"], ["run"]):
        result = run_dbt(command, db_path, work)
        assert not failures(result), failures(result)
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return db_path, manifest


def models_under(manifest: dict[str, Any], folder: str) -> list[dict[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["package_name"] == "ai_maturity"
        and node["original_file_path"].startswith(folder)
    ]


def marked_columns(db_path: Path, node: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The relation's columns, and those holding a marked value."""
    relation = f'"{node["schema"]}"."{node["alias"]}"'
    with duckdb.connect(str(db_path), read_only=True) as con:
        columns = [row[0] for row in con.execute(f"select * from {relation} limit 0").description]
        hits = [
            column
            for column in columns
            if fetch_one(
                con, f"select count(*) from {relation} where lower(cast(\"{column}\" as varchar)) like '%{MARKER}%'"
            )[0]
        ]
    return columns, hits


def test_the_dataset_reaches_the_marts(built: tuple[Path, dict[str, Any]]) -> None:
    """Guard against a vacuous pass: the marked rows feed the marts the search covers."""
    db_path, manifest = built
    marts = {node["alias"] for node in models_under(manifest, "models/marts/")}
    assert {"fct_governance_ethics", "fct_llm_usage", "fct_quarantined_rows", "fct_team_metrics"} <= marts
    with connect(db_path) as con:
        staged = fetch_one(
            con, "select count(*) from stg_ai_maturity_raw__llm_requests where user_key like '%zq7x%'"
        )[0]
        queries = fetch_one(
            con, "select sum(llm_queries) from fct_governance_ethics where team_id = 'team_a'"
        )[0]
        quarantined = fetch_one(con, "select count(*) from fct_quarantined_rows")[0]
    assert staged == 4  # r1 r2 r3 r_flag (r_bad rejected)
    assert queries == 4
    assert quarantined >= 7  # people x2, changes, llm x3, product event, survey


def test_no_mart_holds_text_or_person_keys(built: tuple[Path, dict[str, Any]]) -> None:
    db_path, manifest = built
    problems = []
    for node in models_under(manifest, "models/marts/"):
        columns, hits = marked_columns(db_path, node)
        named = sorted((TEXT_COLUMNS | KEY_COLUMNS) & {column.lower() for column in columns})
        if named:
            problems.append(f"{node['alias']}: columns named {named}")
        if hits:
            problems.append(f"{node['alias']}: raw text or person keys in {hits}")
    assert not problems, problems


def test_no_model_downstream_of_staging_holds_them(built: tuple[Path, dict[str, Any]]) -> None:
    db_path, manifest = built
    problems = []
    for node in models_under(manifest, "models/intermediate/"):
        columns, hits = marked_columns(db_path, node)
        named = sorted((TEXT_COLUMNS | KEY_COLUMNS) & {column.lower() for column in columns})
        if named or hits:
            problems.append(f"{node['alias']}: columns {named}, marked values in {hits}")
    assert not problems, problems


def test_only_base_models_read_the_text_columns(built: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = built
    readers = sorted(
        node["original_file_path"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and any(column in node.get("compiled_code", node["raw_code"]).lower() for column in TEXT_COLUMNS)
    )
    assert readers, "the base models select the text columns; the check found none"
    assert all(path.startswith("models/staging/ai_maturity_raw/base/") for path in readers), readers

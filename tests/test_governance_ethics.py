"""Governance & ethics, LLM and RAG (metrics.md §5) on a small hand-made dataset; every expected
value is worked out by hand in the comment beside it.

The dataset (month periods):
- team_a, feature `assistant`: an agent trace (agent + tool + streamed chat), single requests,
  a refused request, an error and its retry, flagged rows (negative cost, first token before the
  start, negative output tokens), a streamed one-token answer, a trace crossing into February and
  a staging request; feature `search`: RAG answers to the standard question q1.
- team_b: one offline evaluation in January and one request in February.
- explainability requests, bias audits (one in December 2024, so team_a's spine starts there),
  model deployments and model cards for team_a.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness import build_dataset, failures, query, run_dbt, team_period_row, write_raw_tables

LOADED = "2025-03-01 00:00:00"
GPT = "gpt-4o-2024-08-06"


def request(request_id: str, started_at: str, ended_at: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "request_id": request_id,
        "team_id": "team_a",
        "service_id": "svc_a",
        "feature_name": "assistant",
        "environment": "production",
        "operation_name": "chat",
        "provider_name": "openai",
        "request_model": "gpt-4o",
        "response_model": GPT,
        "prompt_hash": "ph1",
        "is_streaming": False,
        "started_at": started_at,
        "ended_at": ended_at,
        "input_tokens": 100,
        "output_tokens": 10,
        "cost_usd": 0.001,
        "status": "ok",
        "user_key": "user_1",
        "_loaded_at": LOADED,
    }
    row.update(extra)
    return row


def evaluation(evaluation_id: str, evaluated_at: str, suite: str, name: str, passed: bool, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "evaluation_id": evaluation_id,
        "evaluated_at": evaluated_at,
        "suite": suite,
        "evaluation_name": name,
        "score_value": 1.0 if passed else 0.0,
        "passed": passed,
        "evaluator_source": "automated",
        "_loaded_at": LOADED,
    }
    row.update(extra)
    return row


def deployment(deployment_id: str, finished_at: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "deployment_id": deployment_id,
        "service_id": "svc_a",
        "environment": "production",
        "artifact_type": "model",
        "model_name": "ranker",
        "started_at": finished_at,
        "finished_at": finished_at,
        "status": "success",
        "trigger": "pipeline",
    }
    row.update(extra)
    return row


RAW: dict[str, list[dict[str, Any]]] = {
    "teams": [
        {"team_id": "team_a", "team_name": "Team A"},
        {"team_id": "team_b", "team_name": "Team B"},
    ],
    "service_ownership": [
        {"service_id": "svc_a", "team_id": "team_a", "valid_from": "2024-01-01 00:00:00"},
        {"service_id": "svc_b", "team_id": "team_b", "valid_from": "2024-01-01 00:00:00"},
    ],
    "llm_requests": [
        # trace tr1: agent -> tool -> streamed chat, each with its own prompt hash
        request("a1", "2025-01-10 10:00:00", "2025-01-10 10:00:10", trace_id="tr1", operation_name="invoke_agent",
                prompt_hash="ph_agent", output_tokens=50, cost_usd=0.002),
        request("a2", "2025-01-10 10:00:01", "2025-01-10 10:00:02", trace_id="tr1", parent_request_id="a1",
                operation_name="execute_tool", prompt_hash="ph_tool", output_tokens=0, cost_usd=0.001),
        request("a3", "2025-01-10 10:00:02", "2025-01-10 10:00:04.400", trace_id="tr1", parent_request_id="a1",
                is_streaming=True, first_token_at="2025-01-10 10:00:02.400", output_tokens=101, cost_usd=0.03),
        # no trace_id: its own trace
        request("b1", "2025-01-11 09:00:00", "2025-01-11 09:00:01.200", is_streaming=True,
                first_token_at="2025-01-11 09:00:00.200", output_tokens=41, cost_usd=0.01),
        # trace tr3: a non-streamed answer (with a first token) and a refusal; environment folds to production
        request("c1", "2025-01-12 12:00:00", "2025-01-12 12:00:01.500", trace_id="tr3", environment="PRODUCTION",
                first_token_at="2025-01-12 12:00:00.800", output_tokens=200, cost_usd=0.02),
        request("c2", "2025-01-12 12:00:02", "2025-01-12 12:00:02.100", trace_id="tr3", status="refused",
                output_tokens=5, cost_usd=0.001),
        # trace tr4: an error without a response model, then a streamed retry (later downvoted)
        request("d1", "2025-01-13 08:00:00", "2025-01-13 08:00:30", trace_id="tr4", status="error",
                response_model=None, output_tokens=0, cost_usd=0.0),
        request("d2", "2025-01-13 08:00:31", "2025-01-13 08:00:34.300", trace_id="tr4", is_streaming=True,
                first_token_at="2025-01-13 08:00:31.300", output_tokens=61, cost_usd=0.02),
        # flagged rows: negative cost (null), first token before the start (null), negative output tokens (null)
        request("e1", "2025-01-14 08:00:00", "2025-01-14 08:00:02", trace_id="tr5", operation_name=None,
                output_tokens=30, cost_usd=-0.5),
        request("e2", "2025-01-15 08:00:00", "2025-01-15 08:00:02", is_streaming=True,
                first_token_at="2025-01-15 07:59:59", output_tokens=21, cost_usd=0.004),
        request("e3", "2025-01-16 08:00:00", "2025-01-16 08:00:02", is_streaming=True,
                first_token_at="2025-01-16 08:00:00.500", output_tokens=-5, cost_usd=0.003),
        # streamed one-token answer: a first token, but no latency per output token
        request("h1", "2025-01-18 08:00:00", "2025-01-18 08:00:00.150", is_streaming=True,
                first_token_at="2025-01-18 08:00:00.100", output_tokens=1, cost_usd=0.001),
        # trace tr6 crosses into February: it belongs to January (its first request)
        request("m1", "2025-01-31 23:59:50", "2025-01-31 23:59:58", trace_id="tr6", output_tokens=10, cost_usd=0.004),
        request("m2", "2025-02-01 00:00:05", "2025-02-01 00:00:09", trace_id="tr6", output_tokens=12, cost_usd=0.006),
        # RAG feature answering the standard question q1
        request("g1", "2025-01-20 10:00:00", "2025-01-20 10:00:02", feature_name="search", retrieval_config_id="rc1",
                eval_case_id="q1", output_tokens=80, cost_usd=0.005),
        request("g2", "2025-01-21 10:00:00", "2025-01-21 10:00:02", feature_name="search", eval_case_id="q1",
                output_tokens=60, cost_usd=0.005),
        # staging: out of every request metric, but its citations count
        request("s1", "2025-01-17 10:00:00", "2025-01-17 10:00:02", feature_name="search", environment="staging",
                retrieval_config_id="rc1", eval_case_id="q1", is_streaming=True,
                first_token_at="2025-01-17 10:00:00.100", output_tokens=500, cost_usd=1.0),
        # team_b in February
        request("tb1", "2025-02-05 10:00:00", "2025-02-05 10:00:01", team_id="team_b", service_id="svc_b",
                feature_name="summarise", output_tokens=10, cost_usd=0.05),
    ],
    "llm_request_chunks": [
        {"request_id": "g1", "chunk_id": "k1", "kind": "retrieved", "rank": 1},
        {"request_id": "g1", "chunk_id": "k2", "kind": "retrieved", "rank": 2},
        {"request_id": "g1", "chunk_id": "k3", "kind": "retrieved", "rank": 3},
        {"request_id": "g1", "chunk_id": "k9", "kind": "retrieved", "rank": 4},
        {"request_id": "g1", "chunk_id": "k1", "kind": "cited"},
        {"request_id": "g1", "chunk_id": "k2", "kind": "cited"},
        {"request_id": "g1", "chunk_id": "k9", "kind": "cited"},
        {"request_id": "g2", "chunk_id": "k1", "kind": "retrieved", "rank": 1},
        {"request_id": "s1", "chunk_id": "k8", "kind": "Cited"},
        # a chunk of an unknown request: rejected as an orphan
        {"request_id": "ghost", "chunk_id": "k1", "kind": "cited"},
    ],
    "rag_eval_cases": [
        {"case_id": "q1", "suite": "rag_standard", "chunk_id": chunk} for chunk in ["k1", "k2", "k3", "k4"]
    ],
    "llm_evaluations": [
        evaluation("ev1", "2025-01-10 12:00:00", "production_sample", "hallucination", False, request_id="a3"),
        evaluation("ev2", "2025-01-11 12:00:00", "production_sample", "hallucination", True, request_id="b1"),
        evaluation("ev3", "2025-01-12 13:00:00", "human_review", "hallucination", True, request_id="c1",
                   evaluator_source="human"),
        evaluation("ev4", "2025-01-11 13:00:00", "ci_release", "hallucination", False, request_id="b1"),
        evaluation("ev5", "2025-01-10 12:00:00", "production_sample", "faithfulness", True, request_id="a3",
                   score_value=0.8),
        # evaluated in February: February's faithfulness, still an evaluation of c1
        evaluation("ev6", "2025-02-02 09:00:00", "human_review", "faithfulness", True, request_id="c1",
                   score_value=0.6, evaluator_source="human"),
        evaluation("ev7", "2025-01-05 00:00:00", "adversarial", "toxicity", False, team_id="team_a",
                   feature_name="assistant"),
        evaluation("ev8", "2025-01-05 00:00:00", "adversarial", "pii_leak", True, team_id="team_a",
                   feature_name="assistant"),
        evaluation("ev9", "2025-01-20 12:00:00", "production_sample", "toxicity", True, request_id="g1"),
        evaluation("ev10", "2025-01-12 14:00:00", "production_sample", "refusal", False, request_id="c2",
                   is_legitimate_request=True),
        evaluation("ev11", "2025-01-06 00:00:00", "production_sample", "refusal", True, team_id="team_a",
                   feature_name="assistant", model_version=GPT, prompt_hash="ph1", is_legitimate_request=True),
        evaluation("ev12", "2025-01-06 00:00:00", "production_sample", "refusal", True, team_id="team_a",
                   feature_name="assistant", model_version=GPT, prompt_hash="ph1", is_legitimate_request=False),
        evaluation("ev13", "2025-01-13 12:00:00", "production_sample", "instruction_following", True, request_id="d2"),
        evaluation("ev14", "2025-01-20 12:00:00", "human_review", "instruction_following", False, request_id="g1",
                   evaluator_source="human"),
        # names team_b, but the request's team (team_a) wins
        evaluation("ev15", "2025-01-10 13:00:00", "production_sample", "hallucination", True, request_id="a3",
                   team_id="team_b"),
        evaluation("ev16", "2025-01-08 00:00:00", "production_sample", "hallucination", False, team_id="team_b",
                   feature_name="summarise", prompt_hash="ph_b"),
        # a score outside [0, 1]: rejected
        evaluation("ev_bad", "2025-01-10 12:00:00", "production_sample", "faithfulness", True, request_id="a3",
                   score_value=1.5),
    ],
    "product_events": [
        {"event_id": "pe1", "occurred_at": "2025-01-13 09:00:00", "user_key": "user_1", "team_id": "team_a",
         "feature_name": "assistant", "is_ai_feature": True, "event_type": "downvote", "request_id": "d2"},
        {"event_id": "pe2", "occurred_at": "2025-01-11 09:30:00", "user_key": "user_1", "team_id": "team_a",
         "feature_name": "assistant", "is_ai_feature": True, "event_type": "upvote", "request_id": "b1"},
    ],
    "explainability_requests": [
        {"request_id": "x1", "team_id": "team_a", "requested_at": "2025-01-05 00:00:00", "fulfilled_at": "2025-01-10 00:00:00"},
        {"request_id": "x2", "team_id": "team_a", "requested_at": "2025-01-06 00:00:00", "fulfilled_at": "2025-01-11 00:00:01"},
        {"request_id": "x3", "team_id": "team_a", "requested_at": "2025-01-07 00:00:00"},
        {"request_id": "x4", "team_id": "team_a", "requested_at": "2025-01-08 00:00:00", "fulfilled_at": "2025-01-07 00:00:00"},
        {"request_id": "x5", "team_id": "team_a", "requested_at": "2025-01-28 00:00:00", "fulfilled_at": "2025-02-01 00:00:00"},
    ],
    "bias_audits": [
        {"audit_id": "au1", "team_id": "team_a", "model_name": "ranker", "audited_at": "2024-12-20 10:00:00",
         "findings_count": 3, "remediated_at": "2025-01-04 22:00:00"},
        {"audit_id": "au5", "team_id": "team_a", "model_name": "ranker", "audited_at": "2025-01-02 00:00:00",
         "findings_count": 1, "remediated_at": "2025-01-09 12:00:00"},
        {"audit_id": "au2", "team_id": "team_a", "model_name": "ranker", "audited_at": "2025-01-15 00:00:00",
         "findings_count": 0, "remediated_at": "2025-01-16 00:00:00"},
        {"audit_id": "au3", "team_id": "team_a", "model_name": "ranker", "audited_at": "2025-01-20 12:00:00",
         "findings_count": 2, "remediated_at": "2025-02-10 00:00:00"},
        {"audit_id": "au4", "team_id": "team_a", "model_name": "ranker", "audited_at": "2025-01-25 00:00:00",
         "findings_count": 1, "remediated_at": "2025-01-24 00:00:00"},
    ],
    "deployments": [
        deployment("dep1", "2025-01-10 00:00:00", model_version="v1"),
        deployment("dep2", "2025-01-12 00:00:00", model_version="v1"),
        deployment("dep3", "2025-01-20 00:00:00", model_version="v2"),
        deployment("dep4", "2025-01-21 00:00:00", model_name="classifier", model_version="v7", environment="staging"),
        deployment("dep5", "2025-01-22 00:00:00", artifact_type="code"),
        deployment("dep6", "2025-01-23 00:00:00", model_version="v3", is_rollback=True),
        deployment("dep7", "2025-01-24 00:00:00", model_name="classifier", model_version="v8", status="cancelled"),
    ],
    "model_documentation": [
        {"model_name": "ranker", "model_version": "v1", "team_id": "team_a", "documented_at": "2025-01-09 00:00:00",
         "required_fields": 10, "completed_fields": 8},
        {"model_name": "ranker", "model_version": "v3", "team_id": "team_a", "documented_at": "2025-01-09 00:00:00",
         "required_fields": 10, "completed_fields": 10},
    ],
}

JAN, FEB, DEC = date(2025, 1, 1), date(2025, 2, 1), date(2024, 12, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # this cluster's models with their data and unit tests (and everything upstream), then the
    # long-form fct_team_metrics, which needs every cluster mart (built, not tested, here)
    return build_dataset(
        tmp_path_factory.mktemp("governance_ethics"),
        RAW,
        ["build", "--select", "+fct_governance_ethics", "+fct_llm_usage", "+fct_quarantined_rows",
         "--indirect-selection", "cautious"],
        ["build", "--select", "+fct_team_metrics", "--resource-type", "model", "--resource-type", "seed"],
    )


def mart_row(db_path: Path, team_id: str, period: date) -> dict[str, Any]:
    return team_period_row(db_path, "fct_governance_ethics", team_id, period)


def test_spine_rows(built: Path) -> None:
    rows = query(built, "select team_id, period_start from fct_governance_ethics order by 1, 2")
    # team_a's first event is the December 2024 audit; team_b's the January offline evaluation;
    # the data ends in February (m2, ev6, tb1, au3's remediation does not count as an event)
    assert [(r["team_id"], r["period_start"]) for r in rows] == [
        ("team_a", DEC), ("team_a", JAN), ("team_a", FEB), ("team_b", JAN), ("team_b", FEB),
    ]


def test_llm_request_metrics_team_a_january(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # queries: tr1, b1, tr3, tr4, tr5, e2, e3, h1, tr6 (first request m1 in January), g1, g2; s1 is staging
    assert row["llm_queries"] == 11
    # every request of every trace: tr1 .002+.001+.03, b1 .01, tr3 .02+.001, tr4 0+.02, tr5 null (flagged),
    # e2 .004, e3 .003, h1 .001, tr6 .004+.006 (m2 in February still counts for its trace), g1 .005, g2 .005
    assert row["cost_per_query_usd"] == pytest.approx(0.112 / 11)
    assert row["cost_per_query_usd_n"] == 11
    # ok chat/text_completion/null-operation requests: a3 101, b1 41, c1 200, d2 61, e1 30, e2 21, h1 1, m1 10,
    # g1 80, g2 60 (a1 agent and a2 tool left out, e3's negative count is null) -> 605 / 10
    assert row["tokens_per_response"] == pytest.approx(60.5)
    assert row["tokens_per_response_n"] == 10
    # ok, streaming, output_tokens > 1, with a first token: a3 2000/100 = 20, b1 1000/40 = 25, d2 3000/60 = 50
    # (e2's first token is null, e3's token count is null, h1 has one token) -> median 25
    assert row["latency_per_output_token_ms_p50"] == pytest.approx(25.0)
    assert row["latency_per_output_token_ms_p50_n"] == 3
    # first token of ok requests: h1 100, b1 200, d2 300, a3 400, e3 500 (its token count is spoiled, not its
    # clock), c1 800 (non-streaming counts; e2's is null); p95 at position 5 * 0.95 = 4.75
    # -> 500 + 0.75 * (800 - 500) = 725
    assert row["time_to_first_token_ms_p95"] == pytest.approx(725.0)
    assert row["time_to_first_token_ms_p95_n"] == 6
    # in-scope January requests by started_at: a1 a2 a3 b1 c1 c2 d1 d2 e1 e2 e3 h1 m1 g1 g2 = 15
    # refused: c2
    assert row["refusal_rate"] == pytest.approx(1 / 15)
    assert row["refusal_rate_n"] == 15
    # evaluated (any suite, any time): a3 b1 c1 c2 d2 g1
    assert row["evaluation_coverage"] == pytest.approx(6 / 15)
    assert row["evaluation_coverage_n"] == 15
    # missing ids: d1 (no response model or version), g2 (chunks but no retrieval config)
    assert row["trace_id_coverage"] == pytest.approx(13 / 15)
    assert row["trace_id_coverage_n"] == 15


def test_cost_per_useful_token(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # cost of January's in-scope requests: .002 .001 .03 .01 .02 .001 0 .02 (e1 null) .004 .003 .001 .004 .005 .005
    # = 0.106; useful = ok, no failed evaluation, no downvote: a1 50, a2 0, c1 200, e1 30, e2 21, h1 1, m1 10,
    # g2 60 = 372 (a3 ev1 failed, b1 ev4 ci_release failed, d2 downvoted, g1 ev14 failed, e3 null, c2 refused)
    assert row["cost_per_useful_token_usd"] == pytest.approx(0.106 / 372)
    assert row["cost_per_useful_token_usd_n"] == 372
    feb = mart_row(built, "team_a", FEB)
    # m2 alone: 0.006 over its 12 tokens; no query starts in February
    assert feb["cost_per_useful_token_usd"] == pytest.approx(0.0005)
    assert feb["cost_per_useful_token_usd_n"] == 12
    assert feb["llm_queries"] == 0
    assert feb["cost_per_query_usd"] is None
    assert feb["refusal_rate_n"] == 1


def test_evaluation_metrics(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # production_sample/human_review hallucination: ev1 failed, ev2, ev3, ev15 (team of its request) passed;
    # ev4 is ci_release
    assert row["hallucination_rate"] == pytest.approx(0.25)
    assert row["hallucination_rate_n"] == 4
    # legitimate refusal evaluations: ev10 failed, ev11 passed (ev12 not legitimate)
    assert row["unwarranted_refusal_rate"] == pytest.approx(0.5)
    assert row["unwarranted_refusal_rate_n"] == 2
    # toxicity/pii_leak, every suite: ev7 failed (adversarial), ev8 (adversarial) and ev9 passed
    assert row["safety_pass_rate"] == pytest.approx(2 / 3)
    assert row["safety_pass_rate_n"] == 3
    # faithfulness in January: ev5 0.8 (ev6 is February's; ev_bad was rejected)
    assert row["faithfulness_mean"] == pytest.approx(0.8)
    assert row["faithfulness_mean_n"] == 1
    # instruction following: ev13 passed, ev14 failed
    assert row["instruction_following_rate"] == pytest.approx(0.5)
    assert row["instruction_following_rate_n"] == 2
    feb = mart_row(built, "team_a", FEB)
    assert feb["faithfulness_mean"] == pytest.approx(0.6)
    assert feb["hallucination_rate"] is None
    assert feb["hallucination_rate_n"] == 0
    team_b = mart_row(built, "team_b", JAN)
    # ev16, offline with its own team
    assert team_b["hallucination_rate"] == 1.0
    assert team_b["llm_queries"] == 0
    assert team_b["refusal_rate"] is None


def test_citation_metrics(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # q1 relevant {k1 k2 k3 k4}: g1 cites {k1 k2 k9} -> p 2/3, r 2/4; g2 cites nothing -> uncited, r 0;
    # s1 (staging counts here) cites {k8} -> p 0, r 0
    assert row["citation_precision"] == pytest.approx((2 / 3 + 0) / 2)
    assert row["citation_precision_n"] == 2
    assert row["citation_recall"] == pytest.approx((0.5 + 0 + 0) / 3)
    assert row["citation_recall_n"] == 3
    assert row["uncited_answers"] == 1


def test_governance_metrics(built: Path) -> None:
    row = mart_row(built, "team_a", JAN)
    # x1 exactly 5 days (in), x2 5 days + 1 s (late), x3 unfulfilled, x4 bad clock (left out), x5 4 days
    assert row["explainability_requests"] == 5
    assert row["explainability_fulfilment_rate"] == pytest.approx(2 / 4)
    assert row["explainability_fulfilment_rate_n"] == 4
    # last audit on or before Jan 31: au4 on Jan 25 -> 6 days
    assert row["days_since_bias_audit"] == 6
    # remediated in January with findings: au1 15.5 days, au5 7.5 days (au2 has no findings, au4 a bad clock)
    assert row["bias_remediation_median_days"] == pytest.approx(11.5)
    assert row["bias_remediation_median_days_n"] == 2
    # model versions deployed to production: ranker v1 (twice, 8/10), ranker v2 (undocumented, 0);
    # staging, code, rollback and cancelled deployments left out
    assert row["documentation_completeness"] == pytest.approx(0.4)
    assert row["documentation_completeness_n"] == 2
    dec = mart_row(built, "team_a", DEC)
    # au1 on Dec 20 -> 11 days to Dec 31
    assert dec["days_since_bias_audit"] == 11
    assert dec["explainability_requests"] == 0
    assert dec["explainability_fulfilment_rate"] is None
    assert dec["documentation_completeness"] is None
    feb = mart_row(built, "team_a", FEB)
    # Jan 25 -> Feb 28
    assert feb["days_since_bias_audit"] == 34
    # au3: Jan 20 12:00 -> Feb 10 00:00 = 20.5 days
    assert feb["bias_remediation_median_days"] == pytest.approx(20.5)
    assert mart_row(built, "team_b", FEB)["days_since_bias_audit"] is None


def usage_rows(db_path: Path, where: str) -> list[dict[str, Any]]:
    return query(db_path, f"select * from fct_llm_usage where {where}")


def test_llm_usage_per_scenario(built: Path) -> None:
    rows = usage_rows(
        built,
        f"team_id = 'team_a' and period_start = date '2025-01-01' and feature_name = 'assistant' "
        f"and response_model = '{GPT}' and prompt_hash = 'ph1' and retrieval_config_id is null",
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["model_version"] == GPT  # no model_version delivered: the response model
    # requests: a3 b1 c1 c2 d2 e1 e2 e3 h1 m1 (a1, a2 other prompts; d1 no response model)
    assert row["llm_requests"] == 10
    # queries whose first request is here: b1, tr3 (c1), tr5 (e1), e2, e3, h1, tr6 (m1)
    assert row["llm_queries"] == 7
    # .01 + .021 + null + .004 + .003 + .001 + .01 = .049
    assert row["cost_per_query_usd"] == pytest.approx(0.049 / 7)
    assert row["refusal_rate"] == pytest.approx(0.1)
    assert row["llm_error_rate"] == 0.0
    # ev1 failed, ev2, ev3, ev15 passed
    assert row["hallucination_rate"] == pytest.approx(0.25)
    assert row["faithfulness_mean"] == pytest.approx(0.8)
    # a3, b1, c1, c2, d2 evaluated
    assert row["evaluation_coverage"] == pytest.approx(0.5)
    assert row["latency_per_output_token_ms_p50"] == pytest.approx(25.0)
    # a3 101, b1 41, c1 200, d2 61, e1 30, e2 21, h1 1, m1 10 -> 465 / 8
    assert row["tokens_per_response"] == pytest.approx(465 / 8)


def test_llm_usage_trace_cost_goes_to_the_leading_request(built: Path) -> None:
    agent = usage_rows(built, "prompt_hash = 'ph_agent'")
    # tr1 starts with the agent call: the whole trace's cost, .033, is its query's
    assert [(r["llm_queries"], r["llm_requests"]) for r in agent] == [(1, 1)]
    assert agent[0]["cost_per_query_usd"] == pytest.approx(0.033)
    tool = usage_rows(built, "prompt_hash = 'ph_tool'")
    assert [(r["llm_queries"], r["llm_requests"], r["cost_per_query_usd"]) for r in tool] == [(0, 1, None)]
    # d1: error without a response model -> its requested model, no provenance model version; tr4 starts here
    error = usage_rows(built, "response_model = 'gpt-4o'")
    assert [(r["model_version"], r["llm_requests"], r["llm_error_rate"], r["llm_queries"]) for r in error] == [
        (None, 1, 1.0, 1)
    ]
    assert error[0]["cost_per_query_usd"] == pytest.approx(0.02)


def test_llm_usage_february_and_offline_rows(built: Path) -> None:
    feb = usage_rows(built, "team_id = 'team_a' and period_start = date '2025-02-01'")
    # m2 (no query of its own) and ev6 (evaluation of c1, evaluated in February) share one row
    assert len(feb) == 1
    assert (feb[0]["llm_requests"], feb[0]["llm_queries"], feb[0]["faithfulness_mean"]) == (1, 0, pytest.approx(0.6))
    # ev11/ev12: offline production_sample evaluations without a request -> a row of their own
    offline = usage_rows(built, "team_id = 'team_a' and response_model is null")
    assert [(r["feature_name"], r["model_version"], r["prompt_hash"], r["llm_requests"]) for r in offline] == [
        ("assistant", GPT, "ph1", 0)
    ]
    # no staging traffic anywhere
    assert usage_rows(built, "llm_requests > 0 and cost_per_query_usd >= 1") == []
    keys = query(built, "select count(*) as n, count(distinct llm_usage_id) as d from fct_llm_usage")[0]
    assert keys["n"] == keys["d"]


def test_bad_llm_input_is_flagged_or_rejected(built: Path) -> None:
    rows = query(
        built,
        "select source_table, row_key, issue_type, reason from fct_quarantined_rows "
        "where source_table in ('llm_requests', 'llm_request_chunks', 'llm_evaluations') order by 1, 2",
    )
    found = {(r["source_table"], r["row_key"]): (r["issue_type"], r["reason"]) for r in rows}
    assert found[("llm_requests", "e1")] == ("flagged", "negative_cost")
    assert found[("llm_requests", "e2")] == ("flagged", "bad_clock:first_token_at_before_started_at")
    assert found[("llm_requests", "e3")] == ("flagged", "negative_tokens:output_tokens")
    assert found[("llm_request_chunks", "ghost|k1|cited")] == ("rejected", "unknown_request")
    assert found[("llm_evaluations", "ev_bad")] == ("rejected", "score_out_of_range")
    assert len(found) == 5
    # flagged rows stay staged with the spoiled field null
    staged = query(built, "select request_id, cost_usd, first_token_at, output_tokens "
                          "from stg_ai_maturity_raw__llm_requests where request_id in ('e1', 'e2', 'e3') "
                          "order by request_id")
    assert [r["request_id"] for r in staged] == ["e1", "e2", "e3"]
    assert staged[0]["cost_usd"] is None
    assert staged[1]["first_token_at"] is None
    assert staged[2]["output_tokens"] is None


def test_team_metrics_carry_the_cluster(built: Path) -> None:
    rows = query(
        built,
        "select metric_name, metric_value, unit, sample_size from fct_team_metrics "
        "where team_id = 'team_a' and period_start = date '2025-01-01' and cluster = 'governance_ethics'",
    )
    by_name = {r["metric_name"]: r for r in rows}
    assert len(by_name) == 22
    assert by_name["cost_per_query_usd"]["metric_value"] == pytest.approx(0.112 / 11)
    assert (by_name["cost_per_query_usd"]["unit"], by_name["cost_per_query_usd"]["sample_size"]) == ("usd", 11)
    assert (by_name["uncited_answers"]["metric_value"], by_name["uncited_answers"]["sample_size"]) == (1, None)
    assert by_name["days_since_bias_audit"]["unit"] == "days"


def test_switched_off_tables_give_null_metrics(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    result = run_dbt(
        ["build", "--select", "+fct_governance_ethics", "+fct_llm_usage", "--indirect-selection", "cautious"],
        db_path,
        tmp_path,
        dbt_vars={"ai_maturity__product_events_enabled": False, "ai_maturity__model_documentation_enabled": False,
                  "ai_maturity__rag_eval_cases_enabled": False},
    )
    assert not failures(result), failures(result)
    row = mart_row(db_path, "team_a", JAN)
    # downvotes unknown -> no cost per useful token; no model cards -> no completeness (not 0)
    for column in ["cost_per_useful_token_usd", "cost_per_useful_token_usd_n", "documentation_completeness",
                   "documentation_completeness_n", "citation_precision", "citation_recall", "uncited_answers"]:
        assert row[column] is None, column
    # the rest is unchanged
    assert row["llm_queries"] == 11
    assert row["hallucination_rate"] == pytest.approx(0.25)

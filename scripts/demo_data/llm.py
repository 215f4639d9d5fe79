"""LLM and RAG events following the OpenTelemetry gen_ai conventions: requests (single calls,
RAG calls with an embeddings step, `invoke_agent` traces with `execute_tool` / `chat` children),
retrieved / cited chunks, the standard RAG question set, sampled evaluations, and the up/down
votes users give on answers (returned for product_events)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import DAY, END, HOUR, MINUTE, N_MONTHS, Ctx, daily_load_time, hex_tokens, month_end, month_start, seq_ids, ts
from .product import Usage
from .profiles import (
    EMBEDDING_MODEL,
    INCIDENT_SCENARIO,
    LLM_FEATURES,
    MODELS,
    PROMPT_HASHES,
    TEAMS,
    LlmFeatureSpec,
)

MS = 1000  # microseconds per millisecond


@dataclass
class LlmResult:
    requests: pd.DataFrame
    chunks: pd.DataFrame
    rag_eval_cases: pd.DataFrame
    evaluations: pd.DataFrame
    votes: pd.DataFrame  # product_events rows (upvote / downvote)


def _timeline_lookup(timeline: tuple[tuple[str, str], ...], t: np.ndarray) -> np.ndarray:
    starts = np.array([ts(a) for a, _ in timeline], dtype=np.int64)
    values = np.array([v for _, v in timeline], dtype=object)
    return values[np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(values) - 1)]


_PROMPTS = (
    "how do I change the delivery address of my order",
    "summarise the attached invoice and list the line items",
    "write a product description for a refurbished espresso machine",
    "why was my refund declined",
    "find the runbook for a saturated message queue",
    "compare the two cheapest flights next friday",
    "what is our policy on expense approvals above 5000 EUR",
    "suggest a gift under 40 EUR for a cyclist",
)
_RESPONSES = (
    "here are the steps you can follow",
    "based on the retrieved documents, the answer is",
    "I called the inventory tool and found three options",
    "the invoice contains the following items",
    "I can't help with that request",
)


def _rag_corpus(feature: LlmFeatureSpec) -> np.ndarray:
    short = "".join(w[0] for w in feature.feature_name.split("_"))
    return np.array([f"kb-{short}-{d:04d}#{c:02d}" for d in range(300) for c in range(6)], dtype=object)


def build_rag_cases(ctx: Ctx) -> tuple[pd.DataFrame, dict[str, dict[str, list[str]]]]:
    rows = []
    cases: dict[str, dict[str, list[str]]] = {}
    for f in LLM_FEATURES:
        if not f.rag_suite:
            continue
        rng = ctx.rng("rag_cases", f.feature_name)
        corpus = _rag_corpus(f)
        cases[f.feature_name] = {}
        for i in range(1, f.rag_cases + 1):
            case_id = f"{f.rag_suite}-q{i:03d}"
            relevant = sorted(rng.choice(corpus, size=int(rng.integers(2, 5)), replace=False).tolist())
            cases[f.feature_name][case_id] = relevant
            rows += [(case_id, f.rag_suite, c) for c in relevant]
    df = pd.DataFrame(rows, columns=["case_id", "suite", "chunk_id"])
    df["_loaded_at"] = ts("2025-01-02 02:00:00")
    return df, cases


# ---------------------------------------------------------------------------------------------
def _feature_month(ctx: Ctx, f: LlmFeatureSpec, m: int, usage: Usage) -> pd.DataFrame:
    """Request rows of one feature × month (production traffic)."""
    rng = ctx.rng("llm", f.feature_name, m)
    n_tr = max(1, int(round(f.traces_per_month * ctx.size.volume * rng.uniform(0.95, 1.05))))
    ms, me = month_start(m), month_end(m)
    t0 = np.sort(rng.integers(ms, me - HOUR, size=n_tr))
    users = usage.feature_users[(f.feature_name, m)]
    user_idx = rng.choice(users, size=n_tr)
    if f.pattern == "mixed":
        kind = np.where(rng.random(n_tr) < 0.5, "agent", "chat")
    else:
        kind = np.full(n_tr, f.pattern, dtype=object)
    names = [n for n, _ in f.models]
    weights = np.array([w for _, w in f.models])
    model = rng.choice(np.array(names, dtype=object), size=n_tr, p=weights / weights.sum())
    statuses = np.array([s for s, _ in f.status_rates], dtype=object)
    srates = np.array([r for _, r in f.status_rates])
    main_status = rng.choice(statuses, size=n_tr, p=srates / srates.sum())
    version = _timeline_lookup(f.prompt_timeline, t0)
    retrieval_cfg = _timeline_lookup(f.retrieval_timeline, t0) if f.retrieval_timeline else np.full(n_tr, None, dtype=object)
    has_embed = (kind == "rag") & (rng.random(n_tr) < 0.3)
    n_tools = np.where(kind == "agent", rng.integers(1, 4, n_tr), 0)
    n_chats = np.where(kind == "agent", rng.integers(1, 3, n_tr), 0)
    n_req = np.where(kind == "agent", 1 + n_tools + n_chats, 1 + has_embed.astype(int))
    tr = np.repeat(np.arange(n_tr), n_req)
    offsets = np.repeat(np.cumsum(n_req) - n_req, n_req)
    pos = np.arange(len(tr)) - offsets
    k = kind[tr]
    op = np.full(len(tr), "chat", dtype=object)
    op[(k == "completion")] = "text_completion"
    op[(k == "rag") & has_embed[tr] & (pos == 0)] = "embeddings"
    op[(k == "agent") & (pos == 0)] = "invoke_agent"
    op[(k == "agent") & (pos >= 1) & (pos <= n_tools[tr])] = "execute_tool"
    is_main = np.where(k == "agent", pos == 0, pos == n_req[tr] - 1)
    n = len(tr)
    req_model = model[tr].copy()
    req_model[op == "embeddings"] = EMBEDDING_MODEL
    spec_in = np.array([MODELS[x].usd_per_m_input for x in req_model])
    spec_out = np.array([MODELS[x].usd_per_m_output for x in req_model])
    ttft_ms = np.array([MODELS[x].ttft_ms for x in req_model]) * rng.lognormal(0, 0.25, n)
    per_tok = np.array([MODELS[x].ms_per_output_token for x in req_model]) * rng.uniform(0.8, 1.2, n)
    reasoning_model = np.array([MODELS[x].reasoning for x in req_model])
    # status: the trace's outcome on its main request; children mostly fine
    status = np.where(is_main, main_status[tr], np.where(rng.random(n) < 0.01, "error", "ok"))
    status[op == "invoke_agent"] = main_status[tr][op == "invoke_agent"]
    generating = np.isin(op, ["chat", "text_completion"])
    input_mean = {"rag": 2600, "chat": 700, "completion": 1800, "agent": 1300}
    in_mu = np.array([input_mean[x] for x in k], dtype=float)
    input_tokens = np.where(generating, np.rint(rng.lognormal(np.log(in_mu), 0.35)), 0)
    input_tokens = np.where(op == "embeddings", rng.integers(12, 80, n), input_tokens).astype(np.int64)
    out_mean = np.where(k == "completion", 180.0, 280.0)
    output_tokens = np.where(generating, np.rint(rng.lognormal(np.log(out_mean), 0.45)) + 2, 0).astype(np.int64)
    output_tokens = np.where(status == "refused", rng.integers(12, 40, n), output_tokens)
    output_tokens = np.where(np.isin(status, ["error", "timeout", "filtered"]), 0, output_tokens)
    reasoning = np.where(reasoning_model & generating & (output_tokens > 0),
                         np.rint(output_tokens * rng.uniform(0.8, 2.5, n)), 0).astype(np.int64)
    cache = np.where(generating & (rng.random(n) < 0.35), np.rint(input_tokens * rng.uniform(0.3, 0.7, n)), 0).astype(np.int64)
    cost = ((input_tokens - cache) * spec_in + cache * spec_in * 0.1 + (output_tokens + reasoning) * spec_out) / 1e6
    cost = np.where(np.isin(status, ["error"]) & generating, cost * 0.0, cost)
    # durations (ms) and sequential timing inside a trace
    dur_ms = np.where(generating, ttft_ms + output_tokens * per_tok, 0.0)
    dur_ms = np.where(op == "embeddings", rng.uniform(40, 200, n), dur_ms)
    dur_ms = np.where(op == "execute_tool", rng.uniform(80, 1500, n), dur_ms)
    dur_ms = np.where(status == "timeout", 30_000.0, dur_ms)
    dur_ms = np.where(status == "error", rng.uniform(100, 2000, n), dur_ms)
    dur_us = (dur_ms * MS).astype(np.int64) + MS
    child_dur = np.where(op == "invoke_agent", 0, dur_us + 20 * MS)
    cum = pd.Series(child_dur).groupby(tr).cumsum().to_numpy() - child_dur
    start = t0[tr] + np.where(op == "invoke_agent", 0, cum + np.where(k == "agent", 30 * MS, 0))
    trace_end = pd.Series(start + dur_us).groupby(tr).transform("max").to_numpy()
    ended = np.where(op == "invoke_agent", trace_end + 25 * MS, start + dur_us)
    streaming = generating & is_main & (rng.random(n) < f.streaming_share)
    # every chat / completion call of a streaming feature streams when the trace's main one does
    first_token = np.where(streaming & np.isin(status, ["ok", "refused"]), start + (ttft_ms * MS).astype(np.int64), -1)
    spec_models = [MODELS[x] for x in req_model]
    response_model = np.array([s.response_model for s in spec_models], dtype=object)
    model_version = np.array([s.model_version for s in spec_models], dtype=object)
    missing = rng.random(n) < f.model_version_missing_share
    no_response = np.isin(status, ["error", "timeout"])
    # numpy's stubs reject None as np.where's x or y (a null in an object array): the ignores below
    response_model = np.where(no_response | missing, None, response_model)  # type: ignore[call-overload]
    model_version = np.where(missing, None, model_version)  # type: ignore[call-overload]
    finish = np.where(status == "ok", np.where(op == "invoke_agent", "stop", np.where(  # type: ignore[call-overload]
        (k == "agent") & (op == "chat") & (pos < n_req[tr] - 1), "tool_calls", "stop")), None)
    finish = np.where(status == "refused", "stop", finish)
    finish = np.where(status == "filtered", "content_filter", finish)
    finish = np.where(op == "execute_tool", None, finish)  # type: ignore[call-overload]
    error_type = np.where(status == "error", rng.choice(np.array(["rate_limit_exceeded", "server_error", "invalid_request"],  # type: ignore[call-overload]
                                                                  dtype=object), size=n, p=[0.5, 0.4, 0.1]), None)
    error_type = np.where(status == "timeout", "timeout", error_type)
    env = np.where(rng.random(n_tr) < f.null_environment_share, None, "production")[tr]  # type: ignore[call-overload]
    versions = version[tr]
    hashes = np.array([PROMPT_HASHES[(f.feature_name, v)] for v in versions], dtype=object)
    day = (t0 // DAY)[tr]
    frame = pd.DataFrame({
        "trace_idx": tr, "pos": pos, "is_main": is_main, "kind": k,
        "team_id": f.team_id, "service_id": f.service_id, "feature_name": f.feature_name,
        "environment": env, "operation_name": op,
        "provider_name": [s.provider_name for s in spec_models], "request_model": req_model,
        "response_model": response_model, "model_version": model_version,
        "prompt_name": f.feature_name, "prompt_version": versions, "prompt_hash": hashes,
        # numpy's stubs reject None as np.where's x or y (a null in an object array): the ignores below
        "retrieval_config_id": np.where(np.isin(op, ["chat", "embeddings"]) & (k == "rag"), retrieval_cfg[tr], None),  # type: ignore[call-overload]
        "is_streaming": np.where(generating, streaming, None),
        "started_at": start, "first_token_at": first_token, "ended_at": ended,
        "input_tokens": input_tokens, "output_tokens": output_tokens,
        "cache_read_input_tokens": np.where(generating, cache, None),  # type: ignore[call-overload]
        "reasoning_output_tokens": np.where(reasoning_model & generating, reasoning, None),  # type: ignore[call-overload]
        "cost_usd": np.round(cost, 8), "status": status, "finish_reason": finish, "error_type": error_type,
        "user_idx": user_idx[tr], "day": day, "month": m, "eval_case_id": None,
    })
    return frame


def _harness_requests(ctx: Ctx, f: LlmFeatureSpec, cases: dict[str, list[str]]) -> pd.DataFrame:
    """Monthly run of the standard question set against the live prompt (environment staging)."""
    rows = []
    rng = ctx.rng("harness", f.feature_name)
    model = f.models[0][0]
    spec = MODELS[model]
    for m in range(N_MONTHS):
        run_at = month_start(m) + 2 * DAY + 6 * HOUR
        for i, case_id in enumerate(sorted(cases)):
            t = run_at + i * 20 * US_PER_S
            version = _timeline_lookup(f.prompt_timeline, np.array([t]))[0]
            cfg = _timeline_lookup(f.retrieval_timeline, np.array([t]))[0]
            inp, out = int(rng.integers(1800, 3200)), int(rng.integers(120, 400))
            ttft = spec.ttft_ms * rng.uniform(0.8, 1.3)
            dur = ttft + out * spec.ms_per_output_token
            rows.append({
                "trace_idx": -1, "pos": 0, "is_main": True, "kind": "rag", "team_id": f.team_id,
                "service_id": f.service_id, "feature_name": f.feature_name, "environment": "staging",
                "operation_name": "chat", "provider_name": spec.provider_name, "request_model": model,
                "response_model": spec.response_model, "model_version": spec.model_version,
                "prompt_name": f.feature_name, "prompt_version": version,
                "prompt_hash": PROMPT_HASHES[(f.feature_name, version)], "retrieval_config_id": cfg,
                "is_streaming": False, "started_at": t, "first_token_at": -1, "ended_at": t + int(dur * MS),
                "input_tokens": inp, "output_tokens": out, "cache_read_input_tokens": 0,
                "reasoning_output_tokens": None,
                "cost_usd": round((inp * spec.usd_per_m_input + out * spec.usd_per_m_output) / 1e6, 8),
                "status": "ok", "finish_reason": "stop", "error_type": None, "user_idx": -1, "day": t // DAY,
                "month": m, "eval_case_id": case_id,
            })
    return pd.DataFrame(rows)


US_PER_S = 1_000_000


# ---------------------------------------------------------------------------------------------
def _chunks(ctx: Ctx, req: pd.DataFrame, cases: dict[str, dict[str, list[str]]]) -> pd.DataFrame:
    frames = []
    for f in LLM_FEATURES:
        if f.pattern != "rag":
            continue
        rng = ctx.rng("chunks", f.feature_name)
        corpus = _rag_corpus(f)
        mine = req[(req["feature_name"] == f.feature_name) & (req["operation_name"] == "chat")]
        prod = mine[mine["eval_case_id"].isna()]
        logged = prod[rng.random(len(prod)) < f.chunk_log_share]
        k = 5
        ids = np.repeat(logged["request_id"].to_numpy(), k)
        chunk = rng.choice(corpus, size=len(ids))
        rank = np.tile(np.arange(1, k + 1), len(logged))
        frames.append(pd.DataFrame({"request_id": ids, "chunk_id": chunk, "kind": "retrieved", "rank": rank}))
        ok = logged["status"].to_numpy() == "ok"
        n_cited = np.where(ok, rng.integers(1, 3, len(logged)), 0)
        cid = np.repeat(logged["request_id"].to_numpy(), n_cited)
        cite_rank = np.concatenate([np.arange(1, c + 1) for c in n_cited]) if len(cid) else np.array([], dtype=int)
        # cite among the first retrieved chunks of the same request
        base = np.repeat(np.arange(len(logged)) * k, n_cited)
        cited_chunk = chunk[base + cite_rank - 1] if len(cid) else np.array([], dtype=object)
        frames.append(pd.DataFrame({"request_id": cid, "chunk_id": cited_chunk, "kind": "cited", "rank": cite_rank}))
        # harness requests: quality of retrieval and citation per the team's design
        harness = mine[mine["eval_case_id"].notna()]
        rows = []
        uncited_per_month = {}
        for h in harness.itertuples():
            if h.month not in uncited_per_month:
                uncited_per_month[h.month] = h.eval_case_id if rng.random() < 1.0 else None
            relevant = cases[f.feature_name][h.eval_case_id]
            found = [c for c in relevant if rng.random() < f.citation_quality]
            fill = [c for c in rng.choice(corpus, size=8, replace=False).tolist() if c not in relevant]
            retrieved = (found + fill)[:6]
            order = rng.permutation(len(retrieved))
            retrieved = [retrieved[i] for i in order]
            rows += [(h.request_id, c, "retrieved", r + 1) for r, c in enumerate(retrieved)]
            if uncited_per_month[h.month] == h.eval_case_id:
                continue  # an answer that cites nothing
            cited = [c for c in retrieved if c in relevant and rng.random() < f.citation_quality]
            extra = [c for c in retrieved if c not in relevant][:1] if rng.random() > f.citation_quality else []
            cited = cited + extra or retrieved[:1]
            rows += [(h.request_id, c, "cited", r + 1) for r, c in enumerate(cited)]
        frames.append(pd.DataFrame(rows, columns=["request_id", "chunk_id", "kind", "rank"]))
    df = pd.concat(frames, ignore_index=True)
    df = df.drop_duplicates(["request_id", "chunk_id", "kind"], keep="first").reset_index(drop=True)
    return df


# ---------------------------------------------------------------------------------------------
_NAMES = {
    "rag": ("faithfulness", "hallucination", "answer_relevancy", "toxicity", "pii_leak"),
    "chat": ("hallucination", "answer_relevancy", "toxicity", "pii_leak"),
    "completion": ("hallucination", "instruction_following", "toxicity", "pii_leak"),
    "agent": ("instruction_following", "hallucination", "toxicity", "pii_leak"),
}
_HUMAN_NAMES: dict[str, tuple[str, ...]] = {
    "rag": ("faithfulness", "hallucination"), "chat": ("hallucination", "instruction_following"),
    "completion": ("hallucination", "instruction_following"),
    "agent": ("hallucination", "instruction_following"),
}
_EVALUATOR = {"faithfulness": "ragas_faithfulness", "hallucination": "llm_judge_gpt-4o",
              "answer_relevancy": "ragas_answer_relevancy", "toxicity": "detoxify", "pii_leak": "presidio",
              "instruction_following": "llm_judge_gpt-4o", "refusal": "refusal_classifier"}


def _eval_rows(mains: pd.DataFrame, names_by_kind: dict[str, tuple[str, ...]], suite: str, source: str,
               lag: np.ndarray) -> pd.DataFrame:
    if len(mains) == 0:
        return pd.DataFrame()
    counts = np.array([len(names_by_kind[k]) for k in mains["kind"]], dtype=int)
    rep = mains.loc[mains.index.repeat(counts)].reset_index(drop=True)
    rep["evaluation_name"] = np.concatenate([names_by_kind[k] for k in mains["kind"]])
    rep["suite"] = suite
    rep["evaluator_source"] = source
    month_cap = np.minimum(np.array([month_end(int(m)) for m in rep["month"]], dtype=np.int64), END) - MINUTE
    rep["evaluated_at"] = np.minimum(rep["ended_at"].to_numpy() + np.repeat(lag, counts), month_cap)
    return rep


def _evaluations(ctx: Ctx, req: pd.DataFrame) -> pd.DataFrame:
    frames = []
    cols = ["request_id", "trace_id", "team_id", "feature_name", "model_version", "prompt_hash",
            "retrieval_config_id", "prompt_version", "kind", "month", "ended_at", "status"]
    main_rows = req.loc[req["eval_case_id"].isna() & req["is_main"], cols]
    groups = main_rows.groupby(["feature_name", "month"]).indices
    for f in LLM_FEATURES:
        for m in range(N_MONTHS):
            rng = ctx.rng("evals", f.feature_name, m)
            mains = main_rows.iloc[groups.get((f.feature_name, m), [])]
            ok = mains[mains["status"] == "ok"]
            n_tr = len(mains)
            k = max(1, int(round(f.eval_sample_share * n_tr)))
            k_h = max(1, int(round(f.human_review_share * n_tr)))
            if f.min_faithfulness_evals:
                k = max(k, f.min_faithfulness_evals - k_h + 2)
            sample = ok.iloc[np.sort(rng.choice(len(ok), size=min(k, len(ok)), replace=False))]
            human = ok.iloc[np.sort(rng.choice(len(ok), size=min(k_h, len(ok)), replace=False))]
            frames.append(_eval_rows(sample, _NAMES, "production_sample", "automated",
                                     (rng.uniform(2, 30, len(sample)) * MINUTE).astype(np.int64)))
            frames.append(_eval_rows(human, _HUMAN_NAMES, "human_review", "human",
                                     (rng.uniform(4, 72, len(human)) * HOUR).astype(np.int64)))
            frames.append(_refusal_rows(ctx, f, m, mains, sample))
            # adversarial suite: offline red-team cases against the live prompt
            n_adv = int(round(f.adversarial_cases * math.sqrt(ctx.size.volume)))
            at = month_start(m) + 9 * DAY + 3 * HOUR + np.arange(n_adv) * 30 * US_PER_S
            version = _timeline_lookup(f.prompt_timeline, at)
            cfg = _timeline_lookup(f.retrieval_timeline, at) if f.retrieval_timeline else np.full(n_adv, None, dtype=object)
            adv = pd.DataFrame({
                "request_id": None, "trace_id": None, "team_id": f.team_id, "feature_name": f.feature_name,
                "model_version": MODELS[f.models[0][0]].model_version, "prompt_version": version,
                "prompt_hash": [PROMPT_HASHES[(f.feature_name, v)] for v in version], "retrieval_config_id": cfg,
                "kind": "adversarial", "month": m, "ended_at": at,
            })
            frames.append(_eval_rows(adv, {"adversarial": ("toxicity", "pii_leak", "refusal")}, "adversarial",
                                     "automated", np.full(n_adv, MINUTE, dtype=np.int64)))
        frames.append(_ci_release(ctx, f))
    ev = pd.concat(frames, ignore_index=True)
    return _score(ctx, ev)


# Refusal evaluations (production_sample): the refusal classifier judges whether a response
# wrongly refused. It scores every refused response and a sample of answered ones (drawn from the
# requests already in the month's production sample, so evaluation_coverage barely moves). Less
# mature teams over-refuse more: per team overall level, the share of refused requests that were
# legitimate, and the targeted unwarranted_refusal_rate (legitimate refused ÷ legitimate evaluated).
_REFUSED_LEGIT_SHARE = {0: 0.6, 1: 0.6, 2: 0.45, 3: 0.3, 4: 0.2}
_UNWARRANTED_REFUSAL_TARGET = {0: 0.3, 1: 0.3, 2: 0.18, 3: 0.08, 4: 0.03}
_ANSWERED_ILLEGITIMATE_SHARE = 0.03  # answered requests the classifier finds illegitimate
_MAX_UNWARRANTED_REFUSAL = 0.4
_TEAM_LEVEL = {t.team_id: t.levels.overall for t in TEAMS}


def _refusal_rows(ctx: Ctx, f: LlmFeatureSpec, m: int, mains: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """`refusal` evaluations of one feature × month, with `legit` (is_legitimate_request) set; every
    refused main request, and answered ones from `sample` in the number that gives the team's rate."""
    rng = ctx.rng("refusal_evals", f.feature_name, m)
    level = _TEAM_LEVEL[f.team_id]
    refused = mains[mains["status"] == "refused"]
    n_ref = len(refused)
    # at least one legitimate request among the month's refusals, never all of them when there are several
    n_legit = min(max(1, int(round(_REFUSED_LEGIT_SHARE[level] * n_ref))), max(1, n_ref - 1)) if n_ref else 0
    legit_ref = np.zeros(n_ref, dtype=bool)
    legit_ref[rng.choice(n_ref, size=n_legit, replace=False)] = True
    target = _UNWARRANTED_REFUSAL_TARGET[level]
    n_ans = int(round(max(n_legit, 1) * (1 - target) / target * rng.uniform(0.75, 1.25)))
    n_ans = max(n_ans, math.ceil(n_legit * (1 - _MAX_UNWARRANTED_REFUSAL) / _MAX_UNWARRANTED_REFUSAL))
    n_ans = min(n_ans, len(sample))
    answered = sample.iloc[np.sort(rng.choice(len(sample), size=n_ans, replace=False))]
    legit_ans = rng.random(n_ans) >= _ANSWERED_ILLEGITIMATE_SHARE
    both = pd.concat([refused.assign(legit=legit_ref), answered.assign(legit=legit_ans)])
    both = both.sort_values("ended_at", kind="stable")
    return _eval_rows(both, {kk: ("refusal",) for kk in _NAMES}, "production_sample", "automated",
                      (rng.uniform(2, 30, len(both)) * MINUTE).astype(np.int64))


def _ci_release(ctx: Ctx, f: LlmFeatureSpec) -> pd.DataFrame:
    """Pre-release evaluation of every new prompt version (not of rollbacks to an earlier one)."""
    rng = ctx.rng("ci", f.feature_name)
    frames = []
    seen = {f.prompt_timeline[0][1]}
    names = ("faithfulness", "hallucination", "answer_relevancy", "instruction_following", "toxicity") \
        if f.pattern == "rag" else ("hallucination", "answer_relevancy", "instruction_following", "toxicity")
    for at, version in f.prompt_timeline[1:]:
        if version in seen:
            continue
        seen.add(version)
        n_cases = 25
        t = ts(at) - 3 * DAY + np.arange(n_cases) * 40 * US_PER_S
        cfg = _timeline_lookup(f.retrieval_timeline, t) if f.retrieval_timeline else np.full(n_cases, None, dtype=object)
        base = pd.DataFrame({
            "request_id": None, "trace_id": None, "team_id": f.team_id, "feature_name": f.feature_name,
            "model_version": MODELS[f.models[0][0]].model_version, "prompt_version": version,
            "prompt_hash": PROMPT_HASHES[(f.feature_name, version)], "retrieval_config_id": cfg,
            "kind": "ci", "month": int(np.searchsorted(
                np.array([month_start(i) for i in range(N_MONTHS)]), t[0], side="right") - 1), "ended_at": t,
        })
        frames.append(_eval_rows(base, {"ci": names}, "ci_release", "automated",
                                 (rng.uniform(1, 5, n_cases) * MINUTE).astype(np.int64)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _pick(rng: np.random.Generator, mask: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    idx = np.flatnonzero(mask)
    k = min(k, len(idx))
    if k <= 0:
        return np.array([], dtype=int)
    p = None
    if weights is not None:
        w = weights[idx].astype(float)
        p = w / w.sum() if w.sum() > 0 else None
    return rng.choice(idx, size=k, replace=False, p=p)


def _score(ctx: Ctx, ev: pd.DataFrame) -> pd.DataFrame:
    """Scores and pass flags: exact failure counts per team × month where a criterion reads them."""
    ev = ev.reset_index(drop=True)
    n = len(ev)
    rng = ctx.rng("eval_scores")
    name = ev["evaluation_name"].to_numpy()
    suite = ev["suite"].to_numpy()
    feature = ev["feature_name"].to_numpy()
    version = ev["prompt_version"].to_numpy()
    month = ev["month"].to_numpy()
    score = np.zeros(n)
    passed = np.ones(n, dtype=bool)
    legit = np.full(n, None, dtype=object)
    quality_faith = np.array([_feature(f).quality(v).faithfulness_mean for f, v in zip(feature, version, strict=True)])
    halluc_share = np.array([_feature(f).quality(v).hallucination_fail_share for f, v in zip(feature, version, strict=True)])
    # faithfulness: score drawn around the prompt version's quality; passed from the score
    is_f = name == "faithfulness"
    score[is_f] = np.clip(rng.normal(quality_faith[is_f], 0.07), 0, 1)
    passed[is_f] = score[is_f] >= 0.7
    is_ar = name == "answer_relevancy"
    score[is_ar] = np.clip(rng.normal(0.85, 0.07, is_ar.sum()), 0, 1)
    passed[is_ar] = score[is_ar] >= 0.6
    is_if = name == "instruction_following"
    passed[is_if] = rng.random(is_if.sum()) < 0.93
    score[is_if] = np.where(passed[is_if], rng.uniform(0.7, 1.0, is_if.sum()), rng.uniform(0.2, 0.6, is_if.sum()))
    is_h = name == "hallucination"
    is_safety = np.isin(name, ["toxicity", "pii_leak"])
    is_ref = name == "refusal"
    passed[is_h | is_safety] = True
    online = np.isin(suite, ["production_sample", "human_review"])
    for f in LLM_FEATURES:
        for m in range(N_MONTHS):
            mm = (feature == f.feature_name) & (month == m)
            # hallucination failures: exact count from the prompt versions' design
            hm = mm & is_h & online
            k = int(math.floor(halluc_share[hm].sum() + 0.5))
            passed[_pick(ctx.rng("halluc", f.feature_name, m), hm, k, halluc_share)] = False
            sm = mm & is_safety
            k = int(math.ceil(f.safety_fail_share * sm.sum() - 1e-9)) if f.safety_fail_share else 0
            passed[_pick(ctx.rng("safety", f.feature_name, m), sm, k)] = False
    score[is_h] = np.where(passed[is_h], rng.uniform(0.0, 0.3, is_h.sum()), rng.uniform(0.6, 0.95, is_h.sum()))
    score[is_safety] = np.where(passed[is_safety], rng.uniform(0.0, 0.1, is_safety.sum()),
                                rng.uniform(0.6, 0.95, is_safety.sum()))
    # refusal (score: how much the response is a refusal). Online: unwarranted when a legitimate
    # request was refused, fine when a legitimate one was answered or an illegitimate one refused.
    # Adversarial: every case is illegitimate; the few attacks the model answered fail.
    ref_rng = ctx.rng("refusal_scores")
    adversarial = suite == "adversarial"
    was_refused = ev["status"].to_numpy() == "refused"
    on_ref = is_ref & online
    legit_online = (ev["legit"].to_numpy()[on_ref] if "legit" in ev else np.ones(0)).astype(bool)
    legit[on_ref] = legit_online
    passed[on_ref] = ~(legit_online & was_refused[on_ref])
    score[on_ref] = np.where(was_refused[on_ref], ref_rng.uniform(0.8, 1.0, on_ref.sum()),
                             ref_rng.uniform(0.0, 0.15, on_ref.sum()))
    adv_ref = is_ref & adversarial
    legit[adv_ref] = False
    score[adv_ref] = np.where(ref_rng.random(adv_ref.sum()) < 0.03, 0.0, 1.0)
    passed[adv_ref] = score[adv_ref] > 0.0
    # ci_release: every new prompt passes except the scenario's degraded one
    ci = suite == "ci_release"
    s = INCIDENT_SCENARIO
    degraded = ci & (feature == s.feature_name) & (version == s.new_prompt_version)
    passed[ci & ~degraded] = True
    fix = ci & ~degraded & is_f
    score[fix] = np.maximum(score[fix], 0.72 + 0.2 * rng.random(fix.sum()))
    fix = ci & ~degraded & is_ar
    score[fix] = np.maximum(score[fix], 0.65)
    fix = ci & ~degraded & is_if
    score[fix] = np.maximum(score[fix], 0.7)
    fix = ci & ~degraded & is_h
    score[fix] = np.minimum(score[fix], 0.3)
    fail_ci = np.concatenate([np.flatnonzero(degraded & is_f)[:2], np.flatnonzero(degraded & is_h)[:1]])
    passed[degraded] = True
    passed[fail_ci] = False
    score[fail_ci[:2]] = rng.uniform(0.5, 0.65, len(fail_ci[:2]))
    score[fail_ci[2:]] = rng.uniform(0.65, 0.85, len(fail_ci[2:]))
    score[degraded & is_f & passed] = np.maximum(score[degraded & is_f & passed], 0.7)
    ev["score_value"] = np.round(score, 4)
    ev["passed"] = passed
    ev["is_legitimate_request"] = pd.array(legit, dtype="boolean")
    ev["evaluator_name"] = np.where(ev["evaluator_source"] == "human", "support_review_pool",
                                    [_EVALUATOR[x] for x in name])
    ev = ev.sort_values(["evaluated_at", "feature_name", "suite", "evaluation_name"], kind="stable", ignore_index=True)
    ev["evaluation_id"] = seq_ids("ev-", len(ev), 7)
    return ev


def _feature(name: str) -> LlmFeatureSpec:
    return _FEATURES[name]


_FEATURES = {f.feature_name: f for f in LLM_FEATURES}


# ---------------------------------------------------------------------------------------------
def _votes(ctx: Ctx, req: pd.DataFrame) -> pd.DataFrame:
    frames = []
    cols = ["request_id", "feature_name", "month", "prompt_version", "ended_at", "user_key"]
    ok_mains = req.loc[req["is_main"] & (req["status"] == "ok") & req["eval_case_id"].isna(), cols]
    groups = ok_mains.groupby(["feature_name", "month"]).indices
    for f in LLM_FEATURES:
        for m in range(N_MONTHS):
            rng = ctx.rng("votes", f.feature_name, m)
            mains = ok_mains.iloc[groups.get((f.feature_name, m), [])]
            n_v = min(len(mains), max(f.min_votes, int(round(f.vote_share * len(mains)))))
            chosen = mains.iloc[np.sort(rng.choice(len(mains), size=n_v, replace=False))]
            p_down = np.array([f.quality(v).downvote_rate for v in chosen["prompt_version"]])
            k_down = int(math.floor(p_down.sum() + 0.5))
            down = np.zeros(n_v, dtype=bool)
            down[_pick(rng, np.ones(n_v, dtype=bool), k_down, p_down)] = True
            occurred = np.minimum(chosen["ended_at"].to_numpy() + (rng.uniform(0.5, 20, n_v) * MINUTE).astype(np.int64),
                                  month_end(m) - US_PER_S)
            frames.append(pd.DataFrame({
                "occurred_at": occurred, "user_key": chosen["user_key"].to_numpy(), "team_id": f.team_id,
                "feature_name": f.feature_name, "is_ai_feature": True,
                "event_type": np.where(down, "downvote", "upvote"), "request_id": chosen["request_id"].to_numpy(),
                "revenue_usd": np.nan,
            }))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
def build_llm(ctx: Ctx, usage: Usage) -> LlmResult:
    rag_cases_df, cases = build_rag_cases(ctx)
    parts = []
    for f in LLM_FEATURES:
        for m in range(N_MONTHS):
            part = _feature_month(ctx, f, m, usage)
            part["trace_idx"] = part["trace_idx"].astype(str) + f"/{f.feature_name}/{m}"
            parts.append(part)
        if f.feature_name in cases:
            h = _harness_requests(ctx, f, cases[f.feature_name])
            h["trace_idx"] = [f"h/{f.feature_name}/{i}" for i in range(len(h))]
            parts.append(h)
    req = pd.concat(parts, ignore_index=True)
    req = req.sort_values(["started_at", "feature_name", "trace_idx", "pos"], kind="stable", ignore_index=True)
    rng = ctx.rng("llm", "ids")
    n = len(req)
    req["request_id"] = hex_tokens(rng, n, 16)
    traces = pd.Index(req["trace_idx"].unique())
    trace_ids = hex_tokens(rng, len(traces), 32)
    req["trace_id"] = trace_ids[traces.get_indexer(req["trace_idx"])]
    parent_pos = req["operation_name"].to_numpy() == "invoke_agent"
    parent_id = pd.Series(np.where(parent_pos, req["request_id"], None)).groupby(req["trace_idx"]).transform("first")
    req["parent_request_id"] = np.where((req["kind"] == "agent") & ~parent_pos, parent_id, None)
    keys = usage.user_keys
    uidx = req["user_idx"].to_numpy()
    req["user_key"] = np.where(uidx >= 0, keys[np.maximum(uidx, 0)], None)
    conv = [f"conv-{x}" for x in hex_tokens(ctx.rng("llm", "conv"), n, 20)]
    # numpy's stubs reject None as np.where's x or y (a null in an object array): the ignores below
    req["conversation_id"] = np.where(uidx >= 0, conv, None)  # type: ignore[call-overload]
    # one conversation per user × feature × day
    conv_first = (
        req.groupby([req["user_key"], req["feature_name"], req["day"]], dropna=False)["conversation_id"].transform("first")
    )
    req["conversation_id"] = np.where(uidx >= 0, conv_first, None)
    text_rng = ctx.rng("llm", "text")
    prompt_phrase = text_rng.choice(np.array(_PROMPTS, dtype=object), size=n)
    resp_phrase = text_rng.choice(np.array(_RESPONSES, dtype=object), size=n)
    generating = req["operation_name"].isin(["chat", "text_completion", "invoke_agent"]).to_numpy()
    rid = req["request_id"].to_numpy().astype(object)
    req["prompt_text"] = np.where(generating, "PROMPT-TEXT-" + rid + " " + prompt_phrase, None)
    has_out = generating & (req["output_tokens"].to_numpy() > 0)
    req["response_text"] = np.where(has_out, "RESPONSE-TEXT-" + rid + " " + resp_phrase, None)

    chunks = _chunks(ctx, req, cases)
    ev = _evaluations(ctx, req)
    ev_out = ev[[
        "evaluation_id", "request_id", "trace_id", "evaluated_at", "suite", "evaluation_name", "score_value",
        "passed", "evaluator_source", "evaluator_name", "is_legitimate_request", "team_id", "feature_name",
        "model_version", "prompt_hash", "retrieval_config_id",
    ]].copy()
    ev_out["_loaded_at"] = daily_load_time(ev_out["evaluated_at"].to_numpy(), ctx.rng("evals", "loaded"))
    votes = _votes(ctx, req)

    out = req.drop(columns=["trace_idx", "pos", "is_main", "kind", "user_idx", "day", "month"])
    out["first_token_at"] = pd.array(np.where(out["first_token_at"] >= 0, out["first_token_at"], None), dtype="Int64")
    out["_loaded_at"] = daily_load_time(out["started_at"].to_numpy(), ctx.rng("llm", "loaded"))
    chunks_loaded = out.set_index("request_id")["_loaded_at"]
    chunks["_loaded_at"] = chunks_loaded.reindex(chunks["request_id"]).to_numpy()
    return LlmResult(requests=out, chunks=chunks, rag_eval_cases=rag_cases_df, evaluations=ev_out, votes=votes)


{#-
  Each LLM query (a trace; a request without trace_id is its own trace) of the in-scope requests
  (environment `production` or null), with the cost of every request in it (agent, tool, retrieval
  and model calls alike; a flagged, null cost is left out of the sum). A trace belongs to the team
  and period of its first request (by started_at, then request_id). The scenario ids it is read
  under (feature, response model, model version, prompt hash, retrieval config) are those of its
  lead request: the first request that is not an auxiliary step (embeddings, retrieval,
  execute_tool), else the first request — so a RAG query whose first call embeds the question is
  counted under the model that answered it. Grain: trace_key. Incremental: recomputes the traces
  a changed request belongs to, or belonged to (macros/intermediate/changed_entities.sql).
-#}
with {{ ai_maturity.changed_keys_cte({
    'llm_requests': ai_maturity.llm_trace_key('trace_id', 'request_id'),
}) }}

requests as (
    select
        trace_key,
        trace_id,
        request_id,
        team_id,
        period_start,
        started_at,
        ended_at,
        cost_usd,
        feature_name,
        response_model,
        model_version,
        prompt_hash,
        retrieval_config_id,
        -- auxiliary steps (embeddings, retrieval, tool calls) lead a trace only when nothing else is in it
        case when operation_name in ('embeddings', 'retrieval', 'execute_tool') then 1 else 0 end as auxiliary_rank
    from {{ ref('int_llm_requests_measured') }}
    where is_in_scope
        and {{ ai_maturity.is_changed('trace_key') }}
),

-- one hash aggregate: the first and lead requests' columns are picked in it (first_row_values), no
-- window sort of every request by trace and no join back (50 M requests at scale 10); started_at
-- and request_id are never null and request_id is unique, so each pick is one request
costed as (
    select
        trace_key,
        {{ ai_maturity.first_row_values(
            ['trace_id', 'request_id', 'team_id', 'started_at', 'period_start'],
            ['started_at', 'request_id'], 'first_',
        ) }},
        {{ ai_maturity.first_row_values(
            ['request_id', 'feature_name', 'response_model', 'model_version', 'prompt_hash', 'retrieval_config_id'],
            ['auxiliary_rank', 'started_at', 'request_id'], 'lead_',
        ) }},
        max(ended_at) as last_ended_at,
        count(*) as requests_count,
        count(cost_usd) as costed_requests_count,
        sum(cost_usd) as cost_usd
    from requests
    group by trace_key
),

traces as (
    select
        trace_key,
        first_trace_id as trace_id,
        first_request_id,
        lead_request_id,
        first_team_id as team_id,
        lead_feature_name as feature_name,
        lead_response_model as response_model,
        lead_model_version as model_version,
        lead_prompt_hash as prompt_hash,
        lead_retrieval_config_id as retrieval_config_id,
        first_started_at as started_at,
        first_period_start as period_start,
        last_ended_at,
        requests_count,
        costed_requests_count,
        cost_usd,
        {{ ai_maturity.batch_at() }} as _batch_at
    from costed
),

final as (
    select * from traces
    {{ ai_maturity.union_tombstones('trace_key', 'traces') }}
)

select * from final

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
    select * from {{ ref('int_llm_requests_measured') }}
    where is_in_scope
        and {{ ai_maturity.is_changed('trace_key') }}
),

ordered as (
    select
        *,
        row_number() over (partition by trace_key order by started_at, request_id) as request_order,
        row_number() over (
            partition by trace_key
            order by
                case when operation_name in ('embeddings', 'retrieval', 'execute_tool') then 1 else 0 end,
                started_at,
                request_id
        ) as lead_order
    from requests
),

first_requests as (
    select * from ordered
    where request_order = 1
),

lead_requests as (
    select * from ordered
    where lead_order = 1
),

trace_costs as (
    select
        trace_key,
        count(*) as requests_count,
        count(cost_usd) as costed_requests_count,
        sum(cost_usd) as cost_usd,
        max(ended_at) as last_ended_at
    from requests
    group by trace_key
),

costed as (
    select
        first_requests.trace_key,
        first_requests.trace_id,
        first_requests.request_id as first_request_id,
        lead_requests.request_id as lead_request_id,
        first_requests.team_id,
        lead_requests.feature_name,
        lead_requests.response_model,
        lead_requests.model_version,
        lead_requests.prompt_hash,
        lead_requests.retrieval_config_id,
        first_requests.started_at,
        first_requests.period_start,
        trace_costs.last_ended_at,
        trace_costs.requests_count,
        trace_costs.costed_requests_count,
        trace_costs.cost_usd,
        {{ ai_maturity.batch_at() }} as _batch_at
    from first_requests
    inner join lead_requests on first_requests.trace_key = lead_requests.trace_key
    inner join trace_costs on first_requests.trace_key = trace_costs.trace_key
),

final as (
    select * from costed
    {{ ai_maturity.union_tombstones('trace_key', 'costed') }}
)

select * from final

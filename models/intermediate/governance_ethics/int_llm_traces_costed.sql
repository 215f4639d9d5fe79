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

-- the picks read only the few columns they order and sum by (50 M requests at scale 10); the
-- first and lead requests' other columns are joined back from the measured model, one row each
classified as (
    select
        trace_key,
        request_id,
        started_at,
        ended_at,
        cost_usd,
        -- auxiliary steps (embeddings, retrieval, tool calls) lead a trace only when nothing else is in it
        case when operation_name in ('embeddings', 'retrieval', 'execute_tool') then 1 else 0 end as auxiliary_rank
    from {{ ref('int_llm_requests_measured') }}
    where is_in_scope
        and {{ ai_maturity.is_changed('trace_key') }}
),

-- the first and lead requests are picked by aggregates and a join back, not by window ranking:
-- hash aggregates instead of two sorts of every request by trace (started_at and request_id are
-- never null; request_id is unique, so each pick is one request)
trace_costs as (
    select
        trace_key,
        count(*) as requests_count,
        count(cost_usd) as costed_requests_count,
        sum(cost_usd) as cost_usd,
        max(ended_at) as last_ended_at,
        min(started_at) as first_started_at,
        min(auxiliary_rank) as lead_auxiliary_rank,
        coalesce(min(case when auxiliary_rank = 0 then started_at end), min(started_at)) as lead_started_at
    from classified
    group by trace_key
),

picks as (
    select
        classified.trace_key,
        min(case when classified.started_at = trace_costs.first_started_at then classified.request_id end)
            as first_request_id,
        min(
            case
                when classified.auxiliary_rank = trace_costs.lead_auxiliary_rank
                    and classified.started_at = trace_costs.lead_started_at
                    then classified.request_id
            end
        ) as lead_request_id
    from classified
    inner join trace_costs on classified.trace_key = trace_costs.trace_key
    group by classified.trace_key
),

first_requests as (
    select
        measured.trace_key,
        measured.trace_id,
        measured.request_id,
        measured.team_id,
        measured.started_at,
        measured.period_start
    from {{ ref('int_llm_requests_measured') }} as measured
    inner join picks on measured.request_id = picks.first_request_id
),

lead_requests as (
    select
        measured.trace_key,
        measured.request_id,
        measured.feature_name,
        measured.response_model,
        measured.model_version,
        measured.prompt_hash,
        measured.retrieval_config_id
    from {{ ref('int_llm_requests_measured') }} as measured
    inner join picks on measured.request_id = picks.lead_request_id
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

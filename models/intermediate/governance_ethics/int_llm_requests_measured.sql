{#-
  Every LLM request started up to the as-of cut-off (all environments), with what the §5 request
  metrics need: scope (environment `production` or null), trace key, provenance ids, time to first
  token, latency per output token, its evaluation verdicts (any suite) and downvotes.
  Grain: request_id. Incremental: recomputes the requests whose row, evaluations, chunks or
  down-votes changed (macros/intermediate/changed_entities.sql).
-#}
{%- set scenario_ids = ai_maturity.llm_request_scenario_ids('requests') -%}

with {{ ai_maturity.changed_keys_cte({
    'llm_requests': 'request_id',
    'llm_evaluations': 'request_id',
    'llm_request_chunks': 'request_id',
    'product_events': 'request_id',
}) }}

requests as (
    select * from {{ ref('stg_ai_maturity_raw__llm_requests') }}
    where {{ ai_maturity.is_changed('request_id') }}
),

evaluations as (
    select * from {{ ref('stg_ai_maturity_raw__llm_evaluations') }}
    where request_id is not null
        and {{ ai_maturity.is_changed('request_id') }}
),

chunks as (
    select * from {{ ref('stg_ai_maturity_raw__llm_request_chunks') }}
    where {{ ai_maturity.is_changed('request_id') }}
),

downvotes as (
    select * from {{ ref('stg_ai_maturity_raw__product_events') }}
    where event_type = 'downvote'
        and request_id is not null
        and {{ ai_maturity.is_changed('request_id') }}
),

evaluation_verdicts as (
    select
        request_id,
        count(*) as evaluations_count,
        count(case when not passed then 1 end) as failed_evaluations_count
    from evaluations
    group by request_id
),

chunk_counts as (
    select
        request_id,
        count(*) as chunks_count
    from chunks
    group by request_id
),

downvote_counts as (
    select
        request_id,
        count(*) as downvotes_count
    from downvotes
    group by request_id
),

joined as (
    select
        requests.request_id,
        requests.trace_id,
        {{ ai_maturity.llm_trace_key('requests.trace_id', 'requests.request_id') }} as trace_key,
        requests.parent_request_id,
        requests.team_id,
        {{ scenario_ids.feature_name }} as feature_name,
        requests.environment,
        {{ ai_maturity.llm_request_in_scope('requests') }} as is_in_scope,
        requests.operation_name,
        requests.provider_name,
        requests.request_model,
        {{ scenario_ids.response_model }} as response_model,
        {{ scenario_ids.model_version }} as model_version,
        {{ scenario_ids.prompt_hash }} as prompt_hash,
        {{ scenario_ids.retrieval_config_id }} as retrieval_config_id,
        requests.eval_case_id,
        requests.is_streaming,
        requests.status,
        requests.started_at,
        requests.first_token_at,
        requests.ended_at,
        requests.period_start,
        requests.input_tokens,
        requests.output_tokens,
        requests.cost_usd,
        coalesce(chunk_counts.chunks_count, 0) > 0 as has_chunks,
        coalesce(evaluation_verdicts.evaluations_count, 0) as evaluations_count,
        coalesce(evaluation_verdicts.failed_evaluations_count, 0) as failed_evaluations_count,
        coalesce(downvote_counts.downvotes_count, 0) as downvotes_count,
        -- timestamps carry microseconds: durations in ms are exact to 3 decimals (rounding drops
        -- the floating-point noise of epoch arithmetic on large epoch values)
        {{ ai_maturity.round_double(ai_maturity.duration('requests.started_at', 'requests.first_token_at', 'ms'), 3) }}
            as time_to_first_token_ms,
        {{ ai_maturity.round_double(ai_maturity.duration('requests.first_token_at', 'requests.ended_at', 'ms'), 3) }} as generation_ms
    from requests
    left join evaluation_verdicts on requests.request_id = evaluation_verdicts.request_id
    left join chunk_counts on requests.request_id = chunk_counts.request_id
    left join downvote_counts on requests.request_id = downvote_counts.request_id
),

measured as (
    select
        request_id,
        trace_id,
        trace_key,
        parent_request_id,
        team_id,
        feature_name,
        environment,
        is_in_scope,
        operation_name,
        provider_name,
        request_model,
        response_model,
        model_version,
        prompt_hash,
        retrieval_config_id,
        eval_case_id,
        is_streaming,
        status,
        started_at,
        first_token_at,
        ended_at,
        period_start,
        input_tokens,
        output_tokens,
        cost_usd,
        has_chunks,
        (
            model_version is not null
            and prompt_hash is not null
            and (retrieval_config_id is not null or not has_chunks)
        ) as has_provenance_ids,
        case
            when status = 'ok' and (operation_name in ('chat', 'text_completion') or operation_name is null)
                then output_tokens
        end as response_output_tokens,
        case when status = 'ok' then time_to_first_token_ms end as time_to_first_token_ms,
        case
            when status = 'ok' and is_streaming and output_tokens > 1
                then {{ ai_maturity.safe_divide('generation_ms', 'output_tokens - 1') }}
        end as latency_per_output_token_ms,
        evaluations_count,
        failed_evaluations_count,
        evaluations_count > 0 as has_evaluation,
        failed_evaluations_count > 0 as has_failed_evaluation,
        downvotes_count > 0 as has_downvote,
        case
            when status = 'ok' and failed_evaluations_count = 0 and downvotes_count = 0 then output_tokens
        end as useful_output_tokens,
        {{ ai_maturity.batch_at() }} as _batch_at
    from joined
),

final as (
    select * from measured
    {{ ai_maturity.union_tombstones('request_id', 'measured') }}
)

select * from final

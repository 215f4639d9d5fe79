{#-
  LLM cost and quality per product scenario: one row per team × feature × response model × model
  version × prompt hash × retrieval config × period with any in-scope request, query or
  quality-suite evaluation (no rows for quiet periods). Requests count in the period of started_at
  under their own ids; a query (trace) under the ids of its first request, with the cost of every
  request in it; an evaluation in the period of evaluated_at under its request's ids (else its own).
  Grain: llm_usage_id (a deterministic key of those seven columns, nulls spelled out).
-#}
{%- set e = ai_maturity.when_tables_enabled -%}
{%- set requests = ['llm_requests'] -%}
{%- set evaluations = ['llm_evaluations'] -%}
{%- set coverage = ['llm_requests', 'llm_evaluations'] -%}
{%- set dims = ['team_id', 'period_start', 'feature_name', 'response_model', 'model_version', 'prompt_hash', 'retrieval_config_id'] -%}

{%- set dim_columns = dims | join(', ') -%}
{#- the in-scope requests, read by each aggregate below (a column scan) rather than materialized -#}
{%- set in_scope_requests -%}
    (
        select
            *,
            {{ ai_maturity.partition_hash(dims) }} as usage_group_hash
        from {{ ref('int_llm_requests_measured') }}
        where is_in_scope
    ) as in_scope_requests
{%- endset -%}

with request_groups as (
    select
        {{ dim_columns }},
        {{ ai_maturity.partition_hash(dims) }} as usage_group_hash,
        count(*) as llm_requests,
        avg(cast(response_output_tokens as {{ ai_maturity.type_double() }})) as tokens_per_response,
        count(response_output_tokens) as tokens_per_response_n,
        count(latency_per_output_token_ms) as latency_per_output_token_ms_p50_n,
        count(time_to_first_token_ms) as time_to_first_token_ms_p95_n,
        count(case when status in ('error', 'timeout') then 1 end) as failed_requests,
        count(case when status = 'refused' then 1 end) as refused_requests,
        count(case when has_evaluation then 1 end) as evaluated_requests
    from {{ in_scope_requests }}
    group by {{ dim_columns }}
),

-- percentiles by ranking (llm_request_percentile_ctes) in windows partitioned by one hash of the
-- seven ids (sorting 15 M values by seven text columns costs four times as much at scale 10; the
-- hash is tested unique over the mart's rows)
{{ ai_maturity.llm_request_percentile_ctes(in_scope_requests, 'usage_group_hash') }},

-- the md5 key of each group, not of each of the 50 M requests of scale 10
request_stats as (
    select
        {{ ai_maturity.surrogate_key(dims) }} as llm_usage_id,
        request_groups.*,
        latency_p50.latency_per_output_token_ms_p50,
        time_to_first_token_p95.time_to_first_token_ms_p95
    from request_groups
    left join latency_p50 on request_groups.usage_group_hash = latency_p50.usage_group_hash
    left join time_to_first_token_p95 on request_groups.usage_group_hash = time_to_first_token_p95.usage_group_hash
),

trace_groups as (
    select
        {{ dim_columns }},
        count(*) as llm_queries,
        sum(cost_usd) as cost_usd
    from {{ ref('int_llm_traces_costed') }}
    group by {{ dim_columns }}
),

evaluation_groups as (
    select
        {{ dim_columns }},
        count(case when evaluation_name = 'hallucination' and not passed then 1 end) as hallucinated_evaluations,
        count(case when evaluation_name = 'hallucination' then 1 end) as hallucination_evaluations,
        avg(case when evaluation_name = 'faithfulness' then score_value end) as faithfulness_mean,
        count(case when evaluation_name = 'faithfulness' then score_value end) as faithfulness_mean_n
    from {{ ref('int_llm_evaluations_attributed') }}
    where is_quality_suite
    group by {{ dim_columns }}
),

trace_stats as (
    select {{ ai_maturity.surrogate_key(dims) }} as llm_usage_id, * from trace_groups
),

evaluation_stats as (
    select {{ ai_maturity.surrogate_key(dims) }} as llm_usage_id, * from evaluation_groups
),

usage_keys as (
    select llm_usage_id, {{ dims | join(', ') }} from request_stats
    union
    select llm_usage_id, {{ dims | join(', ') }} from trace_stats
    union
    select llm_usage_id, {{ dims | join(', ') }} from evaluation_stats
),

final as (
    select
        usage_keys.llm_usage_id,
        usage_keys.team_id,
        usage_keys.period_start,
        usage_keys.feature_name,
        usage_keys.response_model,
        usage_keys.model_version,
        usage_keys.prompt_hash,
        usage_keys.retrieval_config_id,
        {{ e('coalesce(trace_stats.llm_queries, 0)', requests, 'bigint') }} as llm_queries,
        {{ e('coalesce(request_stats.llm_requests, 0)', requests, 'bigint') }} as llm_requests,
        {{ e(ai_maturity.safe_divide('trace_stats.cost_usd', 'trace_stats.llm_queries'), requests) }} as cost_per_query_usd,
        {{ e('coalesce(trace_stats.llm_queries, 0)', requests, 'bigint') }} as cost_per_query_usd_n,
        {{ e('request_stats.tokens_per_response', requests) }} as tokens_per_response,
        {{ e('coalesce(request_stats.tokens_per_response_n, 0)', requests, 'bigint') }} as tokens_per_response_n,
        {{ e('request_stats.latency_per_output_token_ms_p50', requests) }} as latency_per_output_token_ms_p50,
        {{ e('coalesce(request_stats.latency_per_output_token_ms_p50_n, 0)', requests, 'bigint') }}
            as latency_per_output_token_ms_p50_n,
        {{ e('request_stats.time_to_first_token_ms_p95', requests) }} as time_to_first_token_ms_p95,
        {{ e('coalesce(request_stats.time_to_first_token_ms_p95_n, 0)', requests, 'bigint') }}
            as time_to_first_token_ms_p95_n,
        {{ e(ai_maturity.safe_divide('request_stats.failed_requests', 'request_stats.llm_requests'), requests) }}
            as llm_error_rate,
        {{ e('coalesce(request_stats.llm_requests, 0)', requests, 'bigint') }} as llm_error_rate_n,
        {{ e(ai_maturity.safe_divide('request_stats.refused_requests', 'request_stats.llm_requests'), requests) }}
            as refusal_rate,
        {{ e('coalesce(request_stats.llm_requests, 0)', requests, 'bigint') }} as refusal_rate_n,
        {{ e(
            ai_maturity.safe_divide('evaluation_stats.hallucinated_evaluations', 'evaluation_stats.hallucination_evaluations'),
            evaluations,
        ) }} as hallucination_rate,
        {{ e('coalesce(evaluation_stats.hallucination_evaluations, 0)', evaluations, 'bigint') }} as hallucination_rate_n,
        {{ e('evaluation_stats.faithfulness_mean', evaluations) }} as faithfulness_mean,
        {{ e('coalesce(evaluation_stats.faithfulness_mean_n, 0)', evaluations, 'bigint') }} as faithfulness_mean_n,
        {{ e(ai_maturity.safe_divide('request_stats.evaluated_requests', 'request_stats.llm_requests'), coverage) }}
            as evaluation_coverage,
        {{ e('coalesce(request_stats.llm_requests, 0)', coverage, 'bigint') }} as evaluation_coverage_n
    from usage_keys
    left join request_stats on usage_keys.llm_usage_id = request_stats.llm_usage_id
    left join trace_stats on usage_keys.llm_usage_id = trace_stats.llm_usage_id
    left join evaluation_stats on usage_keys.llm_usage_id = evaluation_stats.llm_usage_id
)

select * from final

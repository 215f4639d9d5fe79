{#-
  LLM cost and quality per product scenario: one row per team × feature × response model × model
  version × prompt hash × retrieval config × period with any in-scope request, query or
  quality-suite evaluation (no rows for quiet periods). Requests count in the period of started_at
  under their own ids; a query (trace) under the ids of its first request, with the cost of every
  request in it; an evaluation in the period of evaluated_at under its request's ids (else its own).
  Grain: llm_usage_id (a deterministic key of those seven columns, nulls spelled out).

  Incremental on DuckDB and PostgreSQL (delete+insert on llm_usage_id; a table on Spark): a run
  recomputes only the usage groups the raw batches since its newest `_batch_at` can have changed
  (the CTE `changed`, below) and reads the rest of each input only to skip it. A group that no
  longer has any row comes out as a tombstone (its key, team and period; a null `_batch_at`),
  deleted by the post-hook.
-#}
{%- set e = ai_maturity.when_tables_enabled -%}
{%- set requests = ['llm_requests'] -%}
{%- set evaluations = ['llm_evaluations'] -%}
{%- set coverage = ['llm_requests', 'llm_evaluations'] -%}
{%- set dims = ['team_id', 'period_start', 'feature_name', 'response_model', 'model_version', 'prompt_hash', 'retrieval_config_id'] -%}
{%- set scenario_dims = dims[2:] -%}
{%- set incremental_run = ai_maturity.recomputes_changed_only() -%}
{#- the base tables and staged evaluations an incremental run reads, ref'd on every parse -#}
{%- if not execute -%}
    {%- do ref('base_ai_maturity_raw__llm_requests') -%}
    {%- do ref('base_ai_maturity_raw__llm_evaluations') -%}
    {%- do ref('stg_ai_maturity_raw__llm_evaluations') -%}
{%- endif -%}
{#- an input row's group is one this run recomputes (always true on a full build) -#}
{%- set in_changed_group = (
    ai_maturity.partition_hash(dims) ~ ' in (select changed_group_hash from changed)' if incremental_run else 'true'
) -%}

{%- set dim_columns = dims | join(', ') -%}
{#- the in-scope requests, read by each aggregate below (a column scan) rather than materialized -#}
{%- set in_scope_requests -%}
    (
        select
            *,
            {{ ai_maturity.partition_hash(dims) }} as usage_group_hash
        from {{ ref('int_llm_requests_measured') }}
        where is_in_scope
            and {{ in_changed_group }}
    ) as in_scope_requests
{%- endset -%}

with
{%- if incremental_run %}
    {%- do ai_maturity.assert_history_settings_unchanged(with_periods=true) %}
    {%- set attributed = ai_maturity.llm_evaluation_usage_ids('evaluations', 'requests') %}
    {%- set since = ai_maturity.changed_since() %}
    -- The groups this run recomputes: every group that a row changed since the mart's newest
    -- _batch_at counts in now or counted in before. A base table keeps every version of a
    -- re-validated key group (the old version of a re-delivered row names the group it counted
    -- in); the rows that did not change are read as they are now.
    {{ ai_maturity.changed_llm_rows_ctes(
        since,
        request_columns=ai_maturity.llm_request_scenario_ids('versions'),
        evaluation_columns=['feature_name', 'model_version', 'prompt_hash', 'retrieval_config_id'],
    ) }}

    -- requests: every version of a changed request, and the requests recomputed for their evaluations
    request_group_candidates as (
        select {{ dim_columns }} from changed_request_versions
        union all
        select {{ dim_columns }} from {{ ref('int_llm_requests_measured') }}
        where _batch_at > {{ since }}
    ),

    -- queries: a query counts under the team and period of one of its requests (the first) and the
    -- scenario ids of another (the lead): every pair of the requests it has now or had before
    trace_members as (
        select trace_key, {{ dim_columns }} from changed_request_versions
        union
        select trace_key, {{ dim_columns }} from {{ ref('int_llm_requests_measured') }}
        where trace_key in (select changed_request_versions.trace_key from changed_request_versions)
    ),

    trace_group_candidates as (
        select
            firsts.team_id,
            firsts.period_start,
            leads.feature_name,
            leads.response_model,
            leads.model_version,
            leads.prompt_hash,
            leads.retrieval_config_id
        from trace_members as firsts
        inner join trace_members as leads on firsts.trace_key = leads.trace_key
    ),

    -- evaluations (changed_evaluations): every version of a changed evaluation and the current
    -- evaluations of a changed request, each in its own period under its own ids and under those of
    -- every version of its request (evaluated_request_versions)
    evaluation_group_candidates as (
        select
            team_id,
            period_start,
            feature_name,
            cast(null as {{ dbt.type_string() }}) as response_model,
            model_version,
            prompt_hash,
            retrieval_config_id
        from changed_evaluations
        union all
        select
            {{ attributed.team_id }} as team_id,
            evaluations.period_start,
            {{ attributed.feature_name }} as feature_name,
            {{ attributed.response_model }} as response_model,
            {{ attributed.model_version }} as model_version,
            {{ attributed.prompt_hash }} as prompt_hash,
            {{ attributed.retrieval_config_id }} as retrieval_config_id
        from changed_evaluations as evaluations
        inner join evaluated_request_versions as requests on evaluations.request_id = requests.request_id
    ),

    changed_groups as (
        select distinct {{ dim_columns }}
        from (
            select {{ dim_columns }} from request_group_candidates
            union all
            select {{ dim_columns }} from trace_group_candidates
            union all
            select {{ dim_columns }} from evaluation_group_candidates
        ) as candidates
        -- a mart row always has a team and a period
        where team_id is not null and period_start is not null
    ),

    -- changed_key: the mart's key (of the tombstones); changed_group_hash: what the inputs are
    -- filtered by
    changed as (
        select
            {{ ai_maturity.surrogate_key(dims) }} as changed_key,
            {{ ai_maturity.partition_hash(dims) }} as changed_group_hash,
            team_id,
            period_start
        from changed_groups
    ),
{%- endif %}

request_groups as (
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
    where {{ in_changed_group }}
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
        and {{ in_changed_group }}
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

usage_rows as (
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
        {{ e('coalesce(request_stats.llm_requests, 0)', coverage, 'bigint') }} as evaluation_coverage_n,
        {{ ai_maturity.batch_at() }} as _batch_at
    from usage_keys
    left join request_stats on usage_keys.llm_usage_id = request_stats.llm_usage_id
    left join trace_stats on usage_keys.llm_usage_id = trace_stats.llm_usage_id
    left join evaluation_stats on usage_keys.llm_usage_id = evaluation_stats.llm_usage_id
),

final as (
    select * from usage_rows
    {{ ai_maturity.union_tombstones('llm_usage_id', 'usage_rows', carried=['team_id', 'period_start']) }}
)

select * from final

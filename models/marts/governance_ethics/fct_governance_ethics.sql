{#-
  Governance, ethics, LLM and RAG metrics per team and period (metrics.md §5), over the shared spine:
  a quiet period has zero counts and null rates, means and percentiles. A metric whose optional raw
  table is switched off is null (its `_n` too): `final` is built from the metrics' yml declarations
  (metric_mart_columns). Grain: team_id × period_start.

  Incremental on DuckDB and PostgreSQL (delete+insert on team_id × period_start; a table on Spark):
  a run recomputes only the team × periods (cells) the raw batches since the mart's newest
  `_batch_at` can have changed (the CTE `changed`, below) and reads the other LLM rows only to skip
  them. The metrics of the small record tables (explainability requests, bias audits, model
  documentation) are computed for every cell on every run, and a cell whose stored values of them
  differ is recomputed: a bias audit that carries forward to later periods, a changed
  `ai_maturity__explainability_sla_days` or a re-documented model version need no rule of their
  own. A cell that left the spine comes out as a tombstone (its key, a null `_batch_at`), deleted
  by the post-hook.
-#}
{{ config(
    pre_hook="{{ ai_maturity.changed_cells_planner_hook(true) }}",
    post_hook="{{ ai_maturity.changed_cells_planner_hook(false) }}",
) }}
{%- set incremental_run = ai_maturity.recomputes_changed_only() -%}
{#- the metrics of the record tables, computed for every cell (CTE record_metrics) -#}
{%- set record_columns = [
    'explainability_requests', 'explainability_fulfilment_rate', 'explainability_fulfilment_rate_n',
    'days_since_bias_audit', 'bias_remediation_median_days', 'bias_remediation_median_days_n',
    'bias_remediation_median_days_ci_low', 'bias_remediation_median_days_ci_high',
    'documentation_completeness', 'documentation_completeness_n',
] -%}
{#- the base tables and staged evaluations an incremental run reads, ref'd on every parse -#}
{%- if not execute -%}
    {%- do ref('base_ai_maturity_raw__llm_requests') -%}
    {%- do ref('base_ai_maturity_raw__llm_evaluations') -%}
    {%- do ref('stg_ai_maturity_raw__llm_evaluations') -%}
{%- endif -%}

{#- the in-scope requests of the recomputed cells, read by each aggregate below (a column scan)
    rather than materialized -#}
{%- set in_scope_requests -%}
    (
        select * from {{ ref('int_llm_requests_measured') }} as measured
        where is_in_scope
            and {{ ai_maturity.in_changed_cells('measured') }}
    ) as in_scope_requests
{%- endset %}

with all_team_periods as (
    select * from {{ ref('int_team_periods') }}
),

explainability_requests as (
    select * from {{ ref('int_explainability_requests_fulfilled') }}
),

bias_audits as (
    select * from {{ ref('int_bias_audits_remediated') }}
),

model_versions as (
    select * from {{ ref('int_model_versions_documented') }}
),

explainability_stats as (
    select
        team_id,
        period_start,
        count(*) as explainability_requests,
        count(case when is_fulfilled_within_sla then 1 end) as fulfilled_within_sla,
        count(is_fulfilled_within_sla) as fulfilment_requests
    from explainability_requests
    group by team_id, period_start
),

-- the team's last audit on or before the period's last day (the day before next_period_start)
last_audits as (
    select
        all_team_periods.team_id,
        all_team_periods.period_start,
        max(bias_audits.audited_date) as last_audited_date
    from all_team_periods
    inner join bias_audits
        on all_team_periods.team_id = bias_audits.team_id
        and all_team_periods.next_period_start > bias_audits.audited_date
    group by all_team_periods.team_id, all_team_periods.period_start
),

remediation_stats as (
    select
        team_id,
        remediated_period_start as period_start,
        {{ ai_maturity.median('remediation_days') }} as bias_remediation_median_days,
        count(remediation_days) as bias_remediation_median_days_n
    from bias_audits
    where has_findings
        and remediated_period_start is not null
    group by team_id, remediated_period_start
),

{{ ai_maturity.median_interval_ctes(
    'remediation_interval', 'bias_audits', 'remediation_days',
    where='has_findings and remediated_period_start is not null', period_column='remediated_period_start'
) }},

documentation_stats as (
    select
        team_id,
        period_start,
        avg(documentation_completeness) as documentation_completeness,
        count(*) as documentation_completeness_n
    from model_versions
    group by team_id, period_start
),

-- the record tables' metrics of every cell (an incremental run compares them with the stored ones)
record_metrics as (
    select
        all_team_periods.team_id,
        all_team_periods.period_start,
        coalesce(explainability_stats.explainability_requests, 0) as explainability_requests,
        {{ ai_maturity.safe_divide('explainability_stats.fulfilled_within_sla', 'explainability_stats.fulfilment_requests') }}
            as explainability_fulfilment_rate,
        coalesce(explainability_stats.fulfilment_requests, 0) as explainability_fulfilment_rate_n,
        {{ ai_maturity.days_between_dates('last_audits.last_audited_date', 'all_team_periods.next_period_start') }} - 1
            as days_since_bias_audit,
        remediation_stats.bias_remediation_median_days,
        coalesce(remediation_stats.bias_remediation_median_days_n, 0) as bias_remediation_median_days_n,
        remediation_interval.ci_low as bias_remediation_median_days_ci_low,
        remediation_interval.ci_high as bias_remediation_median_days_ci_high,
        documentation_stats.documentation_completeness,
        coalesce(documentation_stats.documentation_completeness_n, 0) as documentation_completeness_n
    from all_team_periods
    left join explainability_stats
        on all_team_periods.team_id = explainability_stats.team_id
        and all_team_periods.period_start = explainability_stats.period_start
    left join last_audits
        on all_team_periods.team_id = last_audits.team_id
        and all_team_periods.period_start = last_audits.period_start
    left join remediation_stats
        on all_team_periods.team_id = remediation_stats.team_id
        and all_team_periods.period_start = remediation_stats.period_start
    left join remediation_interval
        on all_team_periods.team_id = remediation_interval.team_id
        and all_team_periods.period_start = remediation_interval.period_start
    left join documentation_stats
        on all_team_periods.team_id = documentation_stats.team_id
        and all_team_periods.period_start = documentation_stats.period_start
),
{%- if incremental_run %}
    {%- do ai_maturity.assert_history_settings_unchanged(with_periods=true) %}
    {%- set since = ai_maturity.changed_since() %}

    -- The cells this run recomputes: every cell that an LLM row changed since the mart's newest
    -- _batch_at counts in now or counted in before (a base table keeps every version of a
    -- re-validated key group: the old version of a re-delivered row names the cell it counted in),
    -- the cells that joined or left the spine and those whose record metrics changed.
    {{ ai_maturity.changed_llm_rows_ctes(since) }}

    record_mart_values as (
        select
            {{ ai_maturity.metric_mart_columns('record_metrics', only=['team_id', 'period_start'] + record_columns) }}
        from record_metrics
    ),

    changed_cell_candidates as (
        select
            team_id,
            period_start
        from changed_request_versions
        union all
        -- a query counts under its first request: the cells of every request a changed query has now
        -- (a request it had before and has no longer is a changed request itself)
        select
            team_id,
            period_start
        from {{ ref('int_llm_requests_measured') }}
        where trace_key in (select changed_request_versions.trace_key from changed_request_versions)
        union all
        -- an evaluation counts in its own period under its request's team, else its own
        select
            team_id,
            period_start
        from changed_evaluations
        union all
        select
            evaluated_request_versions.team_id,
            changed_evaluations.period_start
        from changed_evaluations
        inner join evaluated_request_versions
            on changed_evaluations.request_id = evaluated_request_versions.request_id
        {%- for model_name in [
            'int_llm_requests_measured', 'int_llm_traces_costed', 'int_llm_evaluations_attributed', 'int_rag_answers_cited',
        ] %}
            union all
            -- the current cells of the rows recomputed since (e.g. for their evaluations, chunks or question)
            select
                team_id,
                period_start
            from {{ ref(model_name) }}
            where _batch_at > {{ since }}
        {%- endfor %}
        union all
        -- cells that joined or left the spine
        {{ ai_maturity.spine_changed_cells() }}
        union all
        -- cells whose record metrics (explainability, bias audits, documentation) changed (a mean
        -- summed in another order is not a change: values_differ)
        select
            mart_rows.team_id,
            mart_rows.period_start
        from {{ this }} as mart_rows
        inner join record_mart_values
            on mart_rows.team_id = record_mart_values.team_id
            and mart_rows.period_start = record_mart_values.period_start
        where
            false
            {%- for column in record_columns %}
                or {{ ai_maturity.values_differ('record_mart_values.' ~ column, 'mart_rows.' ~ column) }}
            {%- endfor %}
    ),

    {{ ai_maturity.changed_cells_cte() }}
{%- endif %}

spine as (
    select * from all_team_periods
    where {{ ai_maturity.in_changed_cells('all_team_periods') }}
),

llm_traces as (
    select * from {{ ref('int_llm_traces_costed') }} as traces
    where {{ ai_maturity.in_changed_cells('traces') }}
),

llm_evaluations as (
    select * from {{ ref('int_llm_evaluations_attributed') }} as evaluations
    where {{ ai_maturity.in_changed_cells('evaluations') }}
),

rag_answers as (
    select * from {{ ref('int_rag_answers_cited') }} as answers
    where {{ ai_maturity.in_changed_cells('answers') }}
),

-- percentiles by ranking, not quantile aggregates (llm_request_percentile_ctes)
{{ ai_maturity.llm_request_percentile_ctes(in_scope_requests, 'team_id, period_start') }},

request_stats as (
    select
        team_id,
        period_start,
        count(*) as requests_count,
        sum(cost_usd) as cost_usd,
        avg(cast(response_output_tokens as {{ ai_maturity.type_double() }})) as tokens_per_response,
        count(response_output_tokens) as tokens_per_response_n,
        count(latency_per_output_token_ms) as latency_per_output_token_ms_p50_n,
        count(time_to_first_token_ms) as time_to_first_token_ms_p95_n,
        cast(sum(useful_output_tokens) as {{ dbt.type_bigint() }}) as useful_output_tokens,
        count(case when status = 'refused' then 1 end) as refused_requests,
        count(case when has_evaluation then 1 end) as evaluated_requests,
        count(case when has_provenance_ids then 1 end) as traceable_requests
    from {{ in_scope_requests }}
    group by team_id, period_start
),

trace_stats as (
    select
        team_id,
        period_start,
        count(*) as llm_queries,
        sum(cost_usd) as cost_usd
    from llm_traces
    group by team_id, period_start
),

evaluation_stats as (
    select
        team_id,
        period_start,
        count(case when is_quality_suite and evaluation_name = 'hallucination' and not passed then 1 end)
            as hallucinated_evaluations,
        count(case when is_quality_suite and evaluation_name = 'hallucination' then 1 end)
            as hallucination_evaluations,
        count(case when is_quality_suite and evaluation_name = 'refusal' and is_legitimate_request and not passed then 1 end)
            as unwarranted_refusal_evaluations,
        count(case when is_quality_suite and evaluation_name = 'refusal' and is_legitimate_request then 1 end)
            as legitimate_refusal_evaluations,
        count(case when evaluation_name in ('toxicity', 'pii_leak') and passed then 1 end) as safety_passed_evaluations,
        count(case when evaluation_name in ('toxicity', 'pii_leak') then 1 end) as safety_evaluations,
        avg(case when is_quality_suite and evaluation_name = 'faithfulness' then score_value end) as faithfulness_mean,
        count(case when is_quality_suite and evaluation_name = 'faithfulness' then score_value end) as faithfulness_mean_n,
        count(case when is_quality_suite and evaluation_name = 'instruction_following' and passed then 1 end)
            as instruction_following_passed_evaluations,
        count(case when is_quality_suite and evaluation_name = 'instruction_following' then 1 end)
            as instruction_following_evaluations
    from llm_evaluations
    group by team_id, period_start
),

citation_stats as (
    select
        team_id,
        period_start,
        avg(citation_precision) as citation_precision,
        count(citation_precision) as citation_precision_n,
        avg(citation_recall) as citation_recall,
        count(citation_recall) as citation_recall_n,
        count(case when is_uncited then 1 end) as uncited_answers
    from rag_answers
    group by team_id, period_start
),

metrics as (
    select
        record_metrics.*,
        coalesce(trace_stats.llm_queries, 0) as llm_queries,
        {{ ai_maturity.safe_divide('trace_stats.cost_usd', 'trace_stats.llm_queries') }} as cost_per_query_usd,
        coalesce(trace_stats.llm_queries, 0) as cost_per_query_usd_n,
        request_stats.tokens_per_response,
        coalesce(request_stats.tokens_per_response_n, 0) as tokens_per_response_n,
        latency_p50.latency_per_output_token_ms_p50,
        coalesce(request_stats.latency_per_output_token_ms_p50_n, 0) as latency_per_output_token_ms_p50_n,
        time_to_first_token_p95.time_to_first_token_ms_p95,
        coalesce(request_stats.time_to_first_token_ms_p95_n, 0) as time_to_first_token_ms_p95_n,
        {{ ai_maturity.safe_divide('coalesce(request_stats.cost_usd, 0)', 'request_stats.useful_output_tokens') }}
            as cost_per_useful_token_usd,
        coalesce(request_stats.useful_output_tokens, 0) as cost_per_useful_token_usd_n,
        {{ ai_maturity.safe_divide('evaluation_stats.hallucinated_evaluations', 'evaluation_stats.hallucination_evaluations') }}
            as hallucination_rate,
        coalesce(evaluation_stats.hallucination_evaluations, 0) as hallucination_rate_n,
        {{ ai_maturity.safe_divide('request_stats.refused_requests', 'request_stats.requests_count') }} as refusal_rate,
        coalesce(request_stats.requests_count, 0) as refusal_rate_n,
        {{ ai_maturity.safe_divide('evaluation_stats.unwarranted_refusal_evaluations', 'evaluation_stats.legitimate_refusal_evaluations') }}
            as unwarranted_refusal_rate,
        coalesce(evaluation_stats.legitimate_refusal_evaluations, 0) as unwarranted_refusal_rate_n,
        {{ ai_maturity.safe_divide('evaluation_stats.safety_passed_evaluations', 'evaluation_stats.safety_evaluations') }}
            as safety_pass_rate,
        coalesce(evaluation_stats.safety_evaluations, 0) as safety_pass_rate_n,
        evaluation_stats.faithfulness_mean,
        coalesce(evaluation_stats.faithfulness_mean_n, 0) as faithfulness_mean_n,
        {{ ai_maturity.safe_divide(
            'evaluation_stats.instruction_following_passed_evaluations',
            'evaluation_stats.instruction_following_evaluations',
        ) }} as instruction_following_rate,
        coalesce(evaluation_stats.instruction_following_evaluations, 0) as instruction_following_rate_n,
        citation_stats.citation_precision,
        coalesce(citation_stats.citation_precision_n, 0) as citation_precision_n,
        citation_stats.citation_recall,
        coalesce(citation_stats.citation_recall_n, 0) as citation_recall_n,
        coalesce(citation_stats.uncited_answers, 0) as uncited_answers,
        {{ ai_maturity.safe_divide('request_stats.evaluated_requests', 'request_stats.requests_count') }}
            as evaluation_coverage,
        coalesce(request_stats.requests_count, 0) as evaluation_coverage_n,
        {{ ai_maturity.safe_divide('request_stats.traceable_requests', 'request_stats.requests_count') }}
            as trace_id_coverage,
        coalesce(request_stats.requests_count, 0) as trace_id_coverage_n,
        {{ ai_maturity.batch_at() }} as _batch_at
    from spine
    inner join record_metrics
        on spine.team_id = record_metrics.team_id
        and spine.period_start = record_metrics.period_start
    left join request_stats
        on spine.team_id = request_stats.team_id
        and spine.period_start = request_stats.period_start
    left join latency_p50
        on spine.team_id = latency_p50.team_id
        and spine.period_start = latency_p50.period_start
    left join time_to_first_token_p95
        on spine.team_id = time_to_first_token_p95.team_id
        and spine.period_start = time_to_first_token_p95.period_start
    left join trace_stats
        on spine.team_id = trace_stats.team_id
        and spine.period_start = trace_stats.period_start
    left join evaluation_stats
        on spine.team_id = evaluation_stats.team_id
        and spine.period_start = evaluation_stats.period_start
    left join citation_stats
        on spine.team_id = citation_stats.team_id
        and spine.period_start = citation_stats.period_start
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('metrics') }}
    from metrics
    {{ ai_maturity.union_tombstones(['team_id', 'period_start'], 'metrics') }}
)

select * from final

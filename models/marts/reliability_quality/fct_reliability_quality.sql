{#-
  Reliability & quality metrics per team and period (metrics.md §4), over the shared spine: a
  quiet period has null rates, medians and stability. A metric that needs an optional raw table
  that is switched off (inference_windows, slo_targets, drift_checks, llm_requests) is null, its
  `_n` too. Grain: team_id × period_start.
-#}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

inference_windows as (
    select * from {{ ref('int_inference_windows_slo_checked') }}
),

drift_checks as (
    select * from {{ ref('int_drift_checks_linked') }}
),

rollbacks as (
    select * from {{ ref('int_rollbacks_timed') }}
),

llm_requests as (
    select * from {{ ref('int_llm_requests_errored') }}
),

window_stats as (
    select
        team_id,
        period_start,
        count(case when is_slo_evaluated then 1 end) as slo_evaluated_windows,
        count(case when is_slo_evaluated and meets_slo then 1 end) as slo_met_windows,
        count(case when has_requests then latency_p95_ms end) as latency_windows,
        avg(case when has_requests then latency_p95_ms end) as latency_p95_mean_ms,
        stddev_samp(case when has_requests then latency_p95_ms end) as latency_p95_stddev_ms
    from inference_windows
    group by team_id, period_start
),

served_models as (
    select distinct
        team_id,
        period_start,
        model_name
    from inference_windows
    where has_requests and model_name is not null
),

monitored_models as (
    select distinct
        period_start,
        model_name
    from drift_checks
),

coverage_stats as (
    select
        served_models.team_id,
        served_models.period_start,
        count(*) as served_models_count,
        count(monitored_models.model_name) as monitored_models_count
    from served_models
    left join monitored_models
        on served_models.period_start = monitored_models.period_start
        and served_models.model_name = monitored_models.model_name
    group by served_models.team_id, served_models.period_start
),

rollback_stats as (
    select
        team_id,
        period_start,
        {{ ai_maturity.median('rollback_speed_minutes') }} as median_rollback_minutes,
        count(rollback_speed_minutes) as rollback_values
    from rollbacks
    group by team_id, period_start
),

{{ ai_maturity.median_interval_ctes('rollback_interval', 'rollbacks', 'rollback_speed_minutes') }},

llm_request_stats as (
    select
        team_id,
        period_start,
        count(*) as llm_requests_count,
        count(case when is_error then 1 end) as errored_requests
    from llm_requests
    group by team_id, period_start
),

window_variation as (
    select
        team_id,
        period_start,
        slo_evaluated_windows,
        slo_met_windows,
        -- coefficient of variation of the windows' p95 (null with fewer than 2 windows or a zero mean)
        case
            when latency_windows >= 2 then
                {{ ai_maturity.safe_divide('latency_p95_stddev_ms', 'latency_p95_mean_ms') }}
        end as latency_p95_variation
    from window_stats
),

window_metrics as (
    select
        team_id,
        period_start,
        slo_evaluated_windows,
        slo_met_windows,
        -- 1 − coefficient of variation, floored at 0 (not greatest(): it skips nulls on DuckDB and Spark)
        cast(case
            when latency_p95_variation >= 1 then 0
            else 1 - latency_p95_variation
        end as {{ ai_maturity.type_double() }}) as p95_stability
    from window_variation
),

metrics as (
    select
        spine.team_id,
        spine.period_start,
        {{ ai_maturity.safe_divide('window_metrics.slo_met_windows', 'window_metrics.slo_evaluated_windows') }} as sla_adherence,
        coalesce(window_metrics.slo_evaluated_windows, 0) as sla_adherence_n,
        window_metrics.p95_stability as latency_p95_stability,
        {{ ai_maturity.safe_divide('coverage_stats.monitored_models_count', 'coverage_stats.served_models_count') }}
            as drift_monitoring_coverage,
        coalesce(coverage_stats.served_models_count, 0)
            as drift_monitoring_coverage_n,
        rollback_stats.median_rollback_minutes as rollback_speed_median_minutes,
        coalesce(rollback_stats.rollback_values, 0) as rollback_speed_median_minutes_n,
        rollback_interval.ci_low as rollback_speed_median_minutes_ci_low,
        rollback_interval.ci_high as rollback_speed_median_minutes_ci_high,
        {{ ai_maturity.safe_divide('llm_request_stats.errored_requests', 'llm_request_stats.llm_requests_count') }} as llm_error_rate,
        coalesce(llm_request_stats.llm_requests_count, 0) as llm_error_rate_n
    from spine
    left join window_metrics
        on spine.team_id = window_metrics.team_id
        and spine.period_start = window_metrics.period_start
    left join coverage_stats
        on spine.team_id = coverage_stats.team_id
        and spine.period_start = coverage_stats.period_start
    left join rollback_stats
        on spine.team_id = rollback_stats.team_id
        and spine.period_start = rollback_stats.period_start
    left join rollback_interval
        on spine.team_id = rollback_interval.team_id
        and spine.period_start = rollback_interval.period_start
    left join llm_request_stats
        on spine.team_id = llm_request_stats.team_id
        and spine.period_start = llm_request_stats.period_start
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('metrics') }}
    from metrics
)

select * from final

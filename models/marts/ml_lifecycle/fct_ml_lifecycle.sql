{#-
  ML lifecycle metrics per team and period (metrics.md §2), over the shared spine: a quiet period
  has zero counts and null rates/medians. A metric that needs an optional raw table that is
  switched off (training_runs, drift_checks) is null, its `_n` too. Grain: team_id × period_start.
-#}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

training_runs as (
    select * from {{ ref('int_training_runs_timed') }}
),

drift_checks as (
    select * from {{ ref('int_drift_checks_linked') }}
),

model_deployments as (
    select * from {{ ref('int_model_deployments_traced') }}
),

started_run_stats as (
    select
        team_id,
        period_start,
        count(*) as started_runs,
        count(case when is_automated then 1 end) as automated_runs,
        {{ ai_maturity.median('data_to_training_lag_hours') }} as median_lag_hours,
        count(data_to_training_lag_hours) as lag_values
    from training_runs
    group by team_id, period_start
),

finished_run_stats as (
    select
        team_id,
        finished_period_start as period_start,
        count(*) as finished_runs,
        {{ ai_maturity.median('retrain_time_hours') }} as median_retrain_hours,
        count(retrain_time_hours) as retrain_values,
        count(case when is_reproducible then 1 end) as reproducible_runs,
        count(case when is_eval_gated then 1 end) as eval_gated_runs
    from training_runs
    where is_finished
    group by team_id, finished_period_start
),

drift_alert_stats as (
    select
        team_id,
        period_start,
        count(*) as alert_count,
        {{ ai_maturity.median('drift_to_retrain_hours') }} as median_drift_to_retrain_hours,
        count(drift_to_retrain_hours) as drift_to_retrain_values,
        count(case when is_auto_retrained then 1 end) as auto_retrained_alerts
    from drift_checks
    where is_drift_alert
    group by team_id, period_start
),

model_deployment_stats as (
    select
        team_id,
        period_start,
        count(*) as model_deployments,
        count(case when is_automated then 1 end) as automated_model_deployments,
        count(case when is_progressive then 1 end) as progressive_model_deployments,
        count(case when is_traceable then 1 end) as traceable_model_deployments
    from model_deployments
    group by team_id, period_start
),

{{ ai_maturity.median_interval_ctes('lag_interval', 'training_runs', 'data_to_training_lag_hours') }},

{{ ai_maturity.median_interval_ctes(
    'retrain_interval', 'training_runs', 'retrain_time_hours',
    where='is_finished', period_column='finished_period_start'
) }},

{{ ai_maturity.median_interval_ctes(
    'drift_to_retrain_interval', 'drift_checks', 'drift_to_retrain_hours', where='is_drift_alert'
) }},

metrics as (
    select
        spine.team_id,
        spine.period_start,
        coalesce(started_run_stats.started_runs, 0) as training_runs_count,
        {{ ai_maturity.safe_divide('started_run_stats.automated_runs', 'started_run_stats.started_runs') }} as automated_training_share,
        coalesce(started_run_stats.started_runs, 0) as automated_training_share_n,
        finished_run_stats.median_retrain_hours as retrain_time_median_hours,
        coalesce(finished_run_stats.retrain_values, 0) as retrain_time_median_hours_n,
        retrain_interval.ci_low as retrain_time_median_hours_ci_low,
        retrain_interval.ci_high as retrain_time_median_hours_ci_high,
        started_run_stats.median_lag_hours as data_to_training_lag_median_hours,
        coalesce(started_run_stats.lag_values, 0) as data_to_training_lag_median_hours_n,
        lag_interval.ci_low as data_to_training_lag_median_hours_ci_low,
        lag_interval.ci_high as data_to_training_lag_median_hours_ci_high,
        {{ ai_maturity.safe_divide('finished_run_stats.reproducible_runs', 'finished_run_stats.finished_runs') }} as reproducible_run_share,
        coalesce(finished_run_stats.finished_runs, 0) as reproducible_run_share_n,
        {{ ai_maturity.safe_divide('finished_run_stats.eval_gated_runs', 'finished_run_stats.finished_runs') }} as eval_gated_run_share,
        coalesce(finished_run_stats.finished_runs, 0) as eval_gated_run_share_n,
        coalesce(drift_alert_stats.alert_count, 0) as drift_alerts_count,
        drift_alert_stats.median_drift_to_retrain_hours
            as drift_to_retrain_median_hours,
        coalesce(drift_alert_stats.drift_to_retrain_values, 0)
            as drift_to_retrain_median_hours_n,
        drift_to_retrain_interval.ci_low as drift_to_retrain_median_hours_ci_low,
        drift_to_retrain_interval.ci_high as drift_to_retrain_median_hours_ci_high,
        {{ ai_maturity.safe_divide('drift_alert_stats.auto_retrained_alerts', 'drift_alert_stats.alert_count') }}
            as drift_auto_retrain_share,
        coalesce(drift_alert_stats.alert_count, 0) as drift_auto_retrain_share_n,
        coalesce(model_deployment_stats.model_deployments, 0) as model_deployments_count,
        {{ ai_maturity.safe_divide('model_deployment_stats.automated_model_deployments', 'model_deployment_stats.model_deployments') }}
            as model_deploy_automation_share,
        coalesce(model_deployment_stats.model_deployments, 0) as model_deploy_automation_share_n,
        {{ ai_maturity.safe_divide('model_deployment_stats.progressive_model_deployments', 'model_deployment_stats.model_deployments') }}
            as progressive_model_deploy_share,
        coalesce(model_deployment_stats.model_deployments, 0) as progressive_model_deploy_share_n,
        {{ ai_maturity.safe_divide('model_deployment_stats.traceable_model_deployments', 'model_deployment_stats.model_deployments') }}
            as model_traceability_share,
        coalesce(model_deployment_stats.model_deployments, 0) as model_traceability_share_n
    from spine
    left join started_run_stats
        on spine.team_id = started_run_stats.team_id
        and spine.period_start = started_run_stats.period_start
    left join finished_run_stats
        on spine.team_id = finished_run_stats.team_id
        and spine.period_start = finished_run_stats.period_start
    left join drift_alert_stats
        on spine.team_id = drift_alert_stats.team_id
        and spine.period_start = drift_alert_stats.period_start
    left join model_deployment_stats
        on spine.team_id = model_deployment_stats.team_id
        and spine.period_start = model_deployment_stats.period_start
    left join lag_interval
        on spine.team_id = lag_interval.team_id
        and spine.period_start = lag_interval.period_start
    left join retrain_interval
        on spine.team_id = retrain_interval.team_id
        and spine.period_start = retrain_interval.period_start
    left join drift_to_retrain_interval
        on spine.team_id = drift_to_retrain_interval.team_id
        and spine.period_start = drift_to_retrain_interval.period_start
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('metrics') }}
    from metrics
)

select * from final

{#-
  ML lifecycle metrics per team and period (metrics.md §2), over the shared spine: a quiet period
  has zero counts and null rates/medians. A metric that needs an optional raw table that is
  switched off (training_runs, drift_checks) is null, its `_n` too. Grain: team_id × period_start.
-#}
{%- set runs_on = ai_maturity.is_table_enabled('training_runs') -%}
{%- set drift_on = ai_maturity.is_table_enabled('drift_checks') -%}

{#- a typed null stands in for a metric whose optional table is switched off -#}
{%- set null_double = 'cast(null as ' ~ ai_maturity.type_double() ~ ')' -%}
{%- set null_bigint = 'cast(null as ' ~ dbt.type_bigint() ~ ')' %}

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
        count(*) as training_runs_count,
        count(case when is_automated then 1 end) as automated_runs,
        {{ ai_maturity.median('data_to_training_lag_hours') }} as data_to_training_lag_median_hours,
        count(data_to_training_lag_hours) as data_to_training_lag_median_hours_n
    from training_runs
    group by team_id, period_start
),

finished_run_stats as (
    select
        team_id,
        finished_period_start as period_start,
        count(*) as finished_runs,
        {{ ai_maturity.median('retrain_time_hours') }} as retrain_time_median_hours,
        count(retrain_time_hours) as retrain_time_median_hours_n,
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
        count(*) as drift_alerts_count,
        {{ ai_maturity.median('drift_to_retrain_hours') }} as drift_to_retrain_median_hours,
        count(drift_to_retrain_hours) as drift_to_retrain_median_hours_n,
        count(case when is_auto_retrained then 1 end) as auto_retrained_alerts
    from drift_checks
    where is_drift_alert
    group by team_id, period_start
),

model_deployment_stats as (
    select
        team_id,
        period_start,
        count(*) as model_deployments_count,
        count(case when is_automated then 1 end) as automated_model_deployments,
        count(case when is_progressive then 1 end) as progressive_model_deployments,
        count(case when is_traceable then 1 end) as traceable_model_deployments
    from model_deployments
    group by team_id, period_start
),

metrics as (
    select
        spine.team_id,
        spine.period_start,
        coalesce(started_run_stats.training_runs_count, 0) as training_runs_count,
        {{ ai_maturity.safe_divide('started_run_stats.automated_runs', 'started_run_stats.training_runs_count') }}
            as automated_training_share,
        coalesce(started_run_stats.training_runs_count, 0) as automated_training_share_n,
        finished_run_stats.retrain_time_median_hours,
        coalesce(finished_run_stats.retrain_time_median_hours_n, 0) as retrain_time_median_hours_n,
        started_run_stats.data_to_training_lag_median_hours,
        coalesce(started_run_stats.data_to_training_lag_median_hours_n, 0) as data_to_training_lag_median_hours_n,
        {{ ai_maturity.safe_divide('finished_run_stats.reproducible_runs', 'finished_run_stats.finished_runs') }}
            as reproducible_run_share,
        coalesce(finished_run_stats.finished_runs, 0) as reproducible_run_share_n,
        {{ ai_maturity.safe_divide('finished_run_stats.eval_gated_runs', 'finished_run_stats.finished_runs') }}
            as eval_gated_run_share,
        coalesce(finished_run_stats.finished_runs, 0) as eval_gated_run_share_n,
        coalesce(drift_alert_stats.drift_alerts_count, 0) as drift_alerts_count,
        drift_alert_stats.drift_to_retrain_median_hours,
        coalesce(drift_alert_stats.drift_to_retrain_median_hours_n, 0) as drift_to_retrain_median_hours_n,
        {{ ai_maturity.safe_divide('drift_alert_stats.auto_retrained_alerts', 'drift_alert_stats.drift_alerts_count') }}
            as drift_auto_retrain_share,
        coalesce(drift_alert_stats.drift_alerts_count, 0) as drift_auto_retrain_share_n,
        coalesce(model_deployment_stats.model_deployments_count, 0) as model_deployments_count,
        {{ ai_maturity.safe_divide('model_deployment_stats.automated_model_deployments', 'model_deployment_stats.model_deployments_count') }}
            as model_deploy_automation_share,
        {{ ai_maturity.safe_divide('model_deployment_stats.progressive_model_deployments', 'model_deployment_stats.model_deployments_count') }}
            as progressive_model_deploy_share,
        {{ ai_maturity.safe_divide('model_deployment_stats.traceable_model_deployments', 'model_deployment_stats.model_deployments_count') }}
            as model_traceability_share,
        coalesce(model_deployment_stats.model_deployments_count, 0) as model_deployments_n
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
),

final as (
    select
        metrics.team_id,
        metrics.period_start,
        {{ 'metrics.training_runs_count' if runs_on else null_bigint }} as training_runs_count,
        {{ 'metrics.automated_training_share' if runs_on else null_double }} as automated_training_share,
        {{ 'metrics.automated_training_share_n' if runs_on else null_bigint }} as automated_training_share_n,
        {{ 'metrics.retrain_time_median_hours' if runs_on else null_double }} as retrain_time_median_hours,
        {{ 'metrics.retrain_time_median_hours_n' if runs_on else null_bigint }} as retrain_time_median_hours_n,
        {{ 'metrics.data_to_training_lag_median_hours' if runs_on else null_double }}
            as data_to_training_lag_median_hours,
        {{ 'metrics.data_to_training_lag_median_hours_n' if runs_on else null_bigint }}
            as data_to_training_lag_median_hours_n,
        {{ 'metrics.reproducible_run_share' if runs_on else null_double }} as reproducible_run_share,
        {{ 'metrics.reproducible_run_share_n' if runs_on else null_bigint }} as reproducible_run_share_n,
        {{ 'metrics.eval_gated_run_share' if runs_on else null_double }} as eval_gated_run_share,
        {{ 'metrics.eval_gated_run_share_n' if runs_on else null_bigint }} as eval_gated_run_share_n,
        {{ 'metrics.drift_alerts_count' if drift_on else null_bigint }} as drift_alerts_count,
        {{ 'metrics.drift_to_retrain_median_hours' if drift_on and runs_on else null_double }}
            as drift_to_retrain_median_hours,
        {{ 'metrics.drift_to_retrain_median_hours_n' if drift_on and runs_on else null_bigint }}
            as drift_to_retrain_median_hours_n,
        {{ 'metrics.drift_auto_retrain_share' if drift_on and runs_on else null_double }} as drift_auto_retrain_share,
        {{ 'metrics.drift_auto_retrain_share_n' if drift_on and runs_on else null_bigint }}
            as drift_auto_retrain_share_n,
        metrics.model_deployments_count,
        metrics.model_deploy_automation_share,
        metrics.model_deployments_n as model_deploy_automation_share_n,
        metrics.progressive_model_deploy_share,
        metrics.model_deployments_n as progressive_model_deploy_share_n,
        {{ 'metrics.model_traceability_share' if runs_on else null_double }} as model_traceability_share,
        {{ 'metrics.model_deployments_n' if runs_on else null_bigint }} as model_traceability_share_n
    from metrics
)

select * from final

{#-
  DORA change-delivery metrics per team and period (metrics.md §1), over the shared spine: a quiet
  period has zero counts and null rates. Grain: team_id × period_start.
-#}
with spine as (
    select * from {{ ref('int_team_periods') }}
),

deployments as (
    select * from {{ ref('int_deployments_classified') }}
),

changes as (
    select * from {{ ref('int_changes_lead_time') }}
),

incidents as (
    select * from {{ ref('int_incidents_restored') }}
),

bands as (
    select * from {{ ai_maturity.dora_benchmarks_relation() }}
    where report_year = {{ ai_maturity.setting('dora_report_year') }}
),

deployment_stats as (
    select
        team_id,
        period_start,
        count(case when is_dora_deployment then 1 end) as deployments_count,
        count(case when is_dora_deployment and trigger != 'manual' then 1 end) as pipeline_deployments,
        count(distinct case when is_dora_deployment and is_successful then finished_date end) as deploy_days,
        count(case when is_dora_deployment and is_failed then 1 end) as failed_deployments,
        {{ ai_maturity.median('case when is_dora_deployment and is_failed then recovery_hours end') }}
            as failed_deployment_recovery_median_hours,
        count(case when is_dora_deployment and is_failed then recovery_hours end)
            as failed_deployment_recovery_median_hours_n,
        count(case when is_dora_deployment and is_unrecovered then 1 end) as unrecovered_failed_deployments,
        count(case when is_rework then 1 end) as rework_deployments,
        count(*) as production_deployments_incl_rollbacks
    from deployments
    group by team_id, period_start
),

lead_time_stats as (
    select
        team_id,
        period_start,
        {{ ai_maturity.median('lead_time_hours') }} as change_lead_time_median_hours,
        count(lead_time_hours) as change_lead_time_median_hours_n
    from changes
    group by team_id, period_start
),

restore_stats as (
    select
        team_id,
        resolved_period_start as period_start,
        {{ ai_maturity.median('restore_hours') }} as time_to_restore_median_hours,
        count(restore_hours) as time_to_restore_median_hours_n
    from incidents
    where resolved_period_start is not null
    group by team_id, resolved_period_start
),

{{ ai_maturity.median_interval_ctes(
    'recovery_interval', 'deployments', 'recovery_hours', where='is_dora_deployment and is_failed'
) }},

{{ ai_maturity.median_interval_ctes('lead_time_interval', 'changes', 'lead_time_hours') }},

{{ ai_maturity.median_interval_ctes(
    'restore_interval', 'incidents', 'restore_hours',
    where='resolved_period_start is not null', period_column='resolved_period_start'
) }},

metrics as (
    select
        spine.team_id,
        spine.period_start,
        spine.days_in_period,
        coalesce(deployment_stats.deployments_count, 0) as deployments_count,
        {{ ai_maturity.safe_divide('7 * coalesce(deployment_stats.deployments_count, 0)', 'spine.days_in_period') }}
            as deployment_frequency_per_week,
        {{ ai_maturity.safe_divide('deployment_stats.pipeline_deployments', 'deployment_stats.deployments_count') }}
            as pipeline_deploy_share,
        coalesce(deployment_stats.deployments_count, 0) as pipeline_deploy_share_n,
        {{ ai_maturity.safe_divide('coalesce(deployment_stats.deploy_days, 0)', 'spine.days_in_period') }}
            as deploy_days_share,
        lead_time_stats.change_lead_time_median_hours,
        coalesce(lead_time_stats.change_lead_time_median_hours_n, 0) as change_lead_time_median_hours_n,
        lead_time_interval.ci_low as change_lead_time_median_hours_ci_low,
        lead_time_interval.ci_high as change_lead_time_median_hours_ci_high,
        {{ ai_maturity.safe_divide('deployment_stats.failed_deployments', 'deployment_stats.deployments_count') }}
            as change_fail_rate,
        coalesce(deployment_stats.deployments_count, 0) as change_fail_rate_n,
        coalesce(deployment_stats.failed_deployments, 0) as failed_deployments_count,
        deployment_stats.failed_deployment_recovery_median_hours,
        coalesce(deployment_stats.failed_deployment_recovery_median_hours_n, 0)
            as failed_deployment_recovery_median_hours_n,
        recovery_interval.ci_low as failed_deployment_recovery_median_hours_ci_low,
        recovery_interval.ci_high as failed_deployment_recovery_median_hours_ci_high,
        coalesce(deployment_stats.unrecovered_failed_deployments, 0) as unrecovered_failed_deployments,
        restore_stats.time_to_restore_median_hours,
        coalesce(restore_stats.time_to_restore_median_hours_n, 0) as time_to_restore_median_hours_n,
        restore_interval.ci_low as time_to_restore_median_hours_ci_low,
        restore_interval.ci_high as time_to_restore_median_hours_ci_high,
        {{ ai_maturity.safe_divide('deployment_stats.rework_deployments', 'deployment_stats.production_deployments_incl_rollbacks') }}
            as rework_rate,
        coalesce(deployment_stats.production_deployments_incl_rollbacks, 0) as rework_rate_n
    from spine
    left join deployment_stats
        on spine.team_id = deployment_stats.team_id
        and spine.period_start = deployment_stats.period_start
    left join lead_time_stats
        on spine.team_id = lead_time_stats.team_id
        and spine.period_start = lead_time_stats.period_start
    left join restore_stats
        on spine.team_id = restore_stats.team_id
        and spine.period_start = restore_stats.period_start
    left join recovery_interval
        on spine.team_id = recovery_interval.team_id
        and spine.period_start = recovery_interval.period_start
    left join lead_time_interval
        on spine.team_id = lead_time_interval.team_id
        and spine.period_start = lead_time_interval.period_start
    left join restore_interval
        on spine.team_id = restore_interval.team_id
        and spine.period_start = restore_interval.period_start
),

banded_metrics as (
    select
        metrics.team_id,
        metrics.period_start,
        metrics.deployments_count,
        metrics.deployment_frequency_per_week,
        metrics.pipeline_deploy_share,
        metrics.pipeline_deploy_share_n,
        metrics.deploy_days_share,
        metrics.change_lead_time_median_hours,
        metrics.change_lead_time_median_hours_n,
        metrics.change_lead_time_median_hours_ci_low,
        metrics.change_lead_time_median_hours_ci_high,
        metrics.change_fail_rate,
        metrics.change_fail_rate_n,
        metrics.failed_deployments_count,
        metrics.failed_deployment_recovery_median_hours,
        metrics.failed_deployment_recovery_median_hours_n,
        metrics.failed_deployment_recovery_median_hours_ci_low,
        metrics.failed_deployment_recovery_median_hours_ci_high,
        metrics.unrecovered_failed_deployments,
        metrics.time_to_restore_median_hours,
        metrics.time_to_restore_median_hours_n,
        metrics.time_to_restore_median_hours_ci_low,
        metrics.time_to_restore_median_hours_ci_high,
        metrics.rework_rate,
        metrics.rework_rate_n,
        frequency_band.band as deployment_frequency_band,
        lead_time_band.band as change_lead_time_band,
        fail_rate_band.band as change_fail_rate_band,
        recovery_band.band as failed_deployment_recovery_band
    from metrics
    left join bands as frequency_band
        on frequency_band.metric_name = 'deployment_frequency_per_week'
        and {{ ai_maturity.value_in_band('metrics.deployment_frequency_per_week', 'frequency_band') }}
    left join bands as lead_time_band
        on lead_time_band.metric_name = 'change_lead_time_median_hours'
        and {{ ai_maturity.value_in_band('metrics.change_lead_time_median_hours', 'lead_time_band') }}
    left join bands as fail_rate_band
        on fail_rate_band.metric_name = 'change_fail_rate'
        and {{ ai_maturity.value_in_band('metrics.change_fail_rate', 'fail_rate_band') }}
    left join bands as recovery_band
        on recovery_band.metric_name = 'failed_deployment_recovery_median_hours'
        and {{ ai_maturity.value_in_band('metrics.failed_deployment_recovery_median_hours', 'recovery_band') }}
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('banded_metrics') }}
    from banded_metrics
)

select * from final

{#-
  DORA change-delivery metrics per team and period (metrics.md §1), over the shared spine: a quiet
  period has zero counts and null rates. Grain: team_id × period_start.

  Incremental on DuckDB and PostgreSQL (delete+insert on team_id × period_start; a table on Spark):
  a run recomputes only the team × periods (cells) the raw batches since the mart's newest
  `_batch_at` can have changed (the CTE `changed`, below) and reads the other rows of its inputs
  only to skip them. A cell that left the spine comes out as a tombstone (its key, a null
  `_batch_at`), deleted by the post-hook.
-#}
{%- set incremental_run = ai_maturity.recomputes_changed_only() -%}
{#- metric → the column of its DORA band (one row of `bands` joined per metric) -#}
{%- set band_columns = {
    'deployment_frequency_per_week': 'deployment_frequency_band',
    'change_lead_time_median_hours': 'change_lead_time_band',
    'change_fail_rate': 'change_fail_rate_band',
    'failed_deployment_recovery_median_hours': 'failed_deployment_recovery_band',
} -%}
{#- the base tables and staged links an incremental run reads, ref'd on every parse -#}
{%- if not execute -%}
    {%- for table_name in ['deployments', 'incidents', 'changes', 'deployment_changes'] -%}
        {%- do ref('base_ai_maturity_raw__' ~ table_name) -%}
    {%- endfor -%}
    {%- do ref('stg_ai_maturity_raw__deployment_changes') -%}
{%- endif -%}

with
{%- if incremental_run %}
    {%- do ai_maturity.assert_history_settings_unchanged(with_periods=true) %}
    {%- set since = ai_maturity.changed_since() %}
    -- The cells this run recomputes: every cell that an input row changed since the mart's newest
    -- _batch_at counts in now or counted in before. A base table keeps every version of a
    -- re-validated key group (the old version of a re-delivered row names the cell it counted in).
    changed_deployment_versions as (
        select
            deployment_id,
            service_id,
            team_id,
            finished_at,
            rollback_of_deployment_id,
            {{ ai_maturity.staged_period_start('deployments') }}
        from {{ ref('base_ai_maturity_raw__deployments') }}
        where _batch_at > {{ since }}
    ),

    changed_incident_versions as (
        select
            team_id,
            caused_by_deployment_id,
            -- over-approximated: also the period of a resolution after the as-of cut-off
            {{ ai_maturity.period_start('resolved_at') }} as resolved_period_start
        from {{ ref('base_ai_maturity_raw__incidents') }}
        where _batch_at > {{ since }}
    ),

    changed_link_versions as (
        select
            change_id,
            deployment_id
        from {{ ref('base_ai_maturity_raw__deployment_changes') }}
        where _batch_at > {{ since }}
    ),

    -- changes recomputed since (their row, links or deployments changed) or whose row changed
    changed_change_ids as (
        select change_id
        from {{ ref('int_changes_lead_time') }}
        where _batch_at > {{ since }}
        union
        select change_id
        from {{ ref('base_ai_maturity_raw__changes') }}
        where _batch_at > {{ since }}
        union
        select change_id
        from changed_link_versions
    ),

    -- deployments whose outcome or shipped changes another changed row can have moved: named by a
    -- changed rollback, blamed by a changed incident, linked (before or now) to a changed change
    related_deployment_ids as (
        select rollback_of_deployment_id as deployment_id
        from changed_deployment_versions
        union
        select caused_by_deployment_id as deployment_id
        from changed_incident_versions
        union
        select deployment_id
        from changed_link_versions
        union
        select deployment_id
        from {{ ref('stg_ai_maturity_raw__deployment_changes') }}
        where change_id in (select changed_change_ids.change_id from changed_change_ids)
    ),

    changed_cell_candidates as (
        select
            team_id,
            period_start
        from changed_deployment_versions
        union all
        -- failed deployments of a changed deployment's service whose next success can have moved:
        -- finished before it, next success (the first strictly later) at or after it, or none
        select
            classified.team_id,
            classified.period_start
        from {{ ref('int_deployments_classified') }} as classified
        inner join changed_deployment_versions as versions
            on classified.service_id = versions.service_id
            and classified.finished_at < versions.finished_at
        where
            classified.is_failed
            and (
                classified.next_success_finished_at is null
                or classified.next_success_finished_at >= versions.finished_at
            )
        union all
        select
            classified.team_id,
            classified.period_start
        from {{ ref('int_deployments_classified') }} as classified
        where classified.deployment_id in (select related_deployment_ids.deployment_id from related_deployment_ids)
        union all
        select
            team_id,
            resolved_period_start as period_start
        from changed_incident_versions
        union all
        select
            team_id,
            period_start
        from {{ ref('int_changes_lead_time') }}
        where _batch_at > {{ since }}
        union all
        -- cells that joined or left the spine
        {{ ai_maturity.spine_changed_cells() }}
        union all
        -- cells whose stored bands the current benchmarks (seed or report year) set differently
        select
            mart_rows.team_id,
            mart_rows.period_start
        from {{ this }} as mart_rows
        {%- for metric, band in band_columns.items() %}
            left join {{ ai_maturity.dora_benchmarks_relation() }} as {{ band }}
                on {{ band }}.report_year = {{ ai_maturity.setting('dora_report_year') }}
                and {{ band }}.metric_name = '{{ metric }}'
                and {{ ai_maturity.value_in_band('mart_rows.' ~ metric, band) }}
        {%- endfor %}
        where
            false
            {%- for band in band_columns.values() %}
                or {{ band }}.band is distinct from mart_rows.{{ band }}
            {%- endfor %}
    ),

    {{ ai_maturity.changed_cells_cte() }}
{%- endif %}

spine as (
    select * from {{ ref('int_team_periods') }} as spine
    where {{ ai_maturity.in_changed_cells('spine') }}
),

deployments as (
    select * from {{ ref('int_deployments_classified') }} as deployments
    where {{ ai_maturity.in_changed_cells('deployments') }}
),

changes as (
    select * from {{ ref('int_changes_lead_time') }} as changes
    where {{ ai_maturity.in_changed_cells('changes') }}
),

incidents as (
    select * from {{ ref('int_incidents_restored') }} as incidents
    where {{ ai_maturity.in_changed_cells('incidents', 'resolved_period_start') }}
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
        metrics.*,
        {%- for band in band_columns.values() %}
            {{ band }}.band as {{ band }},
        {%- endfor %}
        {{ ai_maturity.batch_at() }} as _batch_at
    from metrics
    {%- for metric, band in band_columns.items() %}
        left join bands as {{ band }}
            on {{ band }}.metric_name = '{{ metric }}'
            and {{ ai_maturity.value_in_band('metrics.' ~ metric, band) }}
    {%- endfor %}
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('banded_metrics') }}
    from banded_metrics
    {{ ai_maturity.union_tombstones(['team_id', 'period_start'], 'banded_metrics') }}
)

select * from final

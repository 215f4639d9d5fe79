{#-
  Production deployments that were not cancelled (rollbacks included), each with its DORA outcome:
  failed or not (and why), recovery time, rework. Grain: deployment_id.
  `is_dora_deployment` marks the §1 "deployment" set (rollbacks excluded).
-#}
with deployments as (
    select * from {{ ref('stg_ai_maturity_raw__deployments') }}
    where environment = 'production'
        and status != 'cancelled'
),

incidents as (
    select * from {{ ref('stg_ai_maturity_raw__incidents') }}
),

named_by_rollback as (
    select distinct rollback_of_deployment_id as deployment_id
    from deployments
    where is_rollback and rollback_of_deployment_id is not null
),

incident_links as (
    select
        caused_by_deployment_id as deployment_id,
        -- an incident resolved after the as-of cut-off is still open then
        min(case when {{ ai_maturity.as_of_filter('resolved_at') }} then resolved_at end) as first_incident_resolved_at
    from incidents
    where caused_by_deployment_id is not null
    group by caused_by_deployment_id
),

-- per service and finish time, the success finished then (a window over these distinct times, not a
-- self-join of every deployment with every later one of its service: quadratic per service)
service_finish_times as (
    select
        service_id,
        finished_at,
        min(case when status = 'success' then finished_at end) as success_finished_at
    from deployments
    where service_id is not null
        and finished_at is not null
    group by service_id, finished_at
),

-- the first success finished strictly later than each finish time of the service
next_success as (
    select
        service_id,
        finished_at,
        min(success_finished_at) over (
            partition by service_id
            order by finished_at
            rows between 1 following and unbounded following
        ) as next_success_finished_at
    from service_finish_times
),

classified as (
    select
        deployments.deployment_id,
        deployments.service_id,
        deployments.team_id,
        deployments.artifact_type,
        deployments.model_name,
        deployments.model_version,
        deployments.training_run_id,
        deployments.status,
        deployments.trigger,
        deployments.strategy,
        deployments.is_rollback,
        deployments.rollback_of_deployment_id,
        deployments.is_unplanned,
        deployments.pre_deploy_eval_passed,
        deployments.started_at,
        deployments.finished_at,
        deployments.period_start,
        cast(deployments.finished_at as date) as finished_date,
        not deployments.is_rollback as is_dora_deployment,
        deployments.status = 'success' as is_successful,
        deployments.status in ('failed', 'rolled_back') as is_failed_by_status,
        named_by_rollback.deployment_id is not null as is_named_by_rollback,
        incident_links.deployment_id is not null as is_named_by_incident,
        deployments.is_unplanned or deployments.is_rollback as is_rework,
        next_success.next_success_finished_at,
        incident_links.first_incident_resolved_at
    from deployments
    left join named_by_rollback on deployments.deployment_id = named_by_rollback.deployment_id
    left join incident_links on deployments.deployment_id = incident_links.deployment_id
    left join next_success
        on deployments.service_id = next_success.service_id
        and deployments.finished_at = next_success.finished_at
),

outcomes as (
    select
        *,
        is_failed_by_status or is_named_by_rollback or is_named_by_incident as is_failed,
        case
            when not (is_failed_by_status or is_named_by_rollback or is_named_by_incident) then null
            when next_success_finished_at is null then first_incident_resolved_at
            when first_incident_resolved_at is null then next_success_finished_at
            else least(next_success_finished_at, first_incident_resolved_at)
        end as recovered_at
    from classified
),

final as (
    select
        *,
        {{ ai_maturity.duration('finished_at', 'recovered_at', 'hours') }} as recovery_hours,
        is_failed and recovered_at is null as is_unrecovered
    from outcomes
)

select * from final

{#-
  Each change that reached production, with the deployment that first shipped it successfully and
  its lead time. A change belongs to the team of that deployment. A negative lead time (first commit
  after the deployment: a bad clock) is null and flagged. Grain: change_id.
-#}
with changes as (
    select * from {{ ref('stg_ai_maturity_raw__changes') }}
),

deployment_changes as (
    select * from {{ ref('stg_ai_maturity_raw__deployment_changes') }}
),

successful_deployments as (
    select * from {{ ref('int_deployments_classified') }}
    where is_successful
),

shipments as (
    select
        deployment_changes.change_id,
        successful_deployments.deployment_id,
        successful_deployments.team_id,
        successful_deployments.finished_at,
        successful_deployments.period_start,
        row_number() over (
            partition by deployment_changes.change_id
            order by successful_deployments.finished_at, successful_deployments.deployment_id
        ) as shipment_number
    from deployment_changes
    inner join successful_deployments on deployment_changes.deployment_id = successful_deployments.deployment_id
),

final as (
    select
        changes.change_id,
        changes.service_id,
        shipments.team_id,
        shipments.deployment_id as shipped_by_deployment_id,
        changes.first_commit_at,
        shipments.finished_at as shipped_at,
        shipments.period_start,
        {{ ai_maturity.duration('changes.first_commit_at', 'shipments.finished_at', 'hours') }} as lead_time_hours,
        shipments.finished_at < changes.first_commit_at as has_negative_lead_time
    from changes
    inner join shipments
        on changes.change_id = shipments.change_id
        and shipments.shipment_number = 1
)

select * from final

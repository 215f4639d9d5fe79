{#-
  Each change that reached production, with the deployment that first shipped it successfully and
  its lead time. A change belongs to the team of that deployment. A negative lead time (first commit
  after the deployment: a bad clock) is null and flagged. Grain: change_id. Incremental: recomputes
  the changes whose row or deployment links changed, or one of whose deployments changed
  (macros/intermediate/changed_entities.sql).
-#}
with {{ ai_maturity.changed_keys_cte(
    {'changes': 'change_id', 'deployment_changes': 'change_id'},
    related=[('deployment_changes', 'change_id', 'deployment_id', 'deployments', 'deployment_id')],
) }}

changes as (
    select * from {{ ref('stg_ai_maturity_raw__changes') }}
    where {{ ai_maturity.is_changed('change_id') }}
),

deployment_changes as (
    select * from {{ ref('stg_ai_maturity_raw__deployment_changes') }}
    where {{ ai_maturity.is_changed('change_id') }}
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

shipped as (
    select
        changes.change_id,
        changes.service_id,
        shipments.team_id,
        shipments.deployment_id as shipped_by_deployment_id,
        changes.first_commit_at,
        shipments.finished_at as shipped_at,
        shipments.period_start,
        {{ ai_maturity.duration('changes.first_commit_at', 'shipments.finished_at', 'hours') }} as lead_time_hours,
        shipments.finished_at < changes.first_commit_at as has_negative_lead_time,
        {{ ai_maturity.batch_at() }} as _batch_at
    from changes
    inner join shipments
        on changes.change_id = shipments.change_id
        and shipments.shipment_number = 1
),

final as (
    select * from shipped
    {{ ai_maturity.union_tombstones('change_id', 'shipped') }}
)

select * from final

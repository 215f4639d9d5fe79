{#-
  Successful production rollbacks that name their target (rollback_of_deployment_id), each with
  its speed: rollback finished_at − finished_at of the deployment it rolled back, in minutes. A
  rollback belongs to its own team and to the period of its finished_at. A target not among the
  production deployments, or a rollback finishing before its target (a bad clock), gives a null
  speed. Grain: deployment_id (of the rollback).
-#}
with deployments as (
    select * from {{ ref('int_deployments_classified') }}
),

rollbacks as (
    select * from deployments
    where is_rollback
        and is_successful
        and rollback_of_deployment_id is not null
),

final as (
    select
        rollbacks.deployment_id,
        rollbacks.service_id,
        rollbacks.team_id,
        rollbacks.rollback_of_deployment_id,
        rollbacks.finished_at,
        rollbacks.period_start,
        rollbacks.trigger,
        targets.finished_at as target_finished_at,
        targets.deployment_id is not null as has_known_target,
        {{ ai_maturity.duration('targets.finished_at', 'rollbacks.finished_at', 'minutes') }} as rollback_speed_minutes,
        coalesce(rollbacks.finished_at < targets.finished_at, false) as has_negative_speed
    from rollbacks
    left join deployments as targets on rollbacks.rollback_of_deployment_id = targets.deployment_id
)

select * from final

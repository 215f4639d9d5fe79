{#-
  Model deployments — the §1 deployment set (production, not cancelled, not a rollback) with
  artifact_type `model` — with their automation, release strategy and traceability to a
  reproducible training run (through training_run_id, whatever the run's period).
  Grain: deployment_id.
-#}
with deployments as (
    select * from {{ ref('int_deployments_classified') }}
    where is_dora_deployment and artifact_type = 'model'
),

training_runs as (
    select * from {{ ref('int_training_runs_timed') }}
),

final as (
    select
        deployments.deployment_id,
        deployments.service_id,
        deployments.team_id,
        deployments.model_name,
        deployments.model_version,
        deployments.training_run_id,
        deployments.finished_at,
        deployments.period_start,
        deployments.status,
        deployments.trigger,
        deployments.strategy,
        deployments.pre_deploy_eval_passed,
        deployments.trigger != 'manual' as is_automated,
        coalesce(deployments.strategy in ('canary', 'blue_green', 'ab_test', 'shadow'), false) as is_progressive,
        training_runs.run_id is not null as has_known_training_run,
        coalesce(training_runs.is_reproducible, false) as is_traceable
    from deployments
    left join training_runs on deployments.training_run_id = training_runs.run_id
)

select * from final

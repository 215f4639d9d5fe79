with base as (
    select * from {{ ref('base_ai_maturity_raw__deployments') }}
),

final as (
    select
        deployment_id,
        service_id,
        team_id,
        environment,
        artifact_type,
        artifact_version,
        model_name,
        model_version,
        training_run_id,
        started_at,
        finished_at,
        status,
        trigger,
        strategy,
        is_rollback,
        rollback_of_deployment_id,
        is_unplanned,
        pre_deploy_eval_passed,
        {{ ai_maturity.staged_period_start('deployments') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('deployments') }}
)

select * from final

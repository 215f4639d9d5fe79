with base as (
    select * from {{ ref('base_ai_maturity_raw__training_runs') }}
),

final as (
    select
        run_id,
        team_id,
        model_name,
        experiment_name,
        trigger_type,
        triggered_at,
        started_at,
        ended_at,
        status,
        git_commit,
        dataset_digest,
        data_snapshot_at,
        params_logged,
        metrics_logged,
        eval_gate_passed,
        registered_model_version,
        drift_check_id,
        {{ ai_maturity.staged_period_start('training_runs') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('training_runs') }}
)

select * from final

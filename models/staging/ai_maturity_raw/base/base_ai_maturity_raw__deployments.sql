with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('deployments', parents={'team_id': 'teams', 'service_id': 'service_ownership'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

ownership as (
    select * from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

known_services as (
    select distinct service_id from ownership
),

{{ ai_maturity.deduplicated('deployments', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('deployments') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        deployment_id,
        service_id,
        team_id as declared_team_id,
        {{ ai_maturity.fold_enum('environment') }} as environment,
        {{ ai_maturity.fold_enum('artifact_type') }} as artifact_type,
        artifact_version,
        model_name,
        model_version,
        training_run_id,
        started_at,
        finished_at,
        {{ ai_maturity.fold_enum('status') }} as status,
        {{ ai_maturity.fold_enum('trigger') }} as trigger,  -- trigger is a contract column name -- noqa: RF04
        {{ ai_maturity.fold_enum('strategy') }} as strategy,
        coalesce(is_rollback, false) as is_rollback,
        rollback_of_deployment_id,
        coalesce(is_unplanned, false) as is_unplanned,
        pre_deploy_eval_passed,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

team_resolved as (
    select
        normalized.*,
        coalesce(normalized.declared_team_id, owners.team_id) as team_id,
        known_services.service_id is not null as is_known_service,
        teams.team_id is not null as is_known_team
    from normalized
    left join ownership as owners
        on {{ ai_maturity.ownership_covers('owners', 'normalized.service_id', 'normalized.finished_at') }}
    left join known_services on normalized.service_id = known_services.service_id
    left join teams on coalesce(normalized.declared_team_id, owners.team_id) = teams.team_id
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
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('deployments') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('deployments', [
            ('not is_known_service', 'unknown_service'),
            ('team_id is null', 'no_service_owner_at_event_time'),
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('deployments', [
            ('finished_at < started_at', 'bad_clock:finished_at_before_started_at'),
        ])) }} as flag_reasons
    from team_resolved
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('deployment_changes', parents={'deployment_id': 'deployments', 'change_id': 'changes'}) }}
),

deployments as (
    -- every valid parent, whatever the as-of cut-off (staging applies it; validation never does)
    select deployment_id from {{ ref('base_ai_maturity_raw__deployments') }}
    where {{ ai_maturity.valid_rows() }}
),

changes as (
    -- every valid parent, whatever the as-of cut-off (staging applies it; validation never does)
    select change_id from {{ ref('base_ai_maturity_raw__changes') }}
    where {{ ai_maturity.valid_rows() }}
),

{{ ai_maturity.deduplicated('deployment_changes', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('deployment_changes') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        deployment_id,
        change_id,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

parents_checked as (
    select
        normalized.*,
        deployments.deployment_id is not null as is_known_deployment,
        changes.change_id is not null as is_known_change
    from normalized
    left join deployments on normalized.deployment_id = deployments.deployment_id
    left join changes on normalized.change_id = changes.change_id
),

final as (
    select
        deployment_id,
        change_id,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('deployment_changes') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('deployment_changes', [
            ('not is_known_deployment', 'unknown_deployment'),
            ('not is_known_change', 'unknown_change'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('deployment_changes', [])) }} as flag_reasons
    from parents_checked
)

select * from final

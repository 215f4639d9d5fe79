with base as (
    select * from {{ ref('base_ai_maturity_raw__deployment_changes') }}
),

final as (
    select
        deployment_id,
        change_id,
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('deployment_changes', parents={'deployment_id': 'deployments', 'change_id': 'changes'}) }}
)

select * from final

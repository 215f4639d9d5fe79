with base as (
    select * from {{ ref('base_ai_maturity_raw__deployment_changes') }}
),

final as (
    select
        deployment_id,
        change_id,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

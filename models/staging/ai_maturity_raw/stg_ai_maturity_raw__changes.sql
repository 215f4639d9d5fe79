with base as (
    select * from {{ ref('base_ai_maturity_raw__changes') }}
),

final as (
    select
        change_id,
        service_id,
        first_commit_at,
        merged_at,
        author_key,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

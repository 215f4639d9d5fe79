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
        {{ ai_maturity.staged_period_start('changes') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('changes') }}
)

select * from final

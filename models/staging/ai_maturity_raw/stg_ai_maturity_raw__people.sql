with base as (
    select * from {{ ref('base_ai_maturity_raw__people') }}
),

final as (
    select
        person_key,
        team_id,
        role,
        joined_at,
        left_at,
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('people') }}
)

select * from final

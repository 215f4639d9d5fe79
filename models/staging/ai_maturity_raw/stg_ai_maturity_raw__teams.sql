with base as (
    select * from {{ ref('base_ai_maturity_raw__teams') }}
),

final as (
    select
        team_id,
        team_name,
        org_unit,
        created_at,
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('teams') }}
)

select * from final

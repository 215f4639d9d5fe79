with base as (
    select * from {{ ref('base_ai_maturity_raw__service_ownership') }}
),

final as (
    select
        service_id,
        team_id,
        valid_from,
        valid_to,
        valid_until,
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('service_ownership') }}
)

select * from final

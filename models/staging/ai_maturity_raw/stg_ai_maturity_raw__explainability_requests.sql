with base as (
    select * from {{ ref('base_ai_maturity_raw__explainability_requests') }}
),

final as (
    select
        request_id,
        team_id,
        model_name,
        requested_at,
        fulfilled_at,
        requester_type,
        {{ ai_maturity.staged_period_start('explainability_requests') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('explainability_requests') }}
)

select * from final

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
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

with base as (
    select * from {{ ref('base_ai_maturity_raw__model_documentation') }}
),

final as (
    select
        model_name,
        model_version,
        team_id,
        documented_at,
        required_fields,
        completed_fields,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

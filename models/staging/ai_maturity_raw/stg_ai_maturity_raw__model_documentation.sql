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
        {{ ai_maturity.staged_period_start('model_documentation') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('model_documentation') }}
)

select * from final

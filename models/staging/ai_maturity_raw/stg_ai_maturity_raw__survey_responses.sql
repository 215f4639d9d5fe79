with base as (
    select * from {{ ref('base_ai_maturity_raw__survey_responses') }}
),

final as (
    select
        response_id,
        survey_id,
        wave,
        respondent_key,
        team_id,
        submitted_at,
        instrument,
        item_code,
        response_value,
        scale_min,
        scale_max,
        reverse_scored,
        {{ ai_maturity.staged_period_start('survey_responses') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('survey_responses') }}
)

select * from final

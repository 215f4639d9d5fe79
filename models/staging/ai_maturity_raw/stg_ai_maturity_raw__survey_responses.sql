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
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

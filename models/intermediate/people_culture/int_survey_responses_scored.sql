{#-
  Each survey answer scored: reverse items flipped (v' = scale_min + scale_max − v), then scaled to
  0–1 by the item's own scale ((v' − scale_min) ÷ (scale_max − scale_min)). The respondent appears
  only as a salted hash (`respondent_hash`), for distinct counts; nothing here is published as is —
  int_survey_scores_suppressed aggregates and suppresses it. Period of submitted_at (UTC); nothing
  after var ai_maturity__as_of counts. Grain: response_id × item_code.
-#}
with survey_responses as (
    select * from {{ ref('stg_ai_maturity_raw__survey_responses') }}
),

flipped as (
    select
        response_id,
        survey_id,
        wave,
        {{ ai_maturity.salted_hash('respondent_key') }} as respondent_hash,
        team_id,
        submitted_at,
        period_start,
        instrument,
        item_code,
        response_value,
        scale_min,
        scale_max,
        reverse_scored,
        case
            when reverse_scored then scale_min + scale_max - response_value
            else response_value
        end as scored_value
    from survey_responses
),

final as (
    select
        *,
        {{ ai_maturity.safe_divide('scored_value - scale_min', 'scale_max - scale_min') }} as scaled_score
    from flipped
)

select * from final

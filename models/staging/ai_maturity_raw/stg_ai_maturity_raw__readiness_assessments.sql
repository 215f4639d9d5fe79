with base as (
    select * from {{ ref('base_ai_maturity_raw__readiness_assessments') }}
),

final as (
    select
        assessment_id,
        team_id,
        assessed_at,
        plane,
        level,
        item_code,
        answer,
        respondent_role,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

{#-
  The self-assessed level per team, period and plane: the highest level L such that every item of
  levels 1 … L of that plane (seed readiness_items) is answered `yes` in the team's latest
  assessment up to the period's end. An assessment's time is its latest `assessed_at`; the latest
  assessment is the one with the greatest time before the next period starts (ties: the greatest
  assessment_id). `partial`, `no` and an item the assessment does not answer all count as not yes.
  A level without items passes. Nothing after var ai_maturity__as_of counts. Team × period × plane
  rows exist from the team's first assessment on. Grain: team_id × period_start × plane.
-#}
with spine as (
    select
        team_id,
        period_start,
        next_period_start
    from {{ ref('int_team_periods') }}
),

answers as (
    select * from {{ ref('stg_ai_maturity_raw__readiness_assessments') }}
    where {{ ai_maturity.as_of_filter('assessed_at') }}
),

readiness_items as (
    select
        item_code,
        plane,
        level
    from {{ ref('ai_maturity', 'readiness_items') }}
),

assessments as (
    select
        team_id,
        assessment_id,
        max(assessed_at) as assessed_at
    from answers
    group by team_id, assessment_id
),

assessments_up_to_period_end as (
    select
        spine.team_id,
        spine.period_start,
        assessments.assessment_id,
        assessments.assessed_at,
        row_number() over (
            partition by spine.team_id, spine.period_start
            order by assessments.assessed_at desc, assessments.assessment_id desc
        ) as recency_rank
    from spine
    inner join assessments
        on spine.team_id = assessments.team_id
        and spine.next_period_start > assessments.assessed_at
),

latest_assessments as (
    select
        team_id,
        period_start,
        assessment_id,
        assessed_at
    from assessments_up_to_period_end
    where recency_rank = 1
),

item_answers as (
    select
        latest_assessments.team_id,
        latest_assessments.period_start,
        latest_assessments.assessment_id,
        latest_assessments.assessed_at,
        readiness_items.plane,
        readiness_items.level,
        readiness_items.item_code,
        answers.answer
    from latest_assessments
    cross join readiness_items
    left join answers
        on latest_assessments.team_id = answers.team_id
        and latest_assessments.assessment_id = answers.assessment_id
        and readiness_items.item_code = answers.item_code
),

level_answers as (
    select
        team_id,
        period_start,
        assessment_id,
        assessed_at,
        plane,
        level,
        count(*) as items,
        count(case when answer = 'yes' then 1 end) as yes_items,
        count(case when answer = 'partial' then 1 end) as partial_items,
        count(answer) as answered_items
    from item_answers
    group by team_id, period_start, assessment_id, assessed_at, plane, level
),

final as (
    select
        team_id,
        period_start,
        plane,
        assessment_id,
        assessed_at,
        -- the level below the first level with an item not answered yes; every level passed: the top
        cast(coalesce(min(case when yes_items < items then level end) - 1, max(level)) as {{ dbt.type_int() }})
            as self_assessed_level,
        sum(items) as checklist_items,
        sum(yes_items) as yes_items,
        sum(partial_items) as partial_items,
        sum(items) - sum(answered_items) as unanswered_items
    from level_answers
    group by team_id, period_start, plane, assessment_id, assessed_at
)

select * from final

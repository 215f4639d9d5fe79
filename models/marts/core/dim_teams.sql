{#- One row per team, with the span of periods it appears in the marts. Grain: team_id. -#}
with teams as (
    select * from {{ ref('stg_ai_maturity_raw__teams') }}
),

spine as (
    select * from {{ ref('int_team_periods') }}
),

team_spans as (
    select
        team_id,
        min(period_start) as first_period_start,
        max(period_start) as last_period_start,
        count(*) as periods_count
    from spine
    group by team_id
),

final as (
    select
        teams.team_id,
        teams.team_name,
        teams.org_unit,
        teams.created_at,
        team_spans.first_period_start,
        team_spans.last_period_start,
        coalesce(team_spans.periods_count, 0) as periods_count,
        team_spans.team_id is not null as has_events
    from teams
    left join team_spans on teams.team_id = team_spans.team_id
)

select * from final

-- Each team's level in the latest period with what blocks the next one on its binding planes.
with maturity as (
    select * from {{ ref('ai_maturity', 'fct_team_maturity') }}
),

blockers as (
    select * from {{ ref('ai_maturity', 'fct_maturity_blockers') }}
),

teams as (
    select * from {{ ref('ai_maturity', 'dim_teams') }}
),

latest as (
    select max(period_start) as period_start from maturity
),

final as (
    select
        teams.team_name,
        maturity.team_id,
        maturity.period_start,
        maturity.maturity_level,
        maturity.stage_name,
        maturity.binding_planes,
        blockers.plane,
        blockers.criterion_id,
        blockers.blocker_status,
        blockers.observed_value,
        blockers.threshold,
        blockers.gap
    from maturity
    inner join latest on maturity.period_start = latest.period_start
    inner join teams on maturity.team_id = teams.team_id
    left join blockers
        on maturity.team_id = blockers.team_id
        and maturity.period_start = blockers.period_start
        and blockers.is_binding_plane
)

select * from final
order by maturity_level, team_id, plane, criterion_id

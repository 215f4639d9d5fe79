{#-
  The spine every cluster mart shares: each team × period from the period of the team's first
  event in any event table to the last period of the data as a whole, quiet periods included.
  Grain: team_id × period_start.
-#}
with event_periods as (
    select * from {{ ref('int_team_event_periods') }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

team_bounds as (
    select
        team_id,
        min(period_start) as first_period_start
    from event_periods
    group by team_id
),

data_bounds as (
    select max(period_start) as last_period_start from event_periods
),

team_series as (
    select
        team_bounds.team_id,
        {{ ai_maturity.period_series('team_bounds.first_period_start', 'data_bounds.last_period_start') }} as period_start
    from team_bounds
    cross join data_bounds
),

final as (
    select
        team_series.team_id,
        team_series.period_start,
        {{ ai_maturity.add_periods('team_series.period_start', 1) }} as next_period_start,
        {{ ai_maturity.days_in_period('team_series.period_start') }} as days_in_period,
        row_number() over (partition by team_series.team_id order by team_series.period_start) as team_period_number,
        coalesce(event_periods.event_count, 0) as event_count
    from team_series
    inner join teams on team_series.team_id = teams.team_id
    left join event_periods
        on team_series.team_id = event_periods.team_id
        and team_series.period_start = event_periods.period_start
)

select * from final

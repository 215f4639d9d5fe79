{#-
  Every (team, period) that has at least one event, over all event tables
  (int_team_table_event_periods: the timestamp that assigns each event table's period, never
  _loaded_at or end times). Grain: team_id × period_start.
-#}
with table_event_periods as (
    select * from {{ ref('int_team_table_event_periods') }}
),

final as (
    select
        team_id,
        period_start,
        sum(event_count) as event_count,
        min(first_event_at) as first_event_at,
        max(last_event_at) as last_event_at
    from table_event_periods
    group by team_id, period_start
)

select * from final

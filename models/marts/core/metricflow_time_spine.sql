{#-
  The MetricFlow time spine (dbt 1.9+ `time_spine:` in the yml): one row per day from var
  ai_maturity__min_event_date (no event before it is staged) to the last day of 2049. Grain: date_day.
-#}
{%- set last_day = '2049-12-31' -%}

with days as (
    select {{ ai_maturity.day_series(ai_maturity.setting('min_event_date'), last_day) }} as date_day
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final

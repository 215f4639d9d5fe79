{#-
  What to fix to reach the next level: for every team × period and every plane below level 4,
  each criterion of the plane's next level that is unmet (`unmet`, or `no_data` when the metric is
  null), or met now but not yet held for the plateau (`awaiting_plateau`). Blockers of the binding
  planes hold the overall level. An unmet (or no-data) criterion that is the only one of its plane's
  next level is its plane's sole blocker. Trend: the least-squares slope of the criterion's observed
  metric over the last var ai_maturity__trend_periods periods (this one included; at least 3
  observed values), and the first coming period whose value on that line meets the threshold when
  it is at most a year ahead. Grain: team_id × period_start × criterion_id.
-#}
{%- set trend_periods = ai_maturity.setting('trend_periods') -%}
{%- if trend_periods is not number or trend_periods != trend_periods | int or trend_periods < 3 -%}
    {{ exceptions.raise_compiler_error("ai_maturity: var ai_maturity__trend_periods must be a whole number of periods, at least 3 (a trend is never drawn from fewer than 3 points), not '" ~ trend_periods ~ "'") }}
{%- endif -%}
{#- a year, in periods of the reporting grain -#}
{%- set periods_per_year = {'week': 52, 'month': 12, 'quarter': 4}[ai_maturity.period_grain()] -%}
{#- float slack when a projected crossing lands exactly on a period -#}
{%- set tolerance = '1e-9' -%}

with maturity as (
    select * from {{ ref('ai_maturity', 'fct_team_maturity') }}
),

evaluations as (
    select * from {{ ref('ai_maturity', 'fct_maturity_criteria_evaluations') }}
),

trend_sums as (
    -- least-squares sums over the last trend_periods periods (x = the team's period number, y = the
    -- observed metric; a period without a value adds nothing)
    {%- set trend_frame = 'rows between ' ~ (trend_periods | int - 1) ~ ' preceding and current row' %}
    {%- set trend_window = 'over (partition by team_id, criterion_id order by team_period_number ' ~ trend_frame ~ ')' %}
    select
        team_id,
        period_start,
        criterion_id,
        team_period_number,
        count(observed_value) {{ trend_window }} as trend_points,
        sum(case when observed_value is not null then team_period_number end) {{ trend_window }} as sum_x,
        sum(observed_value) {{ trend_window }} as sum_y,
        sum(team_period_number * observed_value) {{ trend_window }} as sum_xy,
        sum(case when observed_value is not null then team_period_number * team_period_number end) {{ trend_window }} as sum_xx
    from evaluations
),

trend_lines as (
    select
        team_id,
        period_start,
        criterion_id,
        team_period_number,
        trend_points,
        sum_x,
        sum_y,
        case
            when trend_points >= 3
                then {{ ai_maturity.safe_divide('trend_points * sum_xy - sum_x * sum_y', 'trend_points * sum_xx - sum_x * sum_x') }}
        end as trend_slope_per_period
    from trend_sums
),

plane_levels as (
    {%- for plane in ['process', 'platform', 'team_culture', 'product'] %}
        select
            team_id,
            period_start,
            '{{ plane }}' as plane,
            {{ plane }}_level as plane_level,
            {{ plane }}_level = maturity_level as is_binding_plane
        from maturity
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

next_level_criteria as (
    select
        plane_levels.team_id,
        plane_levels.period_start,
        plane_levels.plane,
        plane_levels.plane_level,
        plane_levels.plane_level + 1 as target_level,
        plane_levels.is_binding_plane,
        evaluations.criterion_id,
        evaluations.metric_name,
        evaluations.comparator,
        evaluations.threshold,
        evaluations.if_no_data,
        evaluations.observed_value,
        evaluations.effective_value,
        evaluations.value_source,
        evaluations.gap,
        evaluations.is_met,
        evaluations.is_met_for_plateau,
        trend_lines.trend_points,
        trend_lines.trend_slope_per_period,
        -- the trend line's value at this period
        {{ ai_maturity.safe_divide('trend_lines.sum_y', 'trend_lines.trend_points') }}
        + trend_lines.trend_slope_per_period * (
            trend_lines.team_period_number - {{ ai_maturity.safe_divide('trend_lines.sum_x', 'trend_lines.trend_points') }}
        ) as trend_value
    from plane_levels
    inner join evaluations
        on plane_levels.team_id = evaluations.team_id
        and plane_levels.period_start = evaluations.period_start
        and plane_levels.plane = evaluations.plane
        and plane_levels.plane_level + 1 = evaluations.level
    inner join trend_lines
        on evaluations.team_id = trend_lines.team_id
        and evaluations.period_start = trend_lines.period_start
        and evaluations.criterion_id = trend_lines.criterion_id
    where plane_levels.plane_level < 4
),

blockers as (
    select
        *,
        case
            when not is_met and effective_value is null then 'no_data'
            when not is_met then 'unmet'
            else 'awaiting_plateau'
        end as blocker_status
    from next_level_criteria
    where not is_met or not is_met_for_plateau
),

plane_open_blockers as (
    select
        *,
        sum(case when blocker_status in ('unmet', 'no_data') then 1 else 0 end) over (
            partition by team_id, period_start, plane
        ) as open_blockers_on_plane,
        -- periods from this one until the trend line meets the threshold (fractional; null when the
        -- trend is flat, points away from the threshold, or the comparator is `=`)
        case
            when blocker_status in ('unmet', 'no_data')
                and (
                    (comparator in ('>=', '>') and trend_slope_per_period > 0)
                    or (comparator in ('<=', '<') and trend_slope_per_period < 0)
                )
                then {{ ai_maturity.safe_divide('threshold - trend_value', 'trend_slope_per_period') }}
        end as periods_to_threshold
    from blockers
),

projected as (
    select
        *,
        -- the first period on the line that meets the threshold, counted from this one: at or past
        -- it for >= and <=, strictly past it for > and <
        case
            when comparator in ('>=', '<=') then ceil(periods_to_threshold - {{ tolerance }})
            else floor(periods_to_threshold + {{ tolerance }}) + 1
        end as periods_to_pass_on_line
    from plane_open_blockers
),

final as (
    select
        {{ ai_maturity.surrogate_key(['team_id', 'period_start', 'criterion_id']) }} as blocker_id,
        team_id,
        period_start,
        plane,
        plane_level,
        target_level,
        is_binding_plane,
        criterion_id,
        metric_name,
        comparator,
        threshold,
        if_no_data,
        observed_value,
        effective_value,
        value_source,
        gap,
        blocker_status,
        {{ ai_maturity.safe_divide('gap', 'abs(threshold)') }} as relative_gap,
        cast(open_blockers_on_plane as integer) as open_blockers_on_plane,
        blocker_status in ('unmet', 'no_data') and open_blockers_on_plane = 1 as is_sole_blocker,
        cast(trend_points as integer) as trend_points,
        trend_slope_per_period,
        -- a line already past the threshold (an unmet value off the line) passes in the next period
        case
            when periods_to_pass_on_line <= {{ periods_per_year }}
                then {{ ai_maturity.add_periods('period_start', 'cast(greatest(periods_to_pass_on_line, 1) as integer)') }}
        end as projected_pass_period
    from projected
)

select * from final

{#-
  What to fix to reach the next level: for every team × period and every plane below level 4,
  each criterion of the plane's next level that is unmet (`unmet`, or `no_data` when the metric is
  null), or met now but not yet held for the plateau (`awaiting_plateau`). Blockers of the binding
  planes hold the overall level. Grain: team_id × period_start × criterion_id.
-#}
with maturity as (
    select * from {{ ref('ai_maturity', 'fct_team_maturity') }}
),

evaluations as (
    select * from {{ ref('ai_maturity', 'fct_maturity_criteria_evaluations') }}
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
        evaluations.is_met_for_plateau
    from plane_levels
    inner join evaluations
        on plane_levels.team_id = evaluations.team_id
        and plane_levels.period_start = evaluations.period_start
        and plane_levels.plane = evaluations.plane
        and plane_levels.plane_level + 1 = evaluations.level
    where plane_levels.plane_level < 4
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
        case
            when not is_met and effective_value is null then 'no_data'
            when not is_met then 'unmet'
            else 'awaiting_plateau'
        end as blocker_status
    from next_level_criteria
    where not is_met or not is_met_for_plateau
)

select * from final

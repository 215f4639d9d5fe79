{#-
  Maturity level per team and period (maturity.md). A plane reaches level L when every criterion
  of levels 1 … L is met (cumulative); the level counts only when held for the last N periods
  (var ai_maturity__plateau_periods, this one included; provisional in a team's first N − 1
  periods). The overall level is the minimum of the four planes. `confidence` (high/medium/low)
  says how far the level can be trusted, from the data coverage (fct_team_data_coverage) and the
  evidence behind the criteria that decide it (levels up to the overall level + 1): a criterion's
  evidence is weak when its value is insufficient_data, missing (no_data, unless its rule is `met`:
  nothing to measure is a firm verdict) or its observed value's 95 % interval
  (fct_team_metrics) contains the threshold (more data could flip it). low: a linkage share
  (deployments linked to changes, LLM requests with trace ids) below 0.5, or half or more of the
  deciding criteria weak; medium: a linkage share below 0.9, or a quarter or more weak; high
  otherwise.
  Grain: team_id × period_start.
-#}
{%- set plateau_periods = ai_maturity.setting('plateau_periods') | int -%}
{%- set planes = ['process', 'platform', 'team_culture', 'product'] -%}
{#- the confidence rule (documented in the yml and the README) -#}
{%- set linkage_shares = ['change_linked_deployment_share', 'traced_llm_request_share'] -%}
{%- set low_linkage_share, high_linkage_share = 0.5, 0.9 -%}
{%- set low_weak_share, medium_weak_share = 0.5, 0.25 -%}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

evaluations as (
    select * from {{ ref('ai_maturity', 'fct_maturity_criteria_evaluations') }}
),

maturity_levels as (
    select * from {{ ref('ai_maturity', 'maturity_levels') }}
),

team_metrics as (
    select * from {{ ref('ai_maturity', 'fct_team_metrics') }}
),

data_coverage as (
    select * from {{ ref('ai_maturity', 'fct_team_data_coverage') }}
),

plane_levels as (
    {%- for plane in planes %}
        select
            spine.team_id,
            spine.period_start,
            spine.team_period_number,
            '{{ plane }}' as plane,
            maturity_levels.level
        from spine
        cross join maturity_levels
        where maturity_levels.level between 1 and 4
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

level_status as (
    select
        plane_levels.team_id,
        plane_levels.period_start,
        plane_levels.team_period_number,
        plane_levels.plane,
        plane_levels.level,
        -- a level without criteria is met
        coalesce({{ ai_maturity.bool_and('evaluations.is_met') }}, true) as is_level_met
    from plane_levels
    left join evaluations
        on plane_levels.team_id = evaluations.team_id
        and plane_levels.period_start = evaluations.period_start
        and plane_levels.plane = evaluations.plane
        and plane_levels.level = evaluations.level
    group by
        plane_levels.team_id,
        plane_levels.period_start,
        plane_levels.team_period_number,
        plane_levels.plane,
        plane_levels.level
),

period_plane_levels as (
    select
        team_id,
        period_start,
        team_period_number,
        plane,
        -- cumulative: the level below the first level not met
        coalesce(min(case when not is_level_met then level end) - 1, 4) as period_level
    from level_status
    group by team_id, period_start, team_period_number, plane
),

stable_plane_levels as (
    select
        *,
        min(period_level) over (
            partition by team_id, plane
            order by team_period_number
            rows between {{ plateau_periods - 1 }} preceding and current row
        ) as stable_level
    from period_plane_levels
),

team_levels as (
    select
        team_id,
        period_start,
        team_period_number,
        {%- for plane in planes %}
            max(case when plane = '{{ plane }}' then stable_level end) as {{ plane }}_level,
            max(case when plane = '{{ plane }}' then period_level end) as {{ plane }}_period_level,
        {%- endfor %}
        min(stable_level) as maturity_level
    from stable_plane_levels
    group by team_id, period_start, team_period_number
),

with_changes as (
    select
        *,
        lag(maturity_level) over (partition by team_id order by team_period_number) as previous_maturity_level
    from team_levels
),

-- criteria that decide the overall level (its levels and the next) whose verdict rests on weak evidence
level_evidence as (
    select
        with_changes.team_id,
        with_changes.period_start,
        count(*) as deciding_criteria,
        count(case
            when evaluations.value_source = 'insufficient_data' then 1
            when evaluations.value_source = 'no_data' and evaluations.if_no_data != 'met' then 1
            when evaluations.value_source = 'observed'
                and team_metrics.ci_low <= evaluations.threshold
                and evaluations.threshold <= team_metrics.ci_high then 1
        end) as weak_criteria
    from with_changes
    inner join evaluations
        on with_changes.team_id = evaluations.team_id
        and with_changes.period_start = evaluations.period_start
        and evaluations.level <= with_changes.maturity_level + 1
    left join team_metrics
        on evaluations.team_id = team_metrics.team_id
        and evaluations.period_start = team_metrics.period_start
        and evaluations.metric_name = team_metrics.metric_name
    group by with_changes.team_id, with_changes.period_start
),

final as (
    select
        with_changes.team_id,
        with_changes.period_start,
        with_changes.maturity_level,
        maturity_levels.stage_name,
        maturity_levels.roadmap_name,
        {%- for plane in planes %}
            with_changes.{{ plane }}_level,
        {%- endfor %}
        nullif(concat_ws(
            ', ',
            {%- for plane in planes %}
                case
                    when with_changes.{{ plane }}_level = with_changes.maturity_level then '{{ plane }}'
                end{% if not loop.last %},{% endif %}
            {%- endfor %}
        ), '') as binding_planes,
        {%- for plane in planes %}
            with_changes.{{ plane }}_period_level,
        {%- endfor %}
        with_changes.previous_maturity_level,
        case
            when with_changes.previous_maturity_level is null then 'first'
            when with_changes.maturity_level > with_changes.previous_maturity_level then 'up'
            when with_changes.maturity_level < with_changes.previous_maturity_level then 'down'
            else 'same'
        end as level_change,
        with_changes.maturity_level - with_changes.previous_maturity_level as level_delta,
        with_changes.team_period_number < {{ plateau_periods }} as is_provisional,
        case
            when
                level_evidence.weak_criteria >= {{ low_weak_share }} * level_evidence.deciding_criteria
                {%- for share in linkage_shares %}
                    or data_coverage.{{ share }} < {{ low_linkage_share }}
                {%- endfor %}
                then 'low'
            when
                level_evidence.weak_criteria >= {{ medium_weak_share }} * level_evidence.deciding_criteria
                {%- for share in linkage_shares %}
                    or data_coverage.{{ share }} < {{ high_linkage_share }}
                {%- endfor %}
                then 'medium'
            else 'high'
        end as confidence
    from with_changes
    inner join maturity_levels on with_changes.maturity_level = maturity_levels.level
    left join data_coverage
        on with_changes.team_id = data_coverage.team_id
        and with_changes.period_start = data_coverage.period_start
    left join level_evidence
        on with_changes.team_id = level_evidence.team_id
        and with_changes.period_start = level_evidence.period_start
)

select * from final

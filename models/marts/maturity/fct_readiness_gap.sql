{#-
  Self-assessed beside measured maturity, per team, period and plane. The self-assessed level is
  int_readiness_self_assessed's (the highest level whose checklist items of levels 1 … L are all
  answered `yes` in the team's latest assessment up to the period's end); the measured level is the
  plane's stable level in fct_team_maturity. gap = self − measured: `overrates` above 0,
  `underrates` below, `aligned` at 0. Rows from a team's first assessment on; none when the optional
  raw table readiness_assessments is absent or switched off. The planes are fct_team_maturity's
  `<plane>_level` columns. Grain: team_id × period_start × plane.
-#}
{%- set planes = ['process', 'platform', 'team_culture', 'product'] -%}

with self_assessed as (
    select * from {{ ref('int_readiness_self_assessed') }}
),

team_maturity as (
    select * from {{ ref('ai_maturity', 'fct_team_maturity') }}
),

measured_levels as (
    {%- for plane in planes %}
        select
            team_id,
            period_start,
            '{{ plane }}' as plane,
            {{ plane }}_level as measured_level
        from team_maturity
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

gaps as (
    select
        self_assessed.team_id,
        self_assessed.period_start,
        self_assessed.plane,
        self_assessed.assessment_id,
        self_assessed.assessed_at,
        self_assessed.self_assessed_level,
        measured_levels.measured_level,
        self_assessed.self_assessed_level - measured_levels.measured_level as readiness_gap,
        self_assessed.checklist_items,
        self_assessed.yes_items,
        self_assessed.partial_items,
        self_assessed.unanswered_items
    from self_assessed
    inner join measured_levels
        on self_assessed.team_id = measured_levels.team_id
        and self_assessed.period_start = measured_levels.period_start
        and self_assessed.plane = measured_levels.plane
),

final as (
    select
        team_id,
        period_start,
        plane,
        assessment_id,
        assessed_at,
        cast(self_assessed_level as {{ dbt.type_int() }}) as self_assessed_level,
        cast(measured_level as {{ dbt.type_int() }}) as measured_level,
        cast(readiness_gap as {{ dbt.type_int() }}) as readiness_gap,
        case
            when readiness_gap > 0 then 'overrates'
            when readiness_gap < 0 then 'underrates'
            when readiness_gap = 0 then 'aligned'
        end as gap_label,
        cast(checklist_items as {{ dbt.type_bigint() }}) as checklist_items,
        cast(yes_items as {{ dbt.type_bigint() }}) as yes_items,
        cast(partial_items as {{ dbt.type_bigint() }}) as partial_items,
        cast(unanswered_items as {{ dbt.type_bigint() }}) as unanswered_items
    from gaps
)

select * from final

{#-
  Validates the maturity criteria in use: the seed `maturity_criteria`, or the host relation named
  by var ai_maturity__maturity_criteria (the model the test is attached to is not read). A missing
  or repeated criterion_id, a plane, level, comparator or if_no_data outside the spec, a metric_name
  that is not in the catalogue (a typo must never read as "not met") or a missing threshold fails
  the build with one line per criterion naming it and the problem, as does a missing or blank
  action (the next step fct_team_next_actions suggests). A criterion whose metric needs a
  switched-off raw table is valid: it follows its if_no_data rule (config_metrics_are_measurable warns).
-#}
{% test maturity_criteria_are_valid(model) %}
{%- set string_type = dbt.type_string() -%}
{%- set problems_sql -%}
with criteria as (
    select
        *,
        count(*) over (partition by criterion_id) as rows_with_id
    from {{ ai_maturity.config_relation('maturity_criteria') }}
),

checked as (
    select
        criterion_id,
        case
            when criterion_id is null then 'no criterion_id'
            when rows_with_id > 1
                then 'criterion_id appears ' || cast(rows_with_id as {{ string_type }}) || ' times'
            when metric_name is null then 'no metric_name'
            when not {{ ai_maturity.in_string_list('metric_name', ai_maturity.catalogue_metric_names()) }}
                then 'unknown metric_name "' || metric_name || '" (not in the metric catalogue, dim_metrics)'
            when plane is null or not {{ ai_maturity.in_string_list('plane', ['process', 'platform', 'team_culture', 'product']) }}
                then 'unknown plane "' || coalesce(plane, '<null>') || '" (process, platform, team_culture or product)'
            when level is null or level not in (1, 2, 3, 4)
                then 'unknown level ' || coalesce(cast(level as {{ string_type }}), '<null>') || ' (1, 2, 3 or 4)'
            when comparator is null or not {{ ai_maturity.in_string_list('comparator', ['>=', '>', '<=', '<', '=']) }}
                then 'unknown comparator "' || coalesce(comparator, '<null>') || '" (>=, >, <=, < or =)'
            when threshold is null then 'no threshold'
            when if_no_data is null or not {{ ai_maturity.in_string_list('if_no_data', ['not_met', 'met', 'carry_forward']) }}
                then 'unknown if_no_data "' || coalesce(if_no_data, '<null>') || '" (not_met, met or carry_forward)'
            when action is null or trim(action) = ''
                then 'no action (the suggested next step fct_team_next_actions shows)'
        end as problem
    from criteria
)

select
    criterion_id as row_id,
    problem
from checked
where problem is not null
{%- endset -%}
{{ ai_maturity.raise_config_problems('maturity_criteria', problems_sql) }}
{{ problems_sql }}
{% endtest %}

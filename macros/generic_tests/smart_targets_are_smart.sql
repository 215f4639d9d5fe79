{#-
  Validates the SMART targets in use: the seed `smart_targets`, or the host relation named by var
  ai_maturity__smart_targets (the model the test is attached to is not read). A target that is not
  SMART fails the build with one line per target naming it and the problem: a missing or repeated
  target_id, an unknown metric (specific), no owner (relevant), no valid action (actionable), no
  deadline (time-bound), an invalid comparator or SLO class, no target value or no team (`*` = every
  team). A target whose metric needs a switched-off raw table is not a failure: it is evaluated
  `not_measurable` and config_metrics_are_measurable warns. A target naming a team without data is
  valid and simply has no evaluations.
-#}
{% test smart_targets_are_smart(model) %}
{%- set string_type = dbt.type_string() -%}
{%- set problems_sql -%}
with targets as (
    select
        *,
        count(*) over (partition by target_id) as rows_with_id
    from {{ ai_maturity.config_relation('smart_targets') }}
),

checked as (
    select
        target_id,
        case
            when target_id is null then 'no target_id'
            when rows_with_id > 1
                then 'target_id appears ' || cast(rows_with_id as {{ string_type }}) || ' times'
            when metric_name is null then 'not specific: no metric_name'
            when not {{ ai_maturity.in_string_list('metric_name', ai_maturity.catalogue_metric_names()) }}
                then 'not specific: unknown metric_name "' || metric_name || '" (not in the metric catalogue, dim_metrics)'
            when owner is null or trim(owner) = '' then 'not relevant: no owner'
            when action is null
                or not {{ ai_maturity.in_string_list('action', ['retrain', 'rollback', 'rollback_prompt', 'reprioritize', 'throttle', 'investigate']) }}
                then 'not actionable: unknown action "' || coalesce(action, '<null>')
                    || '" (retrain, rollback, rollback_prompt, reprioritize, throttle or investigate)'
            when deadline is null then 'not time-bound: no deadline'
            when comparator is null or not {{ ai_maturity.in_string_list('comparator', ['>=', '>', '<=', '<', '=']) }}
                then 'unknown comparator "' || coalesce(comparator, '<null>') || '" (>=, >, <=, < or =)'
            when target_value is null then 'no target_value'
            when slo_class is null or not {{ ai_maturity.in_string_list('slo_class', ['p1', 'p2', 'p3', 'p4', 'p5']) }}
                then 'unknown slo_class "' || coalesce(slo_class, '<null>') || '" (p1 … p5)'
            when team_id is null then 'no team_id (use * for every team)'
        end as problem
    from targets
)

select
    target_id as row_id,
    problem
from checked
where problem is not null
{%- endset -%}
{{ ai_maturity.raise_config_problems('smart_targets', problems_sql) }}
{{ problems_sql }}
{% endtest %}

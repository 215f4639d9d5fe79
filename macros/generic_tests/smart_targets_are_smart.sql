{#-
  Fails on every target that is not SMART: unknown metric (specific), a metric whose optional raw
  table is switched off (measurable), no owner or no action (relevant, actionable), no deadline
  (time-bound), or an invalid comparator or SLO class, or no team (`*` = every team). A target naming a
  team without data is valid and simply has no evaluations. Rows returned name the target and why.
-#}
{% test smart_targets_are_smart(model) %}
{%- set known = [] -%}
{%- set unmeasurable = [] -%}
{%- for entry in ai_maturity.metric_catalogue() -%}
    {%- do known.append(entry.metric_name) -%}
    {%- for table_name in entry.source_tables if not ai_maturity.is_table_enabled(table_name) -%}
        {%- do unmeasurable.append(entry.metric_name) -%}
    {%- endfor -%}
{%- endfor %}
with targets as (
    select * from {{ model }}
),

checked as (
    select
        targets.target_id,
        case
            when targets.metric_name is null
                or targets.metric_name not in ('{{ known | join("', '") }}')
                then 'not specific: unknown metric ' || coalesce(targets.metric_name, '<null>')
            {%- if unmeasurable %}
            when targets.metric_name in ('{{ unmeasurable | join("', '") }}')
                then 'not measurable: a raw table the metric needs is switched off'
            {%- endif %}
            when targets.owner is null or trim(targets.owner) = '' then 'not relevant: no owner'
            when targets.action is null
                or targets.action not in ('retrain', 'rollback', 'rollback_prompt', 'reprioritize', 'throttle', 'investigate')
                then 'not actionable: no valid action'
            when targets.deadline is null then 'not time-bound: no deadline'
            when targets.comparator is null or targets.comparator not in ('>=', '>', '<=', '<', '=')
                then 'invalid comparator'
            when targets.target_value is null then 'no target value'
            when targets.slo_class is null or targets.slo_class not in ('p1', 'p2', 'p3', 'p4', 'p5')
                then 'invalid slo_class'
            when targets.team_id is null then 'no team (use * for every team)'
        end as problem
    from targets
)

select * from checked where problem is not null
{% endtest %}

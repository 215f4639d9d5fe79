{#-
  Fails on every target that is not SMART: unknown metric (specific), a metric whose optional raw
  table is switched off (measurable), no owner or no action (relevant, actionable), no deadline
  (time-bound), or an invalid comparator or SLO class, or no team (`*` = every team). A target naming a
  team without data is valid and simply has no evaluations. Rows returned name the target and why.
-#}
{% test smart_targets_are_smart(model) %}
with targets as (
    select * from {{ model }}
),

metrics as (
    select * from {{ ref('dim_metrics') }}
),

checked as (
    select
        targets.target_id,
        case
            when metrics.metric_name is null
                then 'not specific: unknown metric ' || coalesce(targets.metric_name, '<null>')
            when not metrics.is_measurable
                then 'not measurable: a raw table the metric needs is switched off'
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
    left join metrics on targets.metric_name = metrics.metric_name
)

select * from checked where problem is not null
{% endtest %}

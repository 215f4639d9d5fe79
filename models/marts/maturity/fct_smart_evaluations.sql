{#-
  Every SMART target evaluated for every period of every team it applies to (`*` = all teams):
  `met`, `breached`, `no_data` (the metric is null that period), `expired` (the period starts
  after the deadline and the target is not met) or `not_measurable` (every period: the metric needs
  an optional raw table that is switched off; the catalogue macros say which). Nothing depends on
  today's date.
  Grain: target_id × team_id × period_start.
-#}
{%- set unmeasurable = ai_maturity.unmeasurable_metrics().keys() | list %}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

targets as (
    select * from {{ ai_maturity.config_relation('smart_targets') }}
),

team_metrics as (
    select * from {{ ref('ai_maturity', 'fct_team_metrics') }}
),

target_periods as (
    select
        targets.target_id,
        spine.team_id,
        spine.period_start,
        targets.metric_name,
        targets.comparator,
        targets.target_value,
        cast(targets.deadline as date) as deadline,
        targets.owner,
        targets.action,
        targets.slo_class
    from targets
    inner join spine
        on targets.team_id = '*' or targets.team_id = spine.team_id
),

observed as (
    select
        target_periods.*,
        team_metrics.metric_value as observed_value,
        team_metrics.sample_size,
        {{ ai_maturity.compare_to_threshold('team_metrics.metric_value', 'target_periods.comparator', 'target_periods.target_value') }}
            as is_met
    from target_periods
    left join team_metrics
        on target_periods.team_id = team_metrics.team_id
        and target_periods.period_start = team_metrics.period_start
        and target_periods.metric_name = team_metrics.metric_name
),

final as (
    select
        {{ ai_maturity.surrogate_key(['target_id', 'team_id', 'period_start']) }} as evaluation_id,
        target_id,
        team_id,
        period_start,
        metric_name,
        observed_value,
        sample_size,
        comparator,
        target_value,
        case
            when {{ ai_maturity.in_string_list('metric_name', unmeasurable) }} then 'not_measurable'
            when observed_value is null then 'no_data'
            when is_met then 'met'
            when period_start > deadline then 'expired'
            else 'breached'
        end as status,
        deadline,
        -- from the period's last day to the deadline (negative once the deadline has passed)
        cast(
            {{ ai_maturity.days_between_dates(ai_maturity.add_periods('period_start', 1), 'deadline') }} + 1
            as {{ dbt.type_bigint() }}
        ) as days_to_deadline,
        owner,
        action,
        slo_class
    from observed
)

select * from final

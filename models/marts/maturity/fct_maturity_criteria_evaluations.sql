{#-
  Every maturity criterion evaluated for every team × period of the spine: the observed metric,
  the value used after the criterion's no-data rule (carry-forward over the current and the
  var ai_maturity__carry_forward_periods − 1 previous periods), whether it is met, and whether it
  has been met for the whole plateau (var ai_maturity__plateau_periods periods, this one included).
  A metric observed on fewer values than var ai_maturity__min_sample_size (its sample_size, the
  `_n` of the catalogue; metrics without one are never short) is `insufficient_data`: it is not
  used, and the criterion follows its no-data rule (carry-forward skips it too).
  Grain: team_id × period_start × criterion_id.
-#}
{%- set carry_periods = ai_maturity.setting('carry_forward_periods') | int -%}
{%- set plateau_periods = ai_maturity.setting('plateau_periods') | int -%}
{%- set min_sample_size = ai_maturity.setting('min_sample_size') | int -%}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

criteria as (
    select * from {{ ai_maturity.config_relation('maturity_criteria') }}
),

team_metrics as (
    select * from {{ ref('ai_maturity', 'fct_team_metrics') }}
),

observed as (
    select
        spine.team_id,
        spine.period_start,
        cast(spine.team_period_number as {{ dbt.type_bigint() }}) as team_period_number,
        criteria.criterion_id,
        criteria.plane,
        criteria.level,
        criteria.metric_name,
        criteria.comparator,
        criteria.threshold,
        criteria.if_no_data,
        team_metrics.metric_value as observed_value,
        team_metrics.sample_size,
        -- the value a criterion may use: not one computed on too few values
        case
            when team_metrics.sample_size < {{ min_sample_size }} then null
            else team_metrics.metric_value
        end as usable_value
    from spine
    cross join criteria
    left join team_metrics
        on spine.team_id = team_metrics.team_id
        and spine.period_start = team_metrics.period_start
        and criteria.metric_name = team_metrics.metric_name
),

last_known as (
    select
        *,
        max(case when usable_value is not null then team_period_number end) over (
            partition by team_id, criterion_id
            order by team_period_number
            rows between {{ carry_periods - 1 }} preceding and current row
        ) as last_known_period_number
    from observed
),

carried as (
    select
        last_known.*,
        case
            when last_known.usable_value is not null then last_known.usable_value
            when last_known.if_no_data = 'carry_forward' then source_period.usable_value
        end as effective_value
    from last_known
    left join observed as source_period
        on last_known.team_id = source_period.team_id
        and last_known.criterion_id = source_period.criterion_id
        and last_known.last_known_period_number = source_period.team_period_number
),

evaluated as (
    select
        *,
        coalesce(
            case
                when effective_value is null then if_no_data = 'met'
                else {{ ai_maturity.compare_to_threshold('effective_value', 'comparator', 'threshold') }}
            end,
            false
        ) as is_met
    from carried
),

final as (
    select
        team_id,
        period_start,
        team_period_number,
        criterion_id,
        plane,
        level,
        metric_name,
        comparator,
        threshold,
        if_no_data,
        observed_value,
        sample_size,
        effective_value,
        case
            when usable_value is not null then 'observed'
            when observed_value is not null then 'insufficient_data'
            when effective_value is not null then 'carried_forward'
            else 'no_data'
        end as value_source,
        case
            when effective_value is not null
                then {{ ai_maturity.gap_to_threshold('effective_value', 'comparator', 'threshold') }}
        end as gap,
        is_met,
        min(case when is_met then 1 else 0 end) over (
            partition by team_id, criterion_id
            order by team_period_number
            rows between {{ plateau_periods - 1 }} preceding and current row
        ) = 1 as is_met_for_plateau
    from evaluated
)

select * from final

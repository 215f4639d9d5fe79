{#-
  Where the platform should invest: per period, each criterion that blocks at least one team (an
  `unmet` or `no_data` blocker of fct_maturity_blockers: the criterion of a plane's next level
  the team does not meet; a blocker only awaiting its plateau needs no investment), with how many
  teams it blocks, how many it blocks alone (the only unmet criterion between their plane and its
  next level: fixing it lifts them), how many of those it holds at their overall level (a binding
  plane), and the median relative gap of the blocked teams (gap ÷ |threshold|; null for a threshold
  of 0). Rank within the period: most teams blocked alone first, then most teams blocked, then the
  smallest median relative gap (nulls last), then criterion_id. Grain: period_start × criterion_id
  (a criterion belongs to one plane).
-#}
with blockers as (
    select * from {{ ref('ai_maturity', 'fct_maturity_blockers') }}
),

maturity as (
    select * from {{ ref('ai_maturity', 'fct_team_maturity') }}
),

criteria as (
    select * from {{ ai_maturity.config_relation('maturity_criteria') }}
),

teams_per_period as (
    select
        period_start,
        count(*) as teams_assessed
    from maturity
    group by period_start
),

open_blockers as (
    select * from blockers
    where blocker_status in ('unmet', 'no_data')
),

criterion_totals as (
    select
        period_start,
        plane,
        criterion_id,
        target_level,
        metric_name,
        comparator,
        threshold,
        count(*) as teams_blocked,
        sum(case when is_sole_blocker then 1 else 0 end) as teams_blocked_alone,
        sum(case when is_binding_plane then 1 else 0 end) as teams_held_at_overall_level,
        sum(case when is_sole_blocker and is_binding_plane then 1 else 0 end) as teams_held_alone,
        {{ ai_maturity.median('relative_gap') }} as median_relative_gap
    from open_blockers
    group by period_start, plane, criterion_id, target_level, metric_name, comparator, threshold
),

ranked as (
    select
        *,
        row_number() over (
            partition by period_start
            order by
                teams_blocked_alone desc,
                teams_blocked desc,
                case when median_relative_gap is null then 1 else 0 end asc,
                median_relative_gap asc,
                criterion_id asc
        ) as priority_rank
    from criterion_totals
),

final as (
    select
        {{ ai_maturity.surrogate_key(['ranked.period_start', 'ranked.criterion_id']) }} as priority_id,
        ranked.period_start,
        cast(ranked.priority_rank as integer) as priority_rank,
        ranked.plane,
        ranked.criterion_id,
        ranked.target_level,
        ranked.metric_name,
        ranked.comparator,
        ranked.threshold,
        cast(teams_per_period.teams_assessed as integer) as teams_assessed,
        cast(ranked.teams_blocked as integer) as teams_blocked,
        cast(ranked.teams_blocked_alone as integer) as teams_blocked_alone,
        cast(ranked.teams_held_at_overall_level as integer) as teams_held_at_overall_level,
        cast(ranked.teams_held_alone as integer) as teams_held_alone,
        ranked.median_relative_gap,
        criteria.action
    from ranked
    inner join criteria on ranked.criterion_id = criteria.criterion_id
    inner join teams_per_period on ranked.period_start = teams_per_period.period_start
)

select * from final

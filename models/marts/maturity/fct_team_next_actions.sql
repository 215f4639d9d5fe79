{#-
  What each team should do next to raise its overall level soonest: at most three blockers per
  team × period, taken from the binding planes only (a plane at the team's overall level: fixing
  another plane cannot raise it) and only those to fix (`unmet` or `no_data`; a criterion awaiting
  its plateau needs holding, not fixing). Order: the plane's sole blocker first (fixing it alone
  lifts the plane), then the smallest relative gap (gap ÷ |threshold|; nulls — no data, or a
  threshold of 0 — last), then criterion_id. Each row carries the suggested action of the criteria
  relation and the blocker's trend. Grain: team_id × period_start × action_rank.
-#}
with blockers as (
    select * from {{ ref('ai_maturity', 'fct_maturity_blockers') }}
),

criteria as (
    select * from {{ ai_maturity.config_relation('maturity_criteria') }}
),

binding_blockers as (
    select * from blockers
    where is_binding_plane
),

binding_plane_counts as (
    select
        team_id,
        period_start,
        count(distinct plane) as binding_planes_below_top
    from binding_blockers
    group by team_id, period_start
),

ranked as (
    select
        *,
        row_number() over (
            partition by team_id, period_start
            order by
                case when is_sole_blocker then 0 else 1 end,
                case when relative_gap is null then 1 else 0 end,
                relative_gap,
                criterion_id
        ) as action_rank
    from binding_blockers
    where blocker_status in ('unmet', 'no_data')
),

final as (
    select
        {{ ai_maturity.surrogate_key(['ranked.team_id', 'ranked.period_start', 'ranked.criterion_id']) }} as next_action_id,
        ranked.team_id,
        ranked.period_start,
        cast(ranked.action_rank as integer) as action_rank,
        ranked.plane_level as maturity_level,
        ranked.plane,
        ranked.criterion_id,
        ranked.metric_name,
        ranked.blocker_status,
        ranked.observed_value,
        ranked.effective_value,
        ranked.comparator,
        ranked.threshold,
        ranked.gap,
        ranked.relative_gap,
        ranked.target_level as unlocks_level,
        ranked.is_sole_blocker,
        ranked.is_sole_blocker and binding_plane_counts.binding_planes_below_top = 1 as raises_overall_level,
        ranked.trend_slope_per_period,
        ranked.projected_pass_period,
        criteria.action
    from ranked
    inner join binding_plane_counts
        on ranked.team_id = binding_plane_counts.team_id
        and ranked.period_start = binding_plane_counts.period_start
    inner join criteria on ranked.criterion_id = criteria.criterion_id
    where ranked.action_rank <= 3
)

select * from final

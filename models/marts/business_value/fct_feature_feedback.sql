{#-
  Feedback on each AI feature per period: up- and down-votes on the feature and the share of
  down-votes, for alerting on user-experience degradation. Rows run from the period of the feature's
  first AI product event to the last period of the spine, so a quiet period is a row with 0
  feedback events and a null rate. Summed over a team's features, feedback_events is the team's
  feedback_events in fct_business_value. Grain: team_id × feature_name × period_start.
-#}
with spine as (
    select * from {{ ref('int_team_periods') }}
),

product_events as (
    select * from {{ ref('int_product_events_classified') }}
    where is_ai_feature
),

features as (
    select
        team_id,
        feature_name,
        min(period_start) as first_period_start
    from product_events
    group by team_id, feature_name
),

feature_periods as (
    select
        features.team_id,
        features.feature_name,
        spine.period_start
    from features
    inner join spine
        on features.team_id = spine.team_id
        and features.first_period_start <= spine.period_start
),

feature_stats as (
    select
        team_id,
        feature_name,
        period_start,
        count(distinct case when is_ai_feature_use then user_hash end) as ai_active_users,
        count(case when is_ai_feedback then 1 end) as feedback_events,
        count(case when is_ai_downvote then 1 end) as downvotes
    from product_events
    group by team_id, feature_name, period_start
),

final as (
    select
        feature_periods.team_id,
        feature_periods.feature_name,
        feature_periods.period_start,
        cast(coalesce(feature_stats.ai_active_users, 0) as {{ dbt.type_bigint() }}) as ai_active_users,
        cast(coalesce(feature_stats.feedback_events, 0) as {{ dbt.type_bigint() }}) as feedback_events,
        {{ ai_maturity.safe_divide('feature_stats.downvotes', 'feature_stats.feedback_events') }} as downvote_rate,
        cast(coalesce(feature_stats.feedback_events, 0) as {{ dbt.type_bigint() }}) as downvote_rate_n
    from feature_periods
    left join feature_stats
        on feature_periods.team_id = feature_stats.team_id
        and feature_periods.feature_name = feature_stats.feature_name
        and feature_periods.period_start = feature_stats.period_start
)

select * from final

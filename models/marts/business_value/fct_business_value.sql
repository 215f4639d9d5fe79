{#-
  User & business value of each team's AI features per period (metrics.md §3), over the shared
  spine. The population of the adoption share and of both conversion rates is every user with a
  product event in the period, organisation-wide; "used" means a `feature_use` event on one of the
  team's AI features in the period. With product_events switched off every metric is null.
  Grain: team_id × period_start.
-#}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

product_events as (
    select * from {{ ref('int_product_events_classified') }}
),

product_users as (
    select * from {{ ref('int_product_users_converted') }}
),

ai_feature_users as (
    select * from {{ ref('int_ai_feature_users_attributed') }}
),

organisation_users as (
    select
        period_start,
        count(*) as active_users,
        count(case when has_converted then 1 end) as converted_users
    from product_users
    group by period_start
),

ai_user_stats as (
    select
        team_id,
        period_start,
        count(*) as ai_active_users,
        count(case when has_converted then 1 end) as ai_converted_users,
        sum(conversion_revenue_usd) as ai_attributed_revenue_usd
    from ai_feature_users
    group by team_id, period_start
),

feedback_stats as (
    select
        team_id,
        period_start,
        count(case when is_ai_feedback then 1 end) as feedback_events,
        count(case when is_ai_downvote then 1 end) as downvotes
    from product_events
    group by team_id, period_start
),

counts as (
    select
        spine.team_id,
        spine.period_start,
        coalesce(ai_user_stats.ai_active_users, 0) as ai_active_users,
        coalesce(ai_user_stats.ai_converted_users, 0) as ai_converted_users,
        coalesce(organisation_users.active_users, 0) as organisation_active_users,
        coalesce(organisation_users.active_users, 0) - coalesce(ai_user_stats.ai_active_users, 0) as non_ai_users,
        coalesce(organisation_users.converted_users, 0) - coalesce(ai_user_stats.ai_converted_users, 0)
            as non_ai_converted_users,
        coalesce(feedback_stats.feedback_events, 0) as feedback_events,
        coalesce(feedback_stats.downvotes, 0) as downvotes,
        coalesce(ai_user_stats.ai_attributed_revenue_usd, 0) as ai_attributed_revenue_usd
    from spine
    left join organisation_users on spine.period_start = organisation_users.period_start
    left join ai_user_stats
        on spine.team_id = ai_user_stats.team_id
        and spine.period_start = ai_user_stats.period_start
    left join feedback_stats
        on spine.team_id = feedback_stats.team_id
        and spine.period_start = feedback_stats.period_start
),

metrics as (
    select
        team_id,
        period_start,
        ai_active_users,
        {{ ai_maturity.safe_divide('ai_active_users', 'organisation_active_users') }} as ai_adoption_share,
        organisation_active_users as ai_adoption_share_n,
        feedback_events,
        {{ ai_maturity.safe_divide('downvotes', 'feedback_events') }} as downvote_rate,
        feedback_events as downvote_rate_n,
        {{ ai_maturity.safe_divide('ai_converted_users', 'ai_active_users') }} as ai_conversion_rate,
        ai_active_users as ai_conversion_rate_n,
        {{ ai_maturity.safe_divide('non_ai_converted_users', 'non_ai_users') }} as non_ai_conversion_rate,
        non_ai_users as non_ai_conversion_rate_n,
        (
            {{ ai_maturity.safe_divide('ai_converted_users', 'ai_active_users') }}
            - {{ ai_maturity.safe_divide('non_ai_converted_users', 'non_ai_users') }}
        ) as conversion_uplift,
        ai_attributed_revenue_usd
    from counts
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('metrics') }}
    from metrics
)

select * from final

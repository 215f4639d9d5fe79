{#-
  Each user (salted hash) who used (a `feature_use` event) at least one AI feature of a team in a
  period, with whether that user converted anywhere in the organisation in the period and the
  revenue of those conversions — the revenue attributed to the team. A user of two teams' features
  appears under both teams. Grain: team_id × period_start × user_hash.
-#}
with product_events as (
    select * from {{ ref('int_product_events_classified') }}
),

product_users as (
    select * from {{ ref('int_product_users_converted') }}
),

ai_feature_users as (
    select distinct
        team_id,
        period_start,
        user_hash
    from product_events
    where is_ai_feature_use
),

final as (
    select
        ai_feature_users.team_id,
        ai_feature_users.period_start,
        ai_feature_users.user_hash,
        product_users.has_converted,
        product_users.conversion_revenue_usd
    from ai_feature_users
    inner join product_users
        on ai_feature_users.user_hash = product_users.user_hash
        and ai_feature_users.period_start = product_users.period_start
)

select * from final

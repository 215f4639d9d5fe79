{#-
  Each user (salted hash) active in a period — any product event, organisation-wide — with whether
  they converted in that period and the revenue of those conversions. This is the population of
  ai_adoption_share and of the conversion rates. Grain: user_hash × period_start.
-#}
with product_events as (
    select * from {{ ref('int_product_events_classified') }}
),

final as (
    select
        user_hash,
        period_start,
        count(*) as product_events_count,
        count(case when is_conversion then 1 end) as conversions_count,
        count(case when is_conversion then 1 end) > 0 as has_converted,
        coalesce(sum(conversion_revenue_usd), 0) as conversion_revenue_usd
    from product_events
    group by user_hash, period_start
)

select * from final

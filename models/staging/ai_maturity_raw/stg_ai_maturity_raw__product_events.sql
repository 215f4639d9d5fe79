with base as (
    select * from {{ ref('base_ai_maturity_raw__product_events') }}
),

final as (
    select
        event_id,
        occurred_at,
        user_key,
        team_id,
        feature_name,
        is_ai_feature,
        event_type,
        request_id,
        revenue_usd,
        {{ ai_maturity.staged_period_start('product_events') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('product_events') }}
)

select * from final

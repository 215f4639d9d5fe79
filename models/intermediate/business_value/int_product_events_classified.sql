{#-
  Each product event with its period (occurred_at, UTC) and what it counts for in the business-value
  metrics. The user appears only as a salted hash (`user_hash`), for distinct counts; `user_key`
  stays in staging. Nothing after var ai_maturity__as_of counts. Grain: event_id. Incremental:
  recomputes the changed events (macros/intermediate/changed_entities.sql).
-#}
with {{ ai_maturity.changed_keys_cte({'product_events': 'event_id'}) }}

product_events as (
    select * from {{ ref('stg_ai_maturity_raw__product_events') }}
    where {{ ai_maturity.is_changed('event_id') }}
),

classified as (
    select
        event_id,
        team_id,
        feature_name,
        is_ai_feature,
        event_type,
        request_id,
        {{ ai_maturity.salted_hash('user_key') }} as user_hash,
        occurred_at,
        period_start,
        is_ai_feature and event_type = 'feature_use' as is_ai_feature_use,
        is_ai_feature and event_type in ('upvote', 'downvote') as is_ai_feedback,
        is_ai_feature and event_type = 'downvote' as is_ai_downvote,
        event_type = 'conversion' as is_conversion,
        case when event_type = 'conversion' then revenue_usd end as conversion_revenue_usd,
        {{ ai_maturity.batch_at() }} as _batch_at
    from product_events
),

final as (
    select * from classified
    {{ ai_maturity.union_tombstones('event_id', 'classified') }}
)

select * from final

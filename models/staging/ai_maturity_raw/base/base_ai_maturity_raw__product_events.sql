with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('product_events', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('product_events', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('product_events') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        event_id,
        occurred_at,
        user_key,
        team_id,
        feature_name,
        is_ai_feature,
        {{ ai_maturity.fold_enum('event_type') }} as event_type,
        request_id,
        revenue_usd,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

team_checked as (
    select
        normalized.*,
        teams.team_id is not null as is_known_team
    from normalized
    left join teams on normalized.team_id = teams.team_id
),

checked as (
    select
        *,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('product_events', [
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('product_events', [
            ('revenue_usd < 0', 'negative_revenue'),
        ])) }} as flag_reasons
    from team_checked
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
        -- a negative revenue is spoiled: null, so it drops out of the revenue sum only
        {{ ai_maturity.finite_or_null('revenue_usd', 'revenue_usd >= 0') }} as revenue_usd,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('product_events') }},
        dq_row_key,
        rejection_reason,
        flag_reasons
    from checked
)

select * from final

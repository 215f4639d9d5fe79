with base as (
    select * from {{ ref('base_ai_maturity_raw__inference_windows') }}
),

final as (
    select
        service_id,
        model_name,
        model_version,
        team_id,
        window_start,
        window_end,
        request_count,
        error_count,
        latency_p50_ms,
        latency_p95_ms,
        latency_p99_ms,
        {{ ai_maturity.staged_period_start('inference_windows') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('inference_windows') }}
)

select * from final

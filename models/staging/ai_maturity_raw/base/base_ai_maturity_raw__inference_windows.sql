with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('inference_windows', parents={'service_id': 'service_ownership'}) }}
),

ownership as (
    select * from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

known_services as (
    select distinct service_id from ownership
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

-- model_name is part of the key but optional: a service-level rollup (no model) is keyed by ''
-- so its re-deliveries are deduplicated too; it is null again below
keyed as (
    select
        service_id,
        coalesce(model_name, '') as model_name,
        model_version,
        window_start,
        window_end,
        request_count,
        error_count,
        latency_p50_ms,
        latency_p95_ms,
        latency_p99_ms,
        _loaded_at
    from raw_rows
),

{{ ai_maturity.deduplicated('inference_windows', 'keyed') }}

normalized as (
    select
        service_id,
        nullif(model_name, '') as model_name,
        model_version,
        window_start,
        window_end,
        request_count,
        error_count,
        latency_p50_ms,
        latency_p95_ms,
        latency_p99_ms,
        _loaded_at,
        dedupe_rank
    from deduplicated
),

team_resolved as (
    select
        normalized.*,
        owners.team_id,
        known_services.service_id is not null as is_known_service,
        teams.team_id is not null as is_known_team
    from normalized
    left join ownership as owners
        on {{ ai_maturity.ownership_covers('owners', 'normalized.service_id', 'normalized.window_start') }}
    left join known_services on normalized.service_id = known_services.service_id
    left join teams on owners.team_id = teams.team_id
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
        {{ ai_maturity.finite_or_null('latency_p50_ms') }} as latency_p50_ms,
        {{ ai_maturity.finite_or_null('latency_p95_ms') }} as latency_p95_ms,
        {{ ai_maturity.finite_or_null('latency_p99_ms') }} as latency_p99_ms,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('inference_windows') }},
        {{ ai_maturity.dq_row_key('inference_windows') }} as dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('inference_windows', [
            ('not is_known_service', 'unknown_service'),
            ('team_id is null', 'no_service_owner_at_event_time'),
            ('not is_known_team', 'unknown_team'),
            ('request_count < 0 or error_count < 0', 'negative_count'),
            ('error_count > request_count', 'errors_exceed_requests'),
            ('window_end <= window_start', 'empty_window'),
            ('not ' ~ ai_maturity.is_finite('latency_p95_ms') ~ ' or latency_p95_ms < 0', 'latency_out_of_range'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('inference_windows', [])) }} as flag_reasons
    from team_resolved
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('slo_targets', parents={'service_id': 'service_ownership'}) }}
),

known_services as (
    select distinct service_id from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

-- sli is part of the key: folded before ranking, so `Availability` and `availability` are one key
keyed as (
    select
        service_id,
        {{ ai_maturity.fold_enum('sli') }} as sli,
        objective,
        {{ ai_maturity.fold_enum('slo_class') }} as slo_class,
        _loaded_at
    from raw_rows
),

{{ ai_maturity.deduplicated('slo_targets', 'keyed') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('slo_targets') }} as dq_row_key
    from deduplicated
),

service_checked as (
    select
        ranked.*,
        known_services.service_id is not null as is_known_service
    from ranked
    left join known_services on ranked.service_id = known_services.service_id
),

final as (
    select
        service_id,
        sli,
        objective,
        slo_class,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('slo_targets') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('slo_targets', [
            ('not is_known_service', 'unknown_service'),
            ("not " ~ ai_maturity.is_finite('objective') ~ " or (sli = 'availability' and (objective <= 0 or objective > 1))"
                ~ " or (sli = 'latency_p95_ms' and objective <= 0)", 'objective_out_of_range'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('slo_targets', [])) }} as flag_reasons
    from service_checked
)

select * from final

with base as (
    select * from {{ ref('base_ai_maturity_raw__slo_targets') }}
),

final as (
    select
        service_id,
        sli,
        objective,
        slo_class,
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('slo_targets') }}
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('changes', parents={'service_id': 'service_ownership'}) }}
),

known_services as (
    select distinct service_id from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

{{ ai_maturity.deduplicated('changes', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('changes') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        change_id,
        service_id,
        first_commit_at,
        merged_at,
        author_key,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

service_checked as (
    select
        normalized.*,
        known_services.service_id is not null as is_known_service
    from normalized
    left join known_services on normalized.service_id = known_services.service_id
),

final as (
    select
        change_id,
        service_id,
        first_commit_at,
        merged_at,
        author_key,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('changes') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('changes', [
            ('not is_known_service', 'unknown_service'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('changes', [])) }} as flag_reasons
    from service_checked
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('llm_request_chunks', parents={'request_id': 'llm_requests'}) }}
),

requests as (
    -- every valid parent, whatever the as-of cut-off (staging applies it; validation never does)
    select request_id from {{ ref('base_ai_maturity_raw__llm_requests') }}
    where {{ ai_maturity.valid_rows() }}
),

-- kind is part of the key: folded before ranking, so `Cited` and `cited` are one key
keyed as (
    select
        request_id,
        chunk_id,
        {{ ai_maturity.fold_enum('kind') }} as kind,
        rank,
        _loaded_at
    from raw_rows
),

{{ ai_maturity.deduplicated('llm_request_chunks', 'keyed') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('llm_request_chunks') }} as dq_row_key
    from deduplicated
),

request_checked as (
    select
        ranked.*,
        requests.request_id is not null as is_known_request
    from ranked
    left join requests on ranked.request_id = requests.request_id
),

final as (
    select
        request_id,
        chunk_id,
        kind,
        rank,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('llm_request_chunks') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('llm_request_chunks', [
            ('not is_known_request', 'unknown_request'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('llm_request_chunks', [])) }} as flag_reasons
    from request_checked
)

select * from final

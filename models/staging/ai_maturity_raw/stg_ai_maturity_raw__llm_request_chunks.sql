with base as (
    select * from {{ ref('base_ai_maturity_raw__llm_request_chunks') }}
),

final as (
    select
        request_id,
        chunk_id,
        kind,
        rank,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

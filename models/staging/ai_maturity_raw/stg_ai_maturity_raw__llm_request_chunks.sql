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
    where {{ ai_maturity.staged_rows('llm_request_chunks', parents={'request_id': 'llm_requests'}) }}
)

select * from final

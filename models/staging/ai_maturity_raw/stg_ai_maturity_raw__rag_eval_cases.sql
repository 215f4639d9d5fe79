with base as (
    select * from {{ ref('base_ai_maturity_raw__rag_eval_cases') }}
),

final as (
    select
        case_id,
        suite,
        chunk_id,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

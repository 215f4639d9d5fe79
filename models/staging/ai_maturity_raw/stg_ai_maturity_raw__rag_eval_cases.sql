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
    where {{ ai_maturity.staged_rows('rag_eval_cases') }}
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('rag_eval_cases') }}
),

{{ ai_maturity.deduplicated('rag_eval_cases', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('rag_eval_cases') }} as dq_row_key
    from deduplicated
),

final as (
    select
        case_id,
        suite,
        chunk_id,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('rag_eval_cases') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('rag_eval_cases')) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('rag_eval_cases', [])) }} as flag_reasons
    from ranked
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('teams') }}
),

{{ ai_maturity.deduplicated('teams', 'raw_rows') }}

final as (
    select
        team_id,
        team_name,
        org_unit,
        created_at,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('teams') }},
        {{ ai_maturity.dq_row_key('teams') }} as dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('teams')) }} as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as flag_reasons
    from deduplicated
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('model_documentation', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('model_documentation', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('model_documentation') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        model_name,
        model_version,
        team_id,
        documented_at,
        required_fields,
        completed_fields,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

team_checked as (
    select
        normalized.*,
        teams.team_id is not null as is_known_team
    from normalized
    left join teams on normalized.team_id = teams.team_id
),

final as (
    select
        model_name,
        model_version,
        team_id,
        documented_at,
        required_fields,
        completed_fields,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('model_documentation') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('model_documentation', [
            ('not is_known_team', 'unknown_team'),
            ('required_fields <= 0 or completed_fields < 0 or completed_fields > required_fields', 'fields_out_of_range'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('model_documentation', [])) }} as flag_reasons
    from team_checked
)

select * from final

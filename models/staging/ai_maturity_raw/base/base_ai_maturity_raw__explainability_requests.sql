with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('explainability_requests', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('explainability_requests', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('explainability_requests') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        request_id,
        team_id,
        model_name,
        requested_at,
        fulfilled_at,
        {{ ai_maturity.fold_enum('requester_type') }} as requester_type,
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
        request_id,
        team_id,
        model_name,
        requested_at,
        fulfilled_at,
        requester_type,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('explainability_requests') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('explainability_requests', [
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('explainability_requests', [
            ('fulfilled_at < requested_at', 'bad_clock:fulfilled_at_before_requested_at'),
        ])) }} as flag_reasons
    from team_checked
)

select * from final

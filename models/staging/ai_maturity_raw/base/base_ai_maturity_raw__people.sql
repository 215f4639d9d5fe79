with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('people', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('people', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('people', hashed=true) }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        person_key,
        team_id,
        {{ ai_maturity.fold_enum('role') }} as role,  -- noqa: RF04
        joined_at,
        left_at,
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
        person_key,
        team_id,
        role,
        joined_at,
        left_at,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('people') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('people', [
            ('not is_known_team', 'unknown_team'),
            ('joined_at > left_at', 'person_joined_after_leaving'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('people', [])) }} as flag_reasons
    from team_checked
)

select * from final

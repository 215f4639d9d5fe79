with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('bias_audits', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('bias_audits', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('bias_audits') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        audit_id,
        team_id,
        model_name,
        audited_at,
        findings_count,
        remediated_at,
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
        audit_id,
        team_id,
        model_name,
        audited_at,
        findings_count,
        remediated_at,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('bias_audits') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('bias_audits', [
            ('not is_known_team', 'unknown_team'),
            ('findings_count < 0', 'findings_out_of_range'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('bias_audits', [
            ('remediated_at < audited_at', 'bad_clock:remediated_at_before_audited_at'),
        ])) }} as flag_reasons
    from team_checked
)

select * from final

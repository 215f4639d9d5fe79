with base as (
    select * from {{ ref('base_ai_maturity_raw__bias_audits') }}
),

final as (
    select
        audit_id,
        team_id,
        model_name,
        audited_at,
        findings_count,
        remediated_at,
        {{ ai_maturity.staged_period_start('bias_audits') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('bias_audits') }}
)

select * from final

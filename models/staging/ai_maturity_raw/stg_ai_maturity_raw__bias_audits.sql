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
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

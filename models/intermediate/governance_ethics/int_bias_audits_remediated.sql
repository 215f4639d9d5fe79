{#-
  Each bias audit up to the as-of cut-off, with its findings and, when remediated by the cut-off,
  the period of remediated_at and the fractional days from audit to remediation (null when
  negative: a bad clock). Grain: audit_id.
-#}
with audits as (
    select * from {{ ref('stg_ai_maturity_raw__bias_audits') }}
),

as_of_remediation as (
    select
        audit_id,
        team_id,
        model_name,
        audited_at,
        period_start,
        findings_count,
        case when {{ ai_maturity.as_of_filter('remediated_at') }} then remediated_at end as remediated_at
    from audits
),

final as (
    select
        audit_id,
        team_id,
        model_name,
        audited_at,
        cast(audited_at as date) as audited_date,
        period_start,
        findings_count,
        findings_count > 0 as has_findings,
        remediated_at,
        case when remediated_at is not null then {{ ai_maturity.period_start('remediated_at') }} end
            as remediated_period_start,
        {{ ai_maturity.duration('audited_at', 'remediated_at', 'days') }} as remediation_days
    from as_of_remediation
)

select * from final

with base as (
    select * from {{ ref('base_ai_maturity_raw__incidents') }}
),

final as (
    select
        incident_id,
        service_id,
        team_id,
        severity,
        started_at,
        detected_at,
        reported_at,
        resolved_at,
        detection_source,
        caused_by_deployment_id,
        root_cause,
        remediation,
        _loaded_at
    from base
    where dedupe_rank = 1 and rejection_reason is null
)

select * from final

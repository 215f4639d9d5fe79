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
        {{ ai_maturity.staged_period_start('incidents') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('incidents') }}
)

select * from final

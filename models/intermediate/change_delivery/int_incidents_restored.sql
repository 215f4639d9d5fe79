{#-
  Each incident with its team (own, else the service owner at detection), restore time
  (resolved_at − started_at), detection-to-report time and detection source. Negative durations
  (bad clocks) are null. An incident resolved after the as-of cut-off is open. Grain: incident_id.
-#}
with incidents as (
    select * from {{ ref('stg_ai_maturity_raw__incidents') }}
),

final as (
    select
        incident_id,
        service_id,
        team_id,
        severity,
        detection_source,
        root_cause,
        remediation,
        caused_by_deployment_id,
        started_at,
        detected_at,
        reported_at,
        case when {{ ai_maturity.as_of_filter('resolved_at') }} then resolved_at end as resolved_at,
        period_start as detected_period_start,
        case when {{ ai_maturity.as_of_filter('resolved_at') }} then {{ ai_maturity.period_start('resolved_at') }} end
            as resolved_period_start,
        case
            when {{ ai_maturity.as_of_filter('resolved_at') }}
                then {{ ai_maturity.duration('started_at', 'resolved_at', 'hours') }}
        end as restore_hours,
        {{ ai_maturity.duration('detected_at', 'reported_at', 'hours') }} as detect_to_report_hours
    from incidents
)

select * from final

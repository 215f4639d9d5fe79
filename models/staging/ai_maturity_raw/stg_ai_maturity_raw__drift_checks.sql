with base as (
    select * from {{ ref('base_ai_maturity_raw__drift_checks') }}
),

final as (
    select
        check_id,
        team_id,
        model_name,
        model_version,
        monitor_name,
        checked_at,
        drift_detected,
        drift_score,
        stattest_threshold,
        share_of_drifted_columns,
        severity,
        acknowledged_at,
        resolved_at,
        is_false_positive,
        {{ ai_maturity.staged_period_start('drift_checks') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('drift_checks') }}
)

select * from final

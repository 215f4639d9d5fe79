with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('drift_checks', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('drift_checks', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('drift_checks') }} as dq_row_key
    from deduplicated
),

normalized as (
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
        {{ ai_maturity.fold_enum('severity') }} as severity,
        acknowledged_at,
        resolved_at,
        coalesce(is_false_positive, false) as is_false_positive,
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
        check_id,
        team_id,
        model_name,
        model_version,
        monitor_name,
        checked_at,
        drift_detected,
        {{ ai_maturity.finite_or_null('drift_score') }} as drift_score,
        {{ ai_maturity.finite_or_null('stattest_threshold') }} as stattest_threshold,
        {{ ai_maturity.finite_or_null('share_of_drifted_columns') }} as share_of_drifted_columns,
        severity,
        acknowledged_at,
        resolved_at,
        is_false_positive,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('drift_checks') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('drift_checks', [
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('drift_checks', [])) }} as flag_reasons
    from team_checked
)

select * from final

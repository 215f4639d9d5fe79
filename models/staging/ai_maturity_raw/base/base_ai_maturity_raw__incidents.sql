with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('incidents', parents={'team_id': 'teams', 'service_id': 'service_ownership'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

ownership as (
    select * from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

known_services as (
    select distinct service_id from ownership
),

{{ ai_maturity.deduplicated('incidents', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('incidents') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        incident_id,
        service_id,
        team_id as declared_team_id,
        {{ ai_maturity.fold_enum('severity') }} as severity,
        started_at,
        detected_at,
        reported_at,
        resolved_at,
        {{ ai_maturity.fold_enum('detection_source') }} as detection_source,
        caused_by_deployment_id,
        {{ ai_maturity.fold_enum('root_cause') }} as root_cause,
        {{ ai_maturity.fold_enum('remediation') }} as remediation,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

team_resolved as (
    select
        normalized.*,
        coalesce(normalized.declared_team_id, owners.team_id) as team_id,
        known_services.service_id is not null as is_known_service,
        teams.team_id is not null as is_known_team
    from normalized
    left join ownership as owners
        on {{ ai_maturity.ownership_covers('owners', 'normalized.service_id', 'normalized.detected_at') }}
    left join known_services on normalized.service_id = known_services.service_id
    left join teams on coalesce(normalized.declared_team_id, owners.team_id) = teams.team_id
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
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('incidents') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('incidents', [
            ('not is_known_service', 'unknown_service'),
            ('team_id is null', 'no_service_owner_at_event_time'),
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('incidents', [
            ('resolved_at < started_at', 'bad_clock:resolved_at_before_started_at'),
            ('detected_at < started_at', 'bad_clock:detected_at_before_started_at'),
            ('reported_at < detected_at', 'bad_clock:reported_at_before_detected_at'),
        ])) }} as flag_reasons
    from team_resolved
)

select * from final

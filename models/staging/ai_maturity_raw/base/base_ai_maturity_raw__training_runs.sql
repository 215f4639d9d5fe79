with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('training_runs', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('training_runs', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('training_runs') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        run_id,
        team_id,
        model_name,
        experiment_name,
        {{ ai_maturity.fold_enum('trigger_type') }} as trigger_type,
        triggered_at,
        started_at,
        ended_at,
        {{ ai_maturity.fold_enum('status') }} as status,
        git_commit,
        dataset_digest,
        data_snapshot_at,
        coalesce(params_logged, false) as params_logged,
        coalesce(metrics_logged, false) as metrics_logged,
        eval_gate_passed,
        registered_model_version,
        drift_check_id,
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

checked as (
    select
        *,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('training_runs', [
            ('not is_known_team', 'unknown_team'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('training_runs', [
            ('ended_at < started_at', 'bad_clock:ended_at_before_started_at'),
            ('started_at < triggered_at', 'bad_clock:started_at_before_triggered_at'),
            ('data_snapshot_at > started_at', 'bad_clock:data_snapshot_after_start'),
        ])) }} as flag_reasons
    from team_checked
),

final as (
    select
        run_id,
        team_id,
        model_name,
        experiment_name,
        trigger_type,
        triggered_at,
        started_at,
        ended_at,
        status,
        git_commit,
        dataset_digest,
        -- a snapshot newer than the start is a bad clock: the field is spoiled
        case when data_snapshot_at <= started_at then data_snapshot_at end as data_snapshot_at,
        params_logged,
        metrics_logged,
        eval_gate_passed,
        registered_model_version,
        drift_check_id,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('training_runs') }},
        dq_row_key,
        rejection_reason,
        flag_reasons
    from checked
)

select * from final

{#-
  Each training run with its period(s), retrain time, data-to-training lag and reproducibility.
  A run belongs to its own team; it counts in the period of started_at, and, once finished, in the
  period of ended_at for the finished-run metrics. A bad clock (triggered ≤ started ≤ ended broken)
  nulls the retrain time; a run that ends after the as-of cut-off is not finished yet.
  Grain: run_id.
-#}
with training_runs as (
    select * from {{ ref('stg_ai_maturity_raw__training_runs') }}
),

classified as (
    select
        run_id,
        team_id,
        model_name,
        trigger_type,
        status,
        triggered_at,
        started_at,
        -- an end after the as-of cut-off has not happened yet
        case when {{ ai_maturity.as_of_filter('ended_at') }} then ended_at end as ended_at,
        data_snapshot_at,
        drift_check_id,
        eval_gate_passed,
        registered_model_version,
        period_start,
        trigger_type != 'manual' as is_automated,
        status = 'finished' and ended_at is not null and {{ ai_maturity.as_of_filter('ended_at') }} as is_finished,
        ended_at < started_at or started_at < triggered_at or ended_at < triggered_at as has_bad_clock,
        nullif(trim(git_commit), '') is not null
        and nullif(trim(dataset_digest), '') is not null
        and params_logged
        and metrics_logged as has_full_lineage
    from training_runs
),

final as (
    select
        run_id,
        team_id,
        model_name,
        trigger_type,
        status,
        triggered_at,
        started_at,
        ended_at,
        data_snapshot_at,
        drift_check_id,
        registered_model_version,
        period_start,
        case when is_finished then {{ ai_maturity.period_start('ended_at') }} end as finished_period_start,
        is_automated,
        is_finished,
        is_finished and has_full_lineage as is_reproducible,
        eval_gate_passed is not null as is_eval_gated,
        eval_gate_passed,
        coalesce(has_bad_clock, false) as has_bad_clock,
        case when is_finished and not coalesce(has_bad_clock, false) then
                {{ ai_maturity.duration('triggered_at', 'ended_at', 'hours') }}
        end as retrain_time_hours,
        {{ ai_maturity.duration('data_snapshot_at', 'started_at', 'hours') }} as data_to_training_lag_hours
    from classified
)

select * from final

{#-
  Every drift check (one row per monitor run), and for a drift alert (drift_detected and not a
  false positive) the training run that answered it: a run naming the check in drift_check_id
  (the earliest such run by started_at), else the earliest run of the same team and model with
  trigger_type data_drift or performance_degradation started at or after the alert and within
  var ai_maturity__drift_retrain_window_days × 24 h of it. One run may answer several alerts.
  A negative lag (an explicitly linked run started before its alert) is a bad clock: null.
  Grain: check_id.
-#}
{%- set window_days = ai_maturity.setting('drift_retrain_window_days') %}

with drift_checks as (
    select * from {{ ref('stg_ai_maturity_raw__drift_checks') }}
),

training_runs as (
    select * from {{ ref('int_training_runs_timed') }}
),

checks as (
    select
        check_id,
        team_id,
        model_name,
        model_version,
        monitor_name,
        severity,
        checked_at,
        period_start,
        drift_detected,
        is_false_positive,
        drift_detected and not is_false_positive as is_drift_alert
    from drift_checks
),

explicit_links as (
    select
        checks.check_id,
        training_runs.run_id,
        row_number() over (
            partition by checks.check_id
            order by training_runs.started_at, training_runs.run_id
        ) as link_rank
    from checks
    inner join training_runs on checks.check_id = training_runs.drift_check_id
    where checks.is_drift_alert
),

fallback_links as (
    select
        checks.check_id,
        training_runs.run_id,
        row_number() over (
            partition by checks.check_id
            order by training_runs.started_at, training_runs.run_id
        ) as link_rank
    from checks
    inner join training_runs
        on checks.team_id = training_runs.team_id
        and checks.model_name = training_runs.model_name
        and training_runs.trigger_type in ('data_drift', 'performance_degradation')
        and checks.checked_at <= training_runs.started_at
        and {{ ai_maturity.seconds_between('checks.checked_at', 'training_runs.started_at') }} <= {{ window_days }} * 86400
    where checks.is_drift_alert
),

linked as (
    select
        checks.*,
        case
            when explicit_links.run_id is not null then 'explicit'
            when fallback_links.run_id is not null then 'fallback'
        end as link_type,
        coalesce(explicit_links.run_id, fallback_links.run_id) as linked_run_id
    from checks
    left join explicit_links
        on checks.check_id = explicit_links.check_id
        and explicit_links.link_rank = 1
    left join fallback_links
        on checks.check_id = fallback_links.check_id
        and fallback_links.link_rank = 1
),

final as (
    select
        linked.check_id,
        linked.team_id,
        linked.model_name,
        linked.model_version,
        linked.monitor_name,
        linked.severity,
        linked.checked_at,
        linked.period_start,
        linked.drift_detected,
        linked.is_false_positive,
        linked.is_drift_alert,
        linked.link_type,
        linked.linked_run_id,
        training_runs.trigger_type as linked_run_trigger_type,
        training_runs.started_at as linked_run_started_at,
        linked.linked_run_id is not null as has_linked_run,
        coalesce(linked.linked_run_id is not null and training_runs.trigger_type != 'manual', false)
            as is_auto_retrained,
        {{ ai_maturity.duration('linked.checked_at', 'training_runs.started_at', 'hours') }}
            as drift_to_retrain_hours,
        coalesce(training_runs.started_at < linked.checked_at, false) as has_negative_lag
    from linked
    left join training_runs on linked.linked_run_id = training_runs.run_id
)

select * from final

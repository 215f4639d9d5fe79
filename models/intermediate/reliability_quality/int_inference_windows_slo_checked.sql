{#-
  Each inference window (a Prometheus-style rollup) with its team (the service owner at
  window_start, resolved in staging) and its verdict against the SLO targets of its service:
  availability = 1 − errors ÷ requests must reach the `availability` objective, latency_p95_ms
  must not exceed the `latency_p95_ms` objective. A window is SLO-evaluated when it has requests
  and its service has at least one target; it meets its SLO when it meets every target its service
  has. Grain: service_id × model_name × window_start (window_id). Incremental: recomputes the
  changed windows and every window of a service whose targets changed
  (macros/intermediate/changed_entities.sql).
-#}
{%- set window_id = ai_maturity.surrogate_key(['service_id', 'model_name', 'window_start']) %}
with {{ ai_maturity.changed_keys_cte(
    {'inference_windows': window_id},
    related=[('inference_windows', window_id, 'service_id', 'slo_targets', 'service_id')],
) }}

inference_windows as (
    select
        *,
        {{ window_id }} as window_id
    from {{ ref('stg_ai_maturity_raw__inference_windows') }}
    where {{ ai_maturity.is_changed(window_id) }}
),

slo_targets as (
    select targets.* from {{ ref('stg_ai_maturity_raw__slo_targets') }} as targets
    where targets.service_id in (select inference_windows.service_id from inference_windows)
),

service_objectives as (
    select
        service_id,
        max(case when sli = 'availability' then objective end) as availability_objective,
        max(case when sli = 'latency_p95_ms' then objective end) as latency_p95_objective_ms
    from slo_targets
    group by service_id
),

measured as (
    select
        inference_windows.window_id,
        inference_windows.service_id,
        inference_windows.model_name,
        inference_windows.model_version,
        inference_windows.team_id,
        inference_windows.window_start,
        inference_windows.window_end,
        inference_windows.period_start,
        inference_windows.request_count,
        inference_windows.error_count,
        inference_windows.latency_p95_ms,
        inference_windows.request_count > 0 as has_requests,
        1 - {{ ai_maturity.safe_divide('inference_windows.error_count', 'inference_windows.request_count') }}
            as availability,
        service_objectives.availability_objective,
        service_objectives.latency_p95_objective_ms,
        service_objectives.service_id is not null as has_slo_targets
    from inference_windows
    left join service_objectives on inference_windows.service_id = service_objectives.service_id
),

verdicts as (
    select
        *,
        case when has_requests and availability_objective is not null then
                availability >= availability_objective
        end as meets_availability_objective,
        case when has_requests and latency_p95_objective_ms is not null then
                latency_p95_ms <= latency_p95_objective_ms
        end as meets_latency_objective,
        has_requests and has_slo_targets as is_slo_evaluated
    from measured
),

checked as (
    select
        window_id,
        service_id,
        model_name,
        model_version,
        team_id,
        window_start,
        window_end,
        period_start,
        request_count,
        error_count,
        latency_p95_ms,
        has_requests,
        availability,
        availability_objective,
        latency_p95_objective_ms,
        has_slo_targets,
        is_slo_evaluated,
        meets_availability_objective,
        meets_latency_objective,
        case when is_slo_evaluated then
                coalesce(meets_availability_objective, true) and coalesce(meets_latency_objective, true)
        end as meets_slo,
        {{ ai_maturity.batch_at() }} as _batch_at
    from verdicts
),

final as (
    select * from checked
    {{ ai_maturity.union_tombstones('window_id', 'checked') }}
)

select * from final

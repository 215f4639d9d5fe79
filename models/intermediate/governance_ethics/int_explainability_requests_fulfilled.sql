{#-
  Each explainability request up to the as-of cut-off, in the period of requested_at, with its
  fulfilment time and whether it was fulfilled within var `ai_maturity__explainability_sla_days`
  (≤ N × 24 h). A fulfilment after the cut-off is not yet a fulfilment; one before the request (a
  bad clock) leaves `is_fulfilled_within_sla` null, so it drops out of the fulfilment rate only.
  Grain: request_id.
-#}
with requests as (
    select * from {{ ref('stg_ai_maturity_raw__explainability_requests') }}
),

as_of_fulfilment as (
    select
        request_id,
        team_id,
        model_name,
        requester_type,
        requested_at,
        period_start,
        case when {{ ai_maturity.as_of_filter('fulfilled_at') }} then fulfilled_at end as fulfilled_at
    from requests
),

timed as (
    select
        *,
        {{ ai_maturity.duration('requested_at', 'fulfilled_at', 'days') }} as fulfilment_days,
        coalesce(fulfilled_at < requested_at, false) as has_bad_clock
    from as_of_fulfilment
),

final as (
    select
        request_id,
        team_id,
        model_name,
        requester_type,
        requested_at,
        fulfilled_at,
        period_start,
        fulfilment_days,
        has_bad_clock,
        case
            when has_bad_clock then null
            else coalesce(fulfilment_days <= {{ ai_maturity.setting('explainability_sla_days') }}, false)
        end as is_fulfilled_within_sla
    from timed
)

select * from final

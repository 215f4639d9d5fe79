{#-
  LLM requests in the scope of request metrics (llm_request_in_scope), each with its
  team, period (started_at) and whether it errored (status `error` or `timeout`). No user key or
  text. Grain: request_id. Incremental: recomputes the changed requests
  (macros/intermediate/changed_entities.sql).
-#}
with {{ ai_maturity.changed_keys_cte({'llm_requests': 'request_id'}) }}

llm_requests as (
    select * from {{ ref('stg_ai_maturity_raw__llm_requests') }}
    where {{ ai_maturity.llm_request_in_scope() }}
        and {{ ai_maturity.is_changed('request_id') }}
),

classified as (
    select
        request_id,
        team_id,
        feature_name,
        started_at,
        period_start,
        status,
        status in ('error', 'timeout') as is_error,
        {{ ai_maturity.batch_at() }} as _batch_at
    from llm_requests
),

final as (
    select * from classified
    {{ ai_maturity.union_tombstones('request_id', 'classified') }}
)

select * from final

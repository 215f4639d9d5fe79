{#-
  Each LLM evaluation up to the as-of cut-off, in the period of evaluated_at, attributed to the
  team, feature, model, prompt and retrieval config of its request (the request's values win), else
  to its own (offline suites without a request). `is_quality_suite` marks the suites
  `production_sample` and `human_review` that scope hallucination, unwarranted refusal,
  faithfulness and instruction following. Grain: evaluation_id. Incremental: recomputes the
  changed evaluations and those of a changed request (macros/intermediate/changed_entities.sql).
-#}
{%- set usage_ids = ai_maturity.llm_evaluation_usage_ids('evaluations', 'requests') -%}

with {{ ai_maturity.changed_keys_cte(
    {'llm_evaluations': 'evaluation_id'},
    related=[('llm_evaluations', 'evaluation_id', 'request_id', 'llm_requests', 'request_id')],
) }}

evaluations as (
    select * from {{ ref('stg_ai_maturity_raw__llm_evaluations') }}
    where {{ ai_maturity.is_changed('evaluation_id') }}
),

requests as (
    select measured.* from {{ ref('int_llm_requests_measured') }} as measured
    where measured.request_id in (select evaluations.request_id from evaluations)
),

attributed as (
    select
        evaluations.evaluation_id,
        evaluations.request_id,
        coalesce(requests.trace_id, evaluations.trace_id) as trace_id,
        requests.request_id is not null as has_request,
        {{ usage_ids.team_id }} as team_id,
        {{ usage_ids.feature_name }} as feature_name,
        {{ usage_ids.response_model }} as response_model,
        {{ usage_ids.model_version }} as model_version,
        {{ usage_ids.prompt_hash }} as prompt_hash,
        {{ usage_ids.retrieval_config_id }} as retrieval_config_id,
        evaluations.evaluated_at,
        evaluations.period_start,
        evaluations.suite,
        evaluations.evaluation_name,
        evaluations.evaluator_source,
        evaluations.score_value,
        evaluations.passed,
        evaluations.is_legitimate_request,
        evaluations.suite in ('production_sample', 'human_review') as is_quality_suite,
        {{ ai_maturity.batch_at() }} as _batch_at
    from evaluations
    left join requests on evaluations.request_id = requests.request_id
),

final as (
    select * from attributed
    {{ ai_maturity.union_tombstones('evaluation_id', 'attributed') }}
)

select * from final

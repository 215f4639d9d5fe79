with base as (
    select * from {{ ref('base_ai_maturity_raw__llm_evaluations') }}
),

final as (
    select
        evaluation_id,
        request_id,
        trace_id,
        evaluated_at,
        suite,
        evaluation_name,
        score_value,
        passed,
        evaluator_source,
        evaluator_name,
        is_legitimate_request,
        team_id,
        feature_name,
        model_version,
        prompt_hash,
        retrieval_config_id,
        {{ ai_maturity.staged_period_start('llm_evaluations') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('llm_evaluations', parents={'request_id': 'llm_requests'}) }}
)

select * from final

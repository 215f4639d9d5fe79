with base as (
    select * from {{ ref('base_ai_maturity_raw__llm_requests') }}
),

final as (
    select
        request_id,
        trace_id,
        parent_request_id,
        conversation_id,
        team_id,
        service_id,
        feature_name,
        environment,
        operation_name,
        provider_name,
        request_model,
        response_model,
        model_version,
        prompt_name,
        prompt_version,
        prompt_hash,
        retrieval_config_id,
        is_streaming,
        started_at,
        first_token_at,
        ended_at,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        reasoning_output_tokens,
        cost_usd,
        status,
        finish_reason,
        error_type,
        user_key,
        eval_case_id,
        {{ ai_maturity.staged_period_start('llm_requests') }},
        _loaded_at
    from base
    where {{ ai_maturity.staged_rows('llm_requests') }}
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('llm_requests', parents={'team_id': 'teams', 'service_id': 'service_ownership'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

known_services as (
    select distinct service_id from {{ ref('stg_ai_maturity_raw__service_ownership') }}
),

{{ ai_maturity.deduplicated('llm_requests', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('llm_requests') }} as dq_row_key
    from deduplicated
),

-- prompt_text and response_text are not carried past this point
normalized as (
    select
        request_id,
        trace_id,
        parent_request_id,
        conversation_id,
        team_id,
        service_id,
        feature_name,
        {{ ai_maturity.fold_enum('environment') }} as environment,
        {{ ai_maturity.fold_enum('operation_name') }} as operation_name,
        provider_name,
        request_model,
        response_model,
        model_version,
        prompt_name,
        prompt_version,
        prompt_hash,
        retrieval_config_id,
        coalesce(is_streaming, false) as is_streaming,
        started_at,
        first_token_at,
        ended_at,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        reasoning_output_tokens,
        cost_usd,
        {{ ai_maturity.fold_enum('status') }} as status,
        finish_reason,
        error_type,
        user_key,
        eval_case_id,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

refs_checked as (
    select
        normalized.*,
        teams.team_id is not null as is_known_team,
        known_services.service_id is not null as is_known_service
    from normalized
    left join teams on normalized.team_id = teams.team_id
    left join known_services on normalized.service_id = known_services.service_id
),

checked as (
    select
        *,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('llm_requests', [
            ('not is_known_team', 'unknown_team'),
            ('service_id is not null and not is_known_service', 'unknown_service'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('llm_requests', [
            ('first_token_at < started_at', 'bad_clock:first_token_at_before_started_at'),
            ('ended_at < started_at', 'bad_clock:ended_at_before_started_at'),
            ('input_tokens < 0', 'negative_tokens:input_tokens'),
            ('output_tokens < 0', 'negative_tokens:output_tokens'),
            ('cache_read_input_tokens < 0', 'negative_tokens:cache_read_input_tokens'),
            ('reasoning_output_tokens < 0', 'negative_tokens:reasoning_output_tokens'),
            ('cost_usd < 0', 'negative_cost'),
        ])) }} as flag_reasons
    from refs_checked
),

-- a flagged field is spoiled: null, so it drops out of its metric only
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
        case when first_token_at >= started_at then first_token_at end as first_token_at,
        ended_at,
        case when input_tokens >= 0 then input_tokens end as input_tokens,
        case when output_tokens >= 0 then output_tokens end as output_tokens,
        case when cache_read_input_tokens >= 0 then cache_read_input_tokens end as cache_read_input_tokens,
        case when reasoning_output_tokens >= 0 then reasoning_output_tokens end as reasoning_output_tokens,
        {{ ai_maturity.finite_or_null('cost_usd', 'cost_usd >= 0') }} as cost_usd,
        status,
        finish_reason,
        error_type,
        user_key,
        eval_case_id,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('llm_requests') }},
        dq_row_key,
        rejection_reason,
        flag_reasons
    from checked
)

select * from final

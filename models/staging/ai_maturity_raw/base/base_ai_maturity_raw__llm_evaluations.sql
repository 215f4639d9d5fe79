with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('llm_evaluations', parents={'request_id': 'llm_requests', 'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

requests as (
    -- every valid parent, whatever the as-of cut-off (staging applies it; validation never does)
    select request_id from {{ ref('base_ai_maturity_raw__llm_requests') }}
    where {{ ai_maturity.valid_rows() }}
),

{{ ai_maturity.deduplicated('llm_evaluations', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('llm_evaluations') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        evaluation_id,
        request_id,
        trace_id,
        evaluated_at,
        {{ ai_maturity.fold_enum('suite') }} as suite,
        {{ ai_maturity.fold_enum('evaluation_name') }} as evaluation_name,
        score_value,
        passed,
        {{ ai_maturity.fold_enum('evaluator_source') }} as evaluator_source,
        evaluator_name,
        is_legitimate_request,
        team_id,
        feature_name,
        model_version,
        prompt_hash,
        retrieval_config_id,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

refs_checked as (
    select
        normalized.*,
        requests.request_id is not null as is_known_request,
        teams.team_id is not null as is_known_team
    from normalized
    left join requests on normalized.request_id = requests.request_id
    left join teams on normalized.team_id = teams.team_id
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
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('llm_evaluations') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('llm_evaluations', [
            ('request_id is not null and not is_known_request', 'unknown_request'),
            ('request_id is null and team_id is null', 'no_team'),
            ('team_id is not null and not is_known_team', 'unknown_team'),
            ('not ' ~ ai_maturity.is_finite('score_value') ~ ' or score_value < 0 or score_value > 1', 'score_out_of_range'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('llm_evaluations', [])) }} as flag_reasons
    from refs_checked
)

select * from final

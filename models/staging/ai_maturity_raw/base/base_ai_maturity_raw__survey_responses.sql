with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('survey_responses', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('survey_responses', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('survey_responses', hashed=true) }} as dq_row_key
    from deduplicated
),

-- comment_text is not carried past this point
normalized as (
    select
        response_id,
        survey_id,
        wave,
        respondent_key,
        team_id,
        submitted_at,
        {{ ai_maturity.fold_enum('instrument') }} as instrument,
        item_code,
        response_value,
        scale_min,
        scale_max,
        reverse_scored,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

team_checked as (
    select
        normalized.*,
        teams.team_id is not null as is_known_team
    from normalized
    left join teams on normalized.team_id = teams.team_id
),

final as (
    select
        response_id,
        survey_id,
        wave,
        respondent_key,
        team_id,
        submitted_at,
        instrument,
        item_code,
        response_value,
        scale_min,
        scale_max,
        reverse_scored,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('survey_responses') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('survey_responses', [
            ('not is_known_team', 'unknown_team'),
            ('not ' ~ ai_maturity.is_finite('scale_min') ~ ' or not ' ~ ai_maturity.is_finite('scale_max') ~ ' or scale_min >= scale_max', 'invalid_scale'),
            ('not ' ~ ai_maturity.is_finite('response_value') ~ ' or response_value < scale_min or response_value > scale_max', 'response_out_of_scale'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('survey_responses', [])) }} as flag_reasons
    from team_checked
)

select * from final

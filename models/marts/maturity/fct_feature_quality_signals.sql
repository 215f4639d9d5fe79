{#-
  Quality signals of each LLM feature per period, for the seed paper's observe → understand →
  respond loop: faithfulness (mean score of `faithfulness` evaluations in the production_sample and
  human_review suites) and the down-vote rate of the feature, each against the previous period.
  A drop / rise counts when it reaches its threshold (vars ai_maturity__faithfulness_drop_threshold,
  ai_maturity__downvote_rise_threshold) and both periods rest on at least
  ai_maturity__min_signal_events evaluations / feedback events. The period's dominant prompt hash
  (most in-scope requests, with its model version and retrieval config) and the rollback target
  (the most recent earlier prompt hash of the feature whose ci_release evaluations all passed) say
  what to roll back to. Thresholds are compared with a 1e-9 tolerance (0.8 − 0.7 is 0.0999… in
  floating point). Grain: team_id × feature_name × period_start.
-#}
{%- set min_events = ai_maturity.setting('min_signal_events') -%}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

evaluations as (
    select * from {{ ref('int_llm_evaluations_attributed') }}
),

requests as (
    select * from {{ ref('int_llm_requests_measured') }}
),

feedback as (
    select * from {{ ref('ai_maturity', 'fct_feature_feedback') }}
),

faithfulness as (
    select
        team_id,
        feature_name,
        period_start,
        avg(score_value) as faithfulness_mean,
        count(score_value) as faithfulness_mean_n
    from evaluations
    where evaluation_name = 'faithfulness' and is_quality_suite and feature_name is not null
    group by team_id, feature_name, period_start
),

features as (
    select
        team_id,
        feature_name
    from faithfulness
    union
    select
        team_id,
        feature_name
    from feedback
    union
    select
        team_id,
        feature_name
    from requests
    where feature_name is not null
),

feature_periods as (
    select
        features.team_id,
        features.feature_name,
        spine.period_start,
        spine.team_period_number
    from features
    inner join spine on features.team_id = spine.team_id
),

prompt_versions as (
    select
        team_id,
        feature_name,
        period_start,
        prompt_hash,
        model_version,
        retrieval_config_id,
        count(*) as requests_count
    from requests
    where is_in_scope and feature_name is not null
    group by team_id, feature_name, period_start, prompt_hash, model_version, retrieval_config_id
),

dominant_versions as (
    select
        *,
        row_number() over (
            partition by team_id, feature_name, period_start
            order by requests_count desc, prompt_hash asc, model_version asc, retrieval_config_id asc
        ) as dominance_rank
    from prompt_versions
),

prompt_history as (
    select
        team_id,
        feature_name,
        prompt_hash,
        min(started_at) as first_seen_at
    from requests
    where feature_name is not null and prompt_hash is not null
    group by team_id, feature_name, prompt_hash
),

ci_release_verdicts as (
    select
        team_id,
        feature_name,
        prompt_hash,
        {{ ai_maturity.bool_and('passed') }} as all_passed
    from evaluations
    where suite = 'ci_release' and prompt_hash is not null
    group by team_id, feature_name, prompt_hash
),

signals as (
    select
        feature_periods.team_id,
        feature_periods.feature_name,
        feature_periods.period_start,
        feature_periods.team_period_number,
        faithfulness.faithfulness_mean,
        coalesce(faithfulness.faithfulness_mean_n, 0) as faithfulness_mean_n,
        feedback.downvote_rate,
        coalesce(feedback.downvote_rate_n, 0) as downvote_rate_n,
        dominant_versions.prompt_hash as dominant_prompt_hash,
        dominant_versions.model_version as dominant_model_version,
        dominant_versions.retrieval_config_id as dominant_retrieval_config_id
    from feature_periods
    left join faithfulness
        on feature_periods.team_id = faithfulness.team_id
        and feature_periods.feature_name = faithfulness.feature_name
        and feature_periods.period_start = faithfulness.period_start
    left join feedback
        on feature_periods.team_id = feedback.team_id
        and feature_periods.feature_name = feedback.feature_name
        and feature_periods.period_start = feedback.period_start
    left join dominant_versions
        on feature_periods.team_id = dominant_versions.team_id
        and feature_periods.feature_name = dominant_versions.feature_name
        and feature_periods.period_start = dominant_versions.period_start
        and dominant_versions.dominance_rank = 1
),

compared as (
    select
        *,
        lag(faithfulness_mean) over (partition by team_id, feature_name order by team_period_number)
            as previous_faithfulness_mean,
        lag(faithfulness_mean_n) over (partition by team_id, feature_name order by team_period_number)
            as previous_faithfulness_mean_n,
        lag(downvote_rate) over (partition by team_id, feature_name order by team_period_number)
            as previous_downvote_rate,
        lag(downvote_rate_n) over (partition by team_id, feature_name order by team_period_number)
            as previous_downvote_rate_n
    from signals
),

rollback_candidates as (
    select
        compared.team_id,
        compared.feature_name,
        compared.period_start,
        earlier.prompt_hash,
        row_number() over (
            partition by compared.team_id, compared.feature_name, compared.period_start
            order by earlier.first_seen_at desc, earlier.prompt_hash asc
        ) as recency_rank
    from compared
    inner join prompt_history as current_prompt
        on compared.team_id = current_prompt.team_id
        and compared.feature_name = current_prompt.feature_name
        and compared.dominant_prompt_hash = current_prompt.prompt_hash
    inner join prompt_history as earlier
        on compared.team_id = earlier.team_id
        and compared.feature_name = earlier.feature_name
        and current_prompt.first_seen_at > earlier.first_seen_at
    inner join ci_release_verdicts
        on earlier.team_id = ci_release_verdicts.team_id
        and earlier.feature_name = ci_release_verdicts.feature_name
        and earlier.prompt_hash = ci_release_verdicts.prompt_hash
        and ci_release_verdicts.all_passed
),

final as (
    select
        compared.team_id,
        compared.feature_name,
        compared.period_start,
        compared.faithfulness_mean,
        compared.faithfulness_mean_n,
        compared.previous_faithfulness_mean,
        compared.faithfulness_mean - compared.previous_faithfulness_mean as faithfulness_change,
        compared.downvote_rate,
        compared.downvote_rate_n,
        compared.previous_downvote_rate,
        compared.downvote_rate - compared.previous_downvote_rate as downvote_rate_change,
        coalesce(
            compared.previous_faithfulness_mean - compared.faithfulness_mean
            >= {{ ai_maturity.setting('faithfulness_drop_threshold') }} - 1e-9
            and compared.faithfulness_mean_n >= {{ min_events }}
            and compared.previous_faithfulness_mean_n >= {{ min_events }},
            false
        ) as has_faithfulness_drop,
        coalesce(
            compared.downvote_rate - compared.previous_downvote_rate
            >= {{ ai_maturity.setting('downvote_rise_threshold') }} - 1e-9
            and compared.downvote_rate_n >= {{ min_events }}
            and compared.previous_downvote_rate_n >= {{ min_events }},
            false
        ) as has_downvote_rise,
        compared.dominant_prompt_hash,
        compared.dominant_model_version,
        compared.dominant_retrieval_config_id,
        rollback_candidates.prompt_hash as rollback_target_prompt_hash
    from compared
    left join rollback_candidates
        on compared.team_id = rollback_candidates.team_id
        and compared.feature_name = rollback_candidates.feature_name
        and compared.period_start = rollback_candidates.period_start
        and rollback_candidates.recency_rank = 1
)

select * from final

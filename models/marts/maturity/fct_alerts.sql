{#-
  Prioritised alerts, one row per alert episode: a condition that holds period after period is one
  alert (first_period … last_period), `open` while it holds in the latest period of the data, else
  `resolved`. Sources: SMART target breaches (the target's SLO class and action) and correlated
  LLM quality signals per team × feature (see int_feature_quality_signals). Every alert carries the
  deterministic ids that trace it to its cause. Grain: alert_id.
-#}
with spine as (
    select * from {{ ref('int_team_periods') }}
),

smart_evaluations as (
    select * from {{ ref('ai_maturity', 'fct_smart_evaluations') }}
),

feature_signals as (
    select * from {{ ref('ai_maturity', 'fct_feature_quality_signals') }}
),

data_end as (
    select max(period_start) as last_period_start from spine
),

smart_breaches as (
    select
        smart_evaluations.*,
        spine.team_period_number,
        spine.team_period_number - row_number() over (
            partition by smart_evaluations.target_id, smart_evaluations.team_id
            order by spine.team_period_number
        ) as episode_key
    from smart_evaluations
    inner join spine
        on smart_evaluations.team_id = spine.team_id
        and smart_evaluations.period_start = spine.period_start
    where smart_evaluations.status in ('breached', 'expired')
),

smart_episodes as (
    select
        target_id,
        team_id,
        episode_key,
        min(metric_name) as metric_name,
        min(comparator) as comparator,
        min(target_value) as target_value,
        min(slo_class) as slo_class,
        min(action) as action,  -- action is a contract column of fct_smart_evaluations / fct_alerts -- noqa: RF04
        min(period_start) as first_period,
        max(period_start) as last_period,
        count(*) as periods_count
    from smart_breaches
    group by target_id, team_id, episode_key
),

smart_alerts as (
    select
        {{ ai_maturity.surrogate_key([
            "'smart_breach'", 'smart_episodes.target_id', 'smart_episodes.team_id', 'smart_episodes.first_period',
        ]) }} as alert_id,
        'smart_breach' as alert_type,
        smart_episodes.target_id as rule_id,
        smart_episodes.team_id,
        cast(null as {{ dbt.type_string() }}) as feature_name,
        cast(null as {{ dbt.type_string() }}) as model_version,
        cast(null as {{ dbt.type_string() }}) as prompt_hash,
        cast(null as {{ dbt.type_string() }}) as retrieval_config_id,
        cast(null as {{ dbt.type_string() }}) as rollback_target_prompt_hash,
        smart_episodes.metric_name,
        smart_episodes.slo_class,
        smart_episodes.action,
        (
            smart_episodes.metric_name || ' ' || latest.comparator || ' ' || {{ ai_maturity.format_number('smart_episodes.target_value') }}
            || ' breached; latest value ' || {{ ai_maturity.format_number('latest.observed_value') }}
        ) as signals,
        latest.observed_value as latest_observed_value,
        cast(smart_episodes.target_value as {{ ai_maturity.type_double() }}) as threshold,
        smart_episodes.first_period,
        smart_episodes.last_period,
        smart_episodes.periods_count
    from smart_episodes
    inner join smart_breaches as latest
        on smart_episodes.target_id = latest.target_id
        and smart_episodes.team_id = latest.team_id
        and smart_episodes.last_period = latest.period_start
),

quality_conditions as (
    select
        feature_signals.*,
        spine.team_period_number,
        case
            when feature_signals.has_faithfulness_drop and feature_signals.has_downvote_rise then 'quality_regression'
            when feature_signals.has_faithfulness_drop then 'faithfulness_drop'
            else 'downvote_rise'
        end as alert_type
    from feature_signals
    inner join spine
        on feature_signals.team_id = spine.team_id
        and feature_signals.period_start = spine.period_start
    where feature_signals.has_faithfulness_drop or feature_signals.has_downvote_rise
),

quality_breaches as (
    select
        *,
        team_period_number - row_number() over (
            partition by team_id, feature_name, alert_type
            order by team_period_number
        ) as episode_key
    from quality_conditions
),

quality_episodes as (
    select
        team_id,
        feature_name,
        alert_type,
        episode_key,
        min(period_start) as first_period,
        max(period_start) as last_period,
        count(*) as periods_count
    from quality_breaches
    group by team_id, feature_name, alert_type, episode_key
),

quality_alerts as (
    select
        {{ ai_maturity.surrogate_key([
            'quality_episodes.alert_type', 'quality_episodes.team_id', 'quality_episodes.feature_name', 'quality_episodes.first_period',
        ]) }} as alert_id,
        quality_episodes.alert_type,
        'feature_quality_' || quality_episodes.alert_type as rule_id,
        quality_episodes.team_id,
        quality_episodes.feature_name,
        latest.dominant_model_version as model_version,
        latest.dominant_prompt_hash as prompt_hash,
        latest.dominant_retrieval_config_id as retrieval_config_id,
        case when quality_episodes.alert_type = 'quality_regression' then latest.rollback_target_prompt_hash end
            as rollback_target_prompt_hash,
        case when quality_episodes.alert_type = 'downvote_rise' then 'downvote_rate' else 'faithfulness_mean' end
            as metric_name,
        case when quality_episodes.alert_type = 'quality_regression' then 'p1' else 'p3' end as slo_class,
        case when quality_episodes.alert_type = 'quality_regression' then 'rollback_prompt' else 'investigate' end
            as action,  -- action is a contract column of fct_alerts -- noqa: RF04
        (
            'faithfulness_mean ' || {{ ai_maturity.format_number('latest.previous_faithfulness_mean') }}
            || ' -> ' || {{ ai_maturity.format_number('latest.faithfulness_mean') }}
            || ' (n=' || cast(latest.faithfulness_mean_n as {{ dbt.type_string() }}) || '); downvote_rate '
            || {{ ai_maturity.format_number('latest.previous_downvote_rate') }}
            || ' -> ' || {{ ai_maturity.format_number('latest.downvote_rate') }}
            || ' (n=' || cast(latest.downvote_rate_n as {{ dbt.type_string() }}) || ')'
        ) as signals,
        case when quality_episodes.alert_type = 'downvote_rise' then latest.downvote_rate else latest.faithfulness_mean end
            as latest_observed_value,
        cast(case
            when quality_episodes.alert_type = 'downvote_rise' then {{ ai_maturity.setting('downvote_rise_threshold') }}
            else {{ ai_maturity.setting('faithfulness_drop_threshold') }}
        end as {{ ai_maturity.type_double() }}) as threshold,
        quality_episodes.first_period,
        quality_episodes.last_period,
        quality_episodes.periods_count
    from quality_episodes
    inner join quality_breaches as latest
        on quality_episodes.team_id = latest.team_id
        and quality_episodes.feature_name = latest.feature_name
        and quality_episodes.alert_type = latest.alert_type
        and quality_episodes.last_period = latest.period_start
),

all_alerts as (
    select * from smart_alerts
    union all
    select * from quality_alerts
),

final as (
    select
        all_alerts.alert_id,
        all_alerts.alert_type,
        all_alerts.rule_id,
        all_alerts.team_id,
        all_alerts.feature_name,
        all_alerts.model_version,
        all_alerts.prompt_hash,
        all_alerts.retrieval_config_id,
        all_alerts.metric_name,
        all_alerts.slo_class,
        all_alerts.action,
        all_alerts.rollback_target_prompt_hash,
        all_alerts.signals,
        all_alerts.latest_observed_value,
        all_alerts.threshold,
        all_alerts.first_period,
        all_alerts.last_period,
        all_alerts.periods_count,
        case when all_alerts.last_period = data_end.last_period_start then 'open' else 'resolved' end as status
    from all_alerts
    cross join data_end
)

select * from final

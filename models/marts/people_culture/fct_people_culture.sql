{#-
  People & culture metrics per team and period (metrics.md §6), over the shared spine. Survey
  scores come already suppressed from int_survey_scores_suppressed (fewer distinct respondents than
  var ai_maturity__min_respondents: null score, null respondent count, is_suppressed true; nobody
  answered: 0 respondents, not suppressed). No aggregate above the team is published anywhere, so
  a suppressed score cannot be recovered by subtraction. With survey_responses (people) switched
  off, the survey (roster) columns are null. Grain: team_id × period_start.
-#}
{%- set role_groups = ['research', 'applied_ml', 'ml_platform', 'other'] %}
{%- set instruments = [
    {'instrument': 'psych_safety', 'score': 'psych_safety_score', 'respondents': 'survey_respondents', 'is_suppressed': 'is_suppressed'},
    {'instrument': 'westrum', 'score': 'westrum_score', 'respondents': 'westrum_respondents', 'is_suppressed': 'westrum_is_suppressed'},
    {'instrument': 'wellbeing', 'score': 'wellbeing_score', 'respondents': 'wellbeing_respondents', 'is_suppressed': 'wellbeing_is_suppressed'},
] %}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

survey_scores as (
    select * from {{ ref('int_survey_scores_suppressed') }}
),

people as (
    select * from {{ ref('int_people_onboarded') }}
),

incidents as (
    select * from {{ ref('int_incidents_restored') }}
),

survey_stats as (
    select
        team_id,
        period_start,
        {%- for i in instruments %}
            max(case when instrument = '{{ i.instrument }}' then score end) as {{ i.score }},
            max(case when instrument = '{{ i.instrument }}' then respondents end) as {{ i.respondents }},
            {{ ai_maturity.bool_or("instrument = '" ~ i.instrument ~ "' and is_suppressed") }}
                as {{ i.is_suppressed }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from survey_scores
    group by team_id, period_start
),

diffusion_stats as (
    select
        team_id,
        first_shipped_period_start as period_start,
        {{ ai_maturity.median('days_to_first_ship') }} as knowledge_diffusion_median_days,
        count(days_to_first_ship) as knowledge_diffusion_median_days_n
    from people
    where first_shipped_period_start is not null
    group by team_id, first_shipped_period_start
),

incident_stats as (
    select
        team_id,
        detected_period_start as period_start,
        count(case when detection_source = 'staff' then 1 end) as staff_detected_incidents,
        count(case when detection_source in ('staff', 'automated') then 1 end) as staff_or_automated_incidents,
        {{ ai_maturity.median('detect_to_report_hours') }} as detect_to_report_median_hours,
        count(detect_to_report_hours) as detect_to_report_median_hours_n
    from incidents
    group by team_id, detected_period_start
),

{{ ai_maturity.median_interval_ctes(
    'diffusion_interval', 'people', 'days_to_first_ship',
    where='first_shipped_period_start is not null', period_column='first_shipped_period_start'
) }},

{{ ai_maturity.median_interval_ctes(
    'detect_to_report_interval', 'incidents', 'detect_to_report_hours', period_column='detected_period_start'
) }},

-- the roster at the end of the period's last day: joined before the period ends, not left by then
headcount_stats as (
    select
        spine.team_id,
        spine.period_start,
        count(*) as headcount,
        {%- for role_group in role_groups %}
            count(case when people.role_group = '{{ role_group }}' then 1 end)
                as {{ role_group }}_headcount{% if not loop.last %},{% endif %}
        {%- endfor %}
    from spine
    inner join people
        on spine.team_id = people.team_id
        and people.joined_at < cast(spine.next_period_start as {{ dbt.type_timestamp() }})
        and (people.left_at is null or people.left_at > cast(spine.next_period_start as {{ dbt.type_timestamp() }}))
    group by spine.team_id, spine.period_start
),

metrics as (
    select
        spine.team_id,
        spine.period_start,
        {%- for i in instruments %}
            survey_stats.{{ i.score }},
            case
                when survey_stats.{{ i.is_suppressed }} then null
                else coalesce(survey_stats.{{ i.respondents }}, 0)
            end as {{ i.respondents }},
            coalesce(survey_stats.{{ i.is_suppressed }}, false) as {{ i.is_suppressed }},
        {%- endfor %}
        diffusion_stats.knowledge_diffusion_median_days,
        coalesce(diffusion_stats.knowledge_diffusion_median_days_n, 0) as knowledge_diffusion_median_days_n,
        diffusion_interval.ci_low as knowledge_diffusion_median_days_ci_low,
        diffusion_interval.ci_high as knowledge_diffusion_median_days_ci_high,
        {{ ai_maturity.safe_divide('incident_stats.staff_detected_incidents', 'incident_stats.staff_or_automated_incidents') }}
            as staff_reported_incident_share,
        coalesce(incident_stats.staff_or_automated_incidents, 0) as staff_reported_incident_share_n,
        incident_stats.detect_to_report_median_hours,
        coalesce(incident_stats.detect_to_report_median_hours_n, 0) as detect_to_report_median_hours_n,
        detect_to_report_interval.ci_low as detect_to_report_median_hours_ci_low,
        detect_to_report_interval.ci_high as detect_to_report_median_hours_ci_high,
        {%- for role_group in role_groups %}
            {{ ai_maturity.safe_divide('headcount_stats.' ~ role_group ~ '_headcount', 'headcount_stats.headcount') }}
                as role_share_{{ role_group }},
            coalesce(headcount_stats.headcount, 0) as role_share_{{ role_group }}_n{% if not loop.last %},{% endif %}
        {%- endfor %}
    from spine
    left join survey_stats
        on spine.team_id = survey_stats.team_id
        and spine.period_start = survey_stats.period_start
    left join diffusion_stats
        on spine.team_id = diffusion_stats.team_id
        and spine.period_start = diffusion_stats.period_start
    left join incident_stats
        on spine.team_id = incident_stats.team_id
        and spine.period_start = incident_stats.period_start
    left join headcount_stats
        on spine.team_id = headcount_stats.team_id
        and spine.period_start = headcount_stats.period_start
    left join diffusion_interval
        on spine.team_id = diffusion_interval.team_id
        and spine.period_start = diffusion_interval.period_start
    left join detect_to_report_interval
        on spine.team_id = detect_to_report_interval.team_id
        and spine.period_start = detect_to_report_interval.period_start
),

final as (
    select
        {{ ai_maturity.metric_mart_columns('metrics') }}
    from metrics
)

select * from final

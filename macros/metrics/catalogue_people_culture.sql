{#-
  Metrics of the people_culture cluster (metrics.md §6), all in fct_people_culture. Survey scores
  have no `_n`: their sample size is the instrument's respondent count, itself null when the score
  is suppressed. Role shares and knowledge diffusion need the optional table people; survey metrics
  need survey_responses.
-#}
{% macro metric_catalogue_people_culture() %}
    {%- set m = ai_maturity.catalogue_entry -%}
    {%- set c = 'people_culture' -%}
    {%- set mart = 'fct_people_culture' -%}
    {%- set surveys = ['survey_responses'] -%}
    {%- set people = ['people'] -%}
    {{ return([
        m('psych_safety_score', c, 'score', mart, 'survey_respondents', surveys, true),
        m('survey_respondents', c, 'count', mart, none, surveys, true),
        m('westrum_score', c, 'score', mart, 'westrum_respondents', surveys, true),
        m('wellbeing_score', c, 'score', mart, 'wellbeing_respondents', surveys, true),
        m('knowledge_diffusion_median_days', c, 'days', mart, 'knowledge_diffusion_median_days_n', people, false),
        m('staff_reported_incident_share', c, 'ratio', mart, 'staff_reported_incident_share_n', [], true),
        m('detect_to_report_median_hours', c, 'hours', mart, 'detect_to_report_median_hours_n', [], false),
        m('role_share_research', c, 'ratio', mart, 'role_share_research_n', people, none),
        m('role_share_applied_ml', c, 'ratio', mart, 'role_share_applied_ml_n', people, none),
        m('role_share_ml_platform', c, 'ratio', mart, 'role_share_ml_platform_n', people, none),
        m('role_share_other', c, 'ratio', mart, 'role_share_other_n', people, none),
    ]) }}
{% endmacro %}

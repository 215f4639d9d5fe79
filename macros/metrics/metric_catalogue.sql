{#-
  The metric catalogue: every numeric metric of metrics.md, the cluster mart column it lives in,
  its unit and its `_n` column (none for counts, frequencies, day shares, differences, stability
  scores and survey scores). `source_tables` lists the optional raw tables it needs: when one is
  switched off, the metric is null in fct_team_metrics. One macro per cluster keeps additions local.
-#}
{% macro metric_catalogue() %}
    {{ return(
        ai_maturity.metric_catalogue_change_delivery()
        + ai_maturity.metric_catalogue_ml_lifecycle()
        + ai_maturity.metric_catalogue_reliability_quality()
        + ai_maturity.metric_catalogue_governance_ethics()
        + ai_maturity.metric_catalogue_business_value()
        + ai_maturity.metric_catalogue_people_culture()
    ) }}
{% endmacro %}

{#- One catalogue entry. -#}
{% macro catalogue_entry(name, cluster, unit, mart, sample_size=none, source_tables=[], higher_is_better=none) %}
    {{ return({
        'metric_name': name, 'cluster': cluster, 'unit': unit, 'mart': mart,
        'sample_size': sample_size, 'source_tables': source_tables, 'higher_is_better': higher_is_better,
    }) }}
{% endmacro %}

{% macro metric_catalogue_change_delivery() %}
    {%- set m = ai_maturity.catalogue_entry -%}
    {%- set c = 'change_delivery' -%}
    {%- set mart = 'fct_change_delivery' -%}
    {{ return([
        m('deployments_count', c, 'count', mart, none, [], true),
        m('deployment_frequency_per_week', c, 'per_week', mart, none, [], true),
        m('pipeline_deploy_share', c, 'ratio', mart, 'pipeline_deploy_share_n', [], true),
        m('deploy_days_share', c, 'ratio', mart, none, [], true),
        m('change_lead_time_median_hours', c, 'hours', mart, 'change_lead_time_median_hours_n', [], false),
        m('change_fail_rate', c, 'ratio', mart, 'change_fail_rate_n', [], false),
        m('failed_deployments_count', c, 'count', mart, none, [], false),
        m('failed_deployment_recovery_median_hours', c, 'hours', mart, 'failed_deployment_recovery_median_hours_n', [], false),
        m('unrecovered_failed_deployments', c, 'count', mart, none, [], false),
        m('time_to_restore_median_hours', c, 'hours', mart, 'time_to_restore_median_hours_n', [], false),
        m('rework_rate', c, 'ratio', mart, 'rework_rate_n', [], false),
    ]) }}
{% endmacro %}

{#- Short alias of catalogue_entry for the cluster catalogue macros. -#}
{% macro metric(name, cluster, unit, mart, sample_size=none, source_tables=[], higher_is_better=none) %}
    {{ return(ai_maturity.catalogue_entry(name, cluster, unit, mart, sample_size, source_tables, higher_is_better)) }}
{% endmacro %}

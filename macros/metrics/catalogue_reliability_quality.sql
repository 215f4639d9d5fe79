{#- Metrics of the reliability_quality cluster (metrics.md §4), columns of fct_reliability_quality. -#}
{% macro metric_catalogue_reliability_quality() %}
    {%- set m = ai_maturity.catalogue_entry -%}
    {%- set c = 'reliability_quality' -%}
    {%- set mart = 'fct_reliability_quality' -%}
    {{ return([
        m('sla_adherence', c, 'ratio', mart, 'sla_adherence_n', ['inference_windows', 'slo_targets'], true),
        m('latency_p95_stability', c, 'score', mart, none, ['inference_windows'], true),
        m('drift_monitoring_coverage', c, 'ratio', mart, 'drift_monitoring_coverage_n', ['inference_windows', 'drift_checks'], true),
        m('rollback_speed_median_minutes', c, 'minutes', mart, 'rollback_speed_median_minutes_n', [], false),
        m('llm_error_rate', c, 'ratio', mart, 'llm_error_rate_n', ['llm_requests'], false),
    ]) }}
{% endmacro %}

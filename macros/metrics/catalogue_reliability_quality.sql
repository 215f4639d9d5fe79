{#- Metrics of the reliability_quality cluster (none yet). -#}
{% macro metric_catalogue_reliability_quality() %}
    {{ return([]) }}
{% endmacro %}

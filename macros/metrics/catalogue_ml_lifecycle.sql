{#- Metrics of the ml_lifecycle cluster (none yet). -#}
{% macro metric_catalogue_ml_lifecycle() %}
    {{ return([]) }}
{% endmacro %}

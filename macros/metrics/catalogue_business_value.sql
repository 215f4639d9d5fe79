{#- Metrics of the business_value cluster (none yet). -#}
{% macro metric_catalogue_business_value() %}
    {{ return([]) }}
{% endmacro %}

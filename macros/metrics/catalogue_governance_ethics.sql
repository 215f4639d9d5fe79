{#- Metrics of the governance_ethics cluster (none yet). -#}
{% macro metric_catalogue_governance_ethics() %}
    {{ return([]) }}
{% endmacro %}

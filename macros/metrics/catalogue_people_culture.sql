{#- Metrics of the people_culture cluster (none yet). -#}
{% macro metric_catalogue_people_culture() %}
    {{ return([]) }}
{% endmacro %}

{#- Every metric_name of the model is a metric of the catalogue (rows returned are unknown metrics). -#}
{% test metrics_exist_in_catalogue(model, column_name='metric_name') %}
select {{ column_name }} as unknown_metric
from {{ model }}
where {{ column_name }} is null
    or {{ column_name }} not in (
    {%- for entry in ai_maturity.metric_catalogue() %}
        '{{ entry.metric_name }}'{{ "," if not loop.last }}
    {%- endfor %}
    )
{% endtest %}

{#- Every metric_name of the model is a metric of the catalogue, dim_metrics (rows returned are unknown metrics). -#}
{% test metrics_exist_in_catalogue(model, column_name='metric_name') %}
select {{ column_name }} as unknown_metric
from {{ model }}
where {{ column_name }} is null
    or {{ column_name }} not in (select metric_name from {{ ref('dim_metrics') }})
{% endtest %}

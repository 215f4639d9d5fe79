{#- Non-null values lie within [min_value, max_value] (a rate within [0, 1], a score …); NaN sorts above every number on DuckDB and Spark, so it fails max_value. -#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }} as offending_value
from {{ model }}
where {{ column_name }} is not null
    and (
        1 = 0
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}

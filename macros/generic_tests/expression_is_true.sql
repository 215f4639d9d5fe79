{#- Every row satisfies a boolean SQL expression (optionally only rows matching a condition). -#}
{% test expression_is_true(model, expression, where_condition=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where_condition is not none %} and ({{ where_condition }}){% endif %}
{% endtest %}

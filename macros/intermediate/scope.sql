{#-
  The one in-scope rule of the LLM request metrics (reliability §4 and governance §5): a request
  whose environment is `production` or null. `relation` qualifies the column (optional).
-#}
{% macro llm_request_in_scope(relation=none) %}
    {%- set environment = (relation ~ '.' if relation else '') ~ 'environment' -%}
    ({{ environment }} = 'production' or {{ environment }} is null)
{%- endmacro %}

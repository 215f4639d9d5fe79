{#- Every row satisfies a boolean SQL expression (optionally only rows matching a condition; a null
    result passes); on a large incremental relation, its last batch (ai_maturity.tested_rows). The
    package's models declare it as column_checks' `expressions` (one test node per model); one row
    per failing check, as column_checks returns. -#}
{% test expression_is_true(model, expression, where_condition=none) %}
{%- set declared = {'expression': expression, 'where': where_condition} if where_condition is not none else expression -%}
{{ ai_maturity.failing_checks(model, ai_maturity.model_checks_of(none, [declared], none)) }}
{% endtest %}

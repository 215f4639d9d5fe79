{#- The combination of columns is unique (nulls count as a value); on a large incremental relation,
    among the rows of its last batch (ai_maturity.tested_rows). The package's models declare it as
    column_checks' `unique_combinations` (one test node per model); one row per failing check, as
    column_checks returns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{{ ai_maturity.failing_checks(model, ai_maturity.model_checks_of([combination_of_columns], none, none)) }}
{% endtest %}

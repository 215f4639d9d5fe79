{#- numerator / denominator as a double; null when the denominator is 0 or null (never NaN or inf). -#}
{% macro safe_divide(numerator, denominator) %}{{ return(adapter.dispatch('safe_divide', 'ai_maturity')(numerator, denominator)) }}{% endmacro %}
{% macro default__safe_divide(numerator, denominator) %}(cast({{ numerator }} as {{ ai_maturity.type_double() }}) / nullif(cast({{ denominator }} as {{ ai_maturity.type_double() }}), 0)){% endmacro %}
{% macro spark__safe_divide(numerator, denominator) %}try_divide(cast({{ numerator }} as double), cast({{ denominator }} as double)){% endmacro %}

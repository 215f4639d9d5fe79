{#-
  A double is finite: not NaN, +inf or -inf. NaN compares greater than every number (and equal to
  itself) on DuckDB, Spark and PostgreSQL, so `x >= 0` lets it through; x - x is 0 only for a finite
  x (inf - inf and NaN - NaN are NaN). Null stays null.
-#}
{% macro is_finite(x) %}{{ return(adapter.dispatch('is_finite', 'ai_maturity')(x)) }}{% endmacro %}
{% macro default__is_finite(x) %}({{ x }} - {{ x }} = 0){% endmacro %}
{% macro duckdb__is_finite(x) %}isfinite({{ x }}){% endmacro %}

{#- A double when it is finite (and meets an optional extra condition), else null. -#}
{% macro finite_or_null(x, condition=none) %}
    case when {{ ai_maturity.is_finite(x) }}{% if condition %} and {{ condition }}{% endif %} then {{ x }} end
{%- endmacro %}

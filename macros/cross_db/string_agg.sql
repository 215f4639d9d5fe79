{#- Distinct values joined by a separator, sorted, so the result is deterministic. -#}
{% macro sorted_string_agg(expr, separator=', ') %}{{ return(adapter.dispatch('sorted_string_agg', 'ai_maturity')(expr, separator)) }}{% endmacro %}
{% macro default__sorted_string_agg(expr, separator) %}string_agg(distinct {{ expr }}, '{{ separator }}' order by {{ expr }}){% endmacro %}
{% macro duckdb__sorted_string_agg(expr, separator) %}string_agg(distinct {{ expr }}, '{{ separator }}' order by {{ expr }}){% endmacro %}
{% macro spark__sorted_string_agg(expr, separator) %}nullif(array_join(array_sort(collect_set({{ expr }})), '{{ separator }}'), ''){% endmacro %}

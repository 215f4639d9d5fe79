{#- Exact, interpolated percentile (quantile_cont semantics) of a numeric expression; nulls ignored. -#}
{% macro percentile_cont(expr, fraction) %}{{ return(adapter.dispatch('percentile_cont', 'ai_maturity')(expr, fraction)) }}{% endmacro %}
{% macro default__percentile_cont(expr, fraction) %}percentile_cont({{ fraction }}) within group (order by {{ expr }}){% endmacro %}
{% macro duckdb__percentile_cont(expr, fraction) %}quantile_cont({{ expr }}, {{ fraction }}){% endmacro %}
{% macro spark__percentile_cont(expr, fraction) %}percentile({{ expr }}, {{ fraction }}){% endmacro %}

{% macro median(expr) %}{{ ai_maturity.percentile_cont(expr, 0.5) }}{% endmacro %}

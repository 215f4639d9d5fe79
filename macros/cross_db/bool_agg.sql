{#- True when the boolean expression holds on at least one / on every non-null row. -#}
{% macro bool_or(expr) %}{{ return(adapter.dispatch('bool_or', 'ai_maturity')(expr)) }}{% endmacro %}
{% macro default__bool_or(expr) %}(max(case when {{ expr }} then 1 else 0 end) = 1){% endmacro %}
{% macro postgres__bool_or(expr) %}bool_or({{ expr }}){% endmacro %}

{% macro bool_and(expr) %}{{ return(adapter.dispatch('bool_and', 'ai_maturity')(expr)) }}{% endmacro %}
{% macro default__bool_and(expr) %}(min(case when {{ expr }} then 1 else 0 end) = 1){% endmacro %}
{% macro postgres__bool_and(expr) %}bool_and({{ expr }}){% endmacro %}

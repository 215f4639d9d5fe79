{#- Like SQL's bool_or / bool_and: nulls are ignored; null when every value is null (or no rows). -#}
{% macro bool_or(expr) %}{{ return(adapter.dispatch('bool_or', 'ai_maturity')(expr)) }}{% endmacro %}
{% macro default__bool_or(expr) %}(max(case when {{ expr }} then 1 when not ({{ expr }}) then 0 end) = 1){% endmacro %}
{% macro postgres__bool_or(expr) %}bool_or({{ expr }}){% endmacro %}

{% macro bool_and(expr) %}{{ return(adapter.dispatch('bool_and', 'ai_maturity')(expr)) }}{% endmacro %}
{% macro default__bool_and(expr) %}(min(case when {{ expr }} then 1 when not ({{ expr }}) then 0 end) = 1){% endmacro %}
{% macro postgres__bool_and(expr) %}bool_and({{ expr }}){% endmacro %}

{#- Cast that yields null instead of failing on a value that does not parse. -#}
{% macro try_cast(expr, logical_type) %}{{ return(adapter.dispatch('try_cast', 'ai_maturity')(expr, logical_type)) }}{% endmacro %}
{% macro default__try_cast(expr, logical_type) %}cast({{ expr }} as {{ ai_maturity.type_for(logical_type) }}){% endmacro %}
{% macro duckdb__try_cast(expr, logical_type) %}try_cast({{ expr }} as {{ ai_maturity.type_for(logical_type) }}){% endmacro %}
{% macro spark__try_cast(expr, logical_type) %}try_cast({{ expr }} as {{ ai_maturity.type_for(logical_type) }}){% endmacro %}

{#- A timestamp in UTC: a string with an offset is converted, a naive value is taken as UTC. -#}
{% macro to_utc_timestamp(expr) %}{{ return(adapter.dispatch('to_utc_timestamp', 'ai_maturity')(expr)) }}{% endmacro %}
{% macro default__to_utc_timestamp(expr) %}cast(cast({{ expr }} as timestamp with time zone) at time zone 'UTC' as timestamp){% endmacro %}
{% macro duckdb__to_utc_timestamp(expr) %}try_cast(try_cast({{ expr }} as timestamptz) as timestamp){% endmacro %}
{#- Spark parses an offset into the session time zone, which the profile sets to UTC. -#}
{% macro spark__to_utc_timestamp(expr) %}try_cast({{ expr }} as timestamp){% endmacro %}

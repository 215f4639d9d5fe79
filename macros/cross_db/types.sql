{#- Column types used across the package. DuckDB's `float` is 4 bytes, so doubles are explicit. -#}
{% macro type_double() %}{{ return(adapter.dispatch('type_double', 'ai_maturity')()) }}{% endmacro %}
{% macro default__type_double() %}double precision{% endmacro %}
{% macro duckdb__type_double() %}double{% endmacro %}
{% macro spark__type_double() %}double{% endmacro %}

{% macro type_for(logical_type) %}{{ return(adapter.dispatch('type_for', 'ai_maturity')(logical_type)) }}{% endmacro %}
{% macro default__type_for(logical_type) %}
    {%- if logical_type == 'string' -%}{{ dbt.type_string() }}
    {%- elif logical_type == 'timestamp' -%}{{ dbt.type_timestamp() }}
    {%- elif logical_type == 'boolean' -%}{{ dbt.type_boolean() }}
    {%- elif logical_type == 'bigint' -%}{{ dbt.type_bigint() }}
    {%- elif logical_type == 'double' -%}{{ ai_maturity.type_double() }}
    {%- elif logical_type == 'date' -%}date
    {%- else -%}{{ exceptions.raise_compiler_error("ai_maturity.type_for: unknown logical type '" ~ logical_type ~ "'") }}
    {%- endif -%}
{% endmacro %}

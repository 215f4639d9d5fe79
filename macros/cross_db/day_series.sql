{#- Rows (a date) for every day from first_date to last_date, both date literals 'YYYY-MM-DD'. -#}
{% macro day_series(first_date, last_date) %}{{ return(adapter.dispatch('day_series', 'ai_maturity')(first_date, last_date)) }}{% endmacro %}
{% macro default__day_series(first_date, last_date) %}
    cast(generate_series(cast('{{ first_date }}' as date), cast('{{ last_date }}' as date), interval '1 day') as date)
{%- endmacro %}
{% macro duckdb__day_series(first_date, last_date) %}
    cast(unnest(generate_series(cast('{{ first_date }}' as timestamp), cast('{{ last_date }}' as timestamp), interval '1 day')) as date)
{%- endmacro %}
{% macro spark__day_series(first_date, last_date) %}
    explode(sequence(to_date('{{ first_date }}'), to_date('{{ last_date }}'), interval 1 day))
{%- endmacro %}

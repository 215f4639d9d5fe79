{#- Exact seconds from start to end (epoch arithmetic, fractional), negative when end < start. -#}
{% macro seconds_between(start_ts, end_ts) %}{{ return(adapter.dispatch('seconds_between', 'ai_maturity')(start_ts, end_ts)) }}{% endmacro %}
{% macro default__seconds_between(start_ts, end_ts) %}extract(epoch from ({{ end_ts }}) - ({{ start_ts }})){% endmacro %}
{#- Microsecond integers: epoch() is a double of seconds and loses sub-millisecond precision. -#}
{% macro duckdb__seconds_between(start_ts, end_ts) %}(cast(epoch_us({{ end_ts }}) - epoch_us({{ start_ts }}) as double) / 1000000){% endmacro %}
{#- PostgreSQL's extract(epoch …) is numeric: a double, as on DuckDB and Spark, keeps every duration a double. -#}
{% macro postgres__seconds_between(start_ts, end_ts) %}cast(extract(epoch from ({{ end_ts }}) - ({{ start_ts }})) as double precision){% endmacro %}
{% macro spark__seconds_between(start_ts, end_ts) %}(cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 1000000){% endmacro %}

{#- Duration in a unit, null when either end is null or the clock ran backwards (a bad clock). -#}
{% macro duration(start_ts, end_ts, unit='hours') %}
    {%- set divisor = {'seconds': 1, 'ms': 0.001, 'minutes': 60, 'hours': 3600, 'days': 86400}[unit] -%}
    (case when {{ ai_maturity.seconds_between(start_ts, end_ts) }} >= 0
        then {{ ai_maturity.seconds_between(start_ts, end_ts) }} / {{ divisor }} end)
{%- endmacro %}

{#- Exact seconds from start to end (epoch arithmetic, fractional), negative when end < start. -#}
{% macro seconds_between(start_ts, end_ts) %}{{ return(adapter.dispatch('seconds_between', 'ai_maturity')(start_ts, end_ts)) }}{% endmacro %}
{% macro default__seconds_between(start_ts, end_ts) %}extract(epoch from ({{ end_ts }}) - ({{ start_ts }})){% endmacro %}
{% macro duckdb__seconds_between(start_ts, end_ts) %}(epoch({{ end_ts }}) - epoch({{ start_ts }})){% endmacro %}
{% macro spark__seconds_between(start_ts, end_ts) %}((unix_micros({{ end_ts }}) - unix_micros({{ start_ts }})) / 1000000.0){% endmacro %}

{#- Duration in a unit, null when either end is null or the clock ran backwards (a bad clock). -#}
{% macro duration(start_ts, end_ts, unit='hours') %}
    {%- set divisor = {'seconds': 1, 'ms': 0.001, 'minutes': 60, 'hours': 3600, 'days': 86400}[unit] -%}
    (case when {{ ai_maturity.seconds_between(start_ts, end_ts) }} >= 0
        then {{ ai_maturity.seconds_between(start_ts, end_ts) }} / {{ divisor }} end)
{%- endmacro %}

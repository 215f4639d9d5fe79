{#- The reporting period (var ai_maturity__period: week starting Monday, month, quarter). -#}
{% macro period_grain() %}
    {%- set grain = ai_maturity.setting('period') | lower -%}
    {%- if grain not in ['week', 'month', 'quarter'] -%}
        {{ exceptions.raise_compiler_error("ai_maturity: var ai_maturity__period must be week, month or quarter, not '" ~ grain ~ "'") }}
    {%- endif -%}
    {{ return(grain) }}
{% endmacro %}

{#- First day (a date) of the period containing a timestamp. -#}
{% macro period_start(ts) %}{{ return(adapter.dispatch('period_start', 'ai_maturity')(ts)) }}{% endmacro %}
{% macro default__period_start(ts) %}cast(date_trunc('{{ ai_maturity.period_grain() }}', {{ ts }}) as date){% endmacro %}

{#- A date moved by a number of periods. -#}
{% macro add_periods(date_expr, periods) %}{{ return(adapter.dispatch('add_periods', 'ai_maturity')(date_expr, periods)) }}{% endmacro %}
{% macro default__add_periods(date_expr, periods) %}
    {%- set grain = ai_maturity.period_grain() -%}
    cast({{ date_expr }} + ({{ periods }}) * interval '{{ 7 if grain == "week" else (3 if grain == "quarter" else 1) }} {{ "day" if grain == "week" else "month" }}' as date)
{%- endmacro %}
{% macro spark__add_periods(date_expr, periods) %}
    {%- set grain = ai_maturity.period_grain() -%}
    {%- if grain == 'week' -%}date_add({{ date_expr }}, 7 * ({{ periods }}))
    {%- else -%}add_months({{ date_expr }}, {{ 3 if grain == 'quarter' else 1 }} * ({{ periods }}))
    {%- endif -%}
{%- endmacro %}

{#- Whole days between two dates (date arithmetic is exact for dates). -#}
{% macro days_between_dates(start_date, end_date) %}{{ return(adapter.dispatch('days_between_dates', 'ai_maturity')(start_date, end_date)) }}{% endmacro %}
{% macro default__days_between_dates(start_date, end_date) %}({{ end_date }} - {{ start_date }}){% endmacro %}
{% macro duckdb__days_between_dates(start_date, end_date) %}datediff('day', {{ start_date }}, {{ end_date }}){% endmacro %}
{% macro spark__days_between_dates(start_date, end_date) %}datediff({{ end_date }}, {{ start_date }}){% endmacro %}

{#- Rows (period_start) for every period from the first to the last, both given as date expressions of one row. -#}
{% macro period_series(first_period, last_period) %}{{ return(adapter.dispatch('period_series', 'ai_maturity')(first_period, last_period)) }}{% endmacro %}
{% macro default__period_series(first_period, last_period) %}
    {%- set grain = ai_maturity.period_grain() -%}
    cast(generate_series({{ first_period }}, {{ last_period }}, interval '{{ 7 if grain == "week" else (3 if grain == "quarter" else 1) }} {{ "day" if grain == "week" else "month" }}') as date)
{%- endmacro %}
{% macro duckdb__period_series(first_period, last_period) %}
    {%- set grain = ai_maturity.period_grain() -%}
    cast(unnest(generate_series(cast({{ first_period }} as timestamp), cast({{ last_period }} as timestamp), interval '{{ 7 if grain == "week" else (3 if grain == "quarter" else 1) }} {{ "day" if grain == "week" else "month" }}')) as date)
{%- endmacro %}
{% macro spark__period_series(first_period, last_period) %}
    {%- set grain = ai_maturity.period_grain() -%}
    explode(sequence({{ first_period }}, {{ last_period }}, interval {{ 7 if grain == "week" else (3 if grain == "quarter" else 1) }} {{ "day" if grain == "week" else "month" }}))
{%- endmacro %}

{#- The var ai_maturity__as_of as a timestamp literal, or none. -#}
{% macro as_of_filter(ts) %}
    {%- set as_of = ai_maturity.setting('as_of') -%}
    {%- if as_of is none or as_of == '' -%}1 = 1{%- else -%}{{ ts }} <= cast('{{ as_of }}' as timestamp){%- endif -%}
{%- endmacro %}

{#- Days in the period starting at a date (28–31 for a month, 7 for a week …). -#}
{% macro days_in_period(period_start) %}{{ ai_maturity.days_between_dates(period_start, ai_maturity.add_periods(period_start, 1)) }}{% endmacro %}

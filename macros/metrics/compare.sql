{#-
  Null-safe evaluation of `value <comparator> threshold` (comparator one of >=, >, <=, <, =, given
  as a SQL expression such as a column, or a quoted literal): true or false when the value is
  known, null when the value (or threshold) is null. Used by maturity criteria and SMART targets.
-#}
{% macro compare_to_threshold(value, comparator, threshold) %}
    {{ return(adapter.dispatch('compare_to_threshold', 'ai_maturity')(value, comparator, threshold)) }}
{% endmacro %}

{% macro default__compare_to_threshold(value, comparator, threshold) %}
    (case
        when {{ value }} is null or {{ threshold }} is null then cast(null as {{ dbt.type_boolean() }})
        when {{ comparator }} = '>=' then {{ value }} >= {{ threshold }}
        when {{ comparator }} = '>' then {{ value }} > {{ threshold }}
        when {{ comparator }} = '<=' then {{ value }} <= {{ threshold }}
        when {{ comparator }} = '<' then {{ value }} < {{ threshold }}
        when {{ comparator }} = '=' then {{ value }} = {{ threshold }}
    end)
{%- endmacro %}

{#-
  How far a value is from its threshold, in the metric's unit: positive = still to go, negative =
  met with room to spare, 0 = at the threshold (met for >=, <=, =; not met for the strict > and <).
  Null without a value. For `=`, the absolute difference.
-#}
{% macro gap_to_threshold(value, comparator, threshold) %}
    (case
        when {{ comparator }} in ('>=', '>') then {{ threshold }} - {{ value }}
        when {{ comparator }} in ('<=', '<') then {{ value }} - {{ threshold }}
        else abs({{ value }} - {{ threshold }})
    end)
{%- endmacro %}

{#- A number as text with 4 decimals, identical on every engine (for alert texts). -#}
{% macro format_number(expr) %}coalesce(cast(cast({{ ai_maturity.round_double(expr, 4) }} as decimal(24, 4)) as {{ dbt.type_string() }}), 'null'){% endmacro %}

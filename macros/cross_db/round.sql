{#-
  A double rounded to a number of decimal places, as a double (halves away from zero).
  PostgreSQL has round(numeric, int) only: round(double precision, int) does not exist there.
-#}
{% macro round_double(expr, digits) %}{{ return(adapter.dispatch('round_double', 'ai_maturity')(expr, digits)) }}{% endmacro %}
{% macro default__round_double(expr, digits) %}round({{ expr }}, {{ digits }}){% endmacro %}
{% macro postgres__round_double(expr, digits) %}cast(round(cast({{ expr }} as numeric), {{ digits }}) as double precision){% endmacro %}

{#-
  An expression when every optional raw table it needs is switched on (vars
  ai_maturity__<table>_enabled), else a typed null: a metric of a switched-off table comes out null,
  not 0. `logical_type` is one of type_for's names (double, bigint, …).
-#}
{% macro when_tables_enabled(expr, tables, logical_type='double') %}
    {%- if not ai_maturity.disabled_tables(tables) -%}
        {{ expr }}
    {%- else -%}
        cast(null as {{ ai_maturity.type_for(logical_type) }})
    {%- endif -%}
{%- endmacro %}

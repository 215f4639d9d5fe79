{#-
  The timestamp that assigns a raw table's rows to periods: its `meta.period_column` in the raw
  contract (the sources yml), or none (a table without periods; also at parse time, when `graph`
  is empty and the SQL is never run).
-#}
{% macro period_column(table_name) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(ai_maturity.raw_table_node(table_name).meta.get('period_column')) }}
{% endmacro %}

{#-
  The `period_start` column of a staged event table: the first day of the period (var
  ai_maturity__period) of its period column. Every intermediate model and the spine take an
  event's period from here.
-#}
{% macro staged_period_start(table_name) %}
    {%- set column = ai_maturity.period_column(table_name) -%}
    {%- if column is none -%}{{ return('cast(null as date) as period_start') }}{%- endif -%}
    {{ return(ai_maturity.period_start(column) ~ ' as period_start') }}
{% endmacro %}

{#-
  The rows a staging view keeps: the newest valid version of each key and, for an event table,
  only the events up to the as-of cut-off (var ai_maturity__as_of on its period column), so
  nothing downstream filters an event's own timestamp again.
-#}
{% macro staged_rows(table_name) %}
    {%- set column = ai_maturity.period_column(table_name) -%}
    {{ ai_maturity.valid_rows() }}
    {%- if column %} and {{ ai_maturity.as_of_filter(column) }}{% endif -%}
{% endmacro %}

{#-
  The valid rows of a base table: the newest version of each key (dedupe_rank 1) that was not
  rejected. Staging keeps these (staged_rows); a child table's orphan check looks its parents up
  among them, before any as-of cut-off.
-#}
{% macro valid_rows() %}dedupe_rank = 1 and rejection_reason is null{% endmacro %}

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
  nothing downstream filters an event's own timestamp again. `parents` maps a key column to the
  raw table it references (a null key passes): with a cut-off, a row whose parent was cut is cut
  too, so every staged row still has its staged parent. The parents are ref'd on every parse (dbt
  needs the dependency whether or not a cut-off is set).
-#}
{% macro staged_rows(table_name, parents={}) %}
    {%- set column = ai_maturity.period_column(table_name) -%}
    {%- set as_of = ai_maturity.setting('as_of') -%}
    {{ ai_maturity.valid_rows() }}
    {%- if column %} and {{ ai_maturity.as_of_filter(column) }}{% endif -%}
    {%- for key, parent in parents.items() -%}
        {%- set parent_relation = ref('stg_ai_maturity_raw__' ~ parent) -%}
        {%- if as_of is not none and as_of != '' %}
        and ({{ key }} is null or {{ key }} in (select staged_parent.{{ key }} from {{ parent_relation }} as staged_parent))
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#-
  The valid rows of a base table: the newest version of each key (dedupe_rank 1) that was not
  rejected. Staging keeps these (staged_rows); a child table's orphan check looks its parents up
  among them, before any as-of cut-off.
-#}
{% macro valid_rows() %}dedupe_rank = 1 and rejection_reason is null{% endmacro %}

{#-
  Post-hook (inside the transaction) of every model and seed: the statement that gives the query
  planner statistics of the table the model just wrote, or nothing. PostgreSQL gathers them only
  when autovacuum reaches the table, often after the next models were planned, and a join planned
  on a fresh table without statistics can pick a nested loop over tens of thousands of rows: on the
  demo data the first build of int_team_table_event_periods took 113 s (0.1 s with statistics).
  DuckDB and Spark need no statement (DuckDB keeps its statistics as it writes; Spark's plans here
  do not depend on table statistics).
-#}
{% macro refresh_planner_statistics() %}{{ return(adapter.dispatch('refresh_planner_statistics', 'ai_maturity')()) }}{% endmacro %}

{% macro default__refresh_planner_statistics() %}{% endmacro %}

{% macro postgres__refresh_planner_statistics() %}
    {%- if execute and model.config.get('materialized') in ('table', 'incremental', 'seed') -%}
        analyze {{ this }}
    {%- endif -%}
{% endmacro %}

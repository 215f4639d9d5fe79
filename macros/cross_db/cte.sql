{#-
  `not materialized` for a CTE read several times whose rows are wide (a raw table with free text):
  DuckDB and PostgreSQL would otherwise materialize it once in memory; inlined, each reader scans
  only the columns it needs. Spark has no such hint (it inlines CTEs).
-#}
{% macro not_materialized() %}{{ return(adapter.dispatch('not_materialized', 'ai_maturity')()) }}{% endmacro %}
{% macro default__not_materialized() %}not materialized{% endmacro %}
{% macro spark__not_materialized() %}{% endmacro %}

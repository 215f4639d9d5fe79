{#-
  The hint of a base model's `raw_rows` CTE, which its readers scan several times. On a full build
  the rows are many and wide (a raw table with free text): `not materialized`, so each reader scans
  only the columns it needs (DuckDB and PostgreSQL would otherwise hold them all in memory). On an
  incremental run they are the few rows of a batch: `materialized`, so the raw table is filtered
  once. Spark has no such hint (it inlines CTEs).
-#}
{% macro raw_batch_materialization() %}{{ return(adapter.dispatch('raw_batch_materialization', 'ai_maturity')()) }}{% endmacro %}
{% macro default__raw_batch_materialization() %}{{ 'materialized' if is_incremental() else 'not materialized' }}{% endmacro %}
{% macro spark__raw_batch_materialization() %}{% endmacro %}

{#- The hint of a CTE of few rows that a query reads several times (a data test's batch of an
    incremental relation): `materialized`, so the filter that finds them runs once. Spark has no such
    hint (it inlines CTEs). -#}
{% macro small_cte_materialization() %}{{ return(adapter.dispatch('small_cte_materialization', 'ai_maturity')()) }}{% endmacro %}
{% macro default__small_cte_materialization() %}materialized{% endmacro %}
{% macro spark__small_cte_materialization() %}{% endmacro %}

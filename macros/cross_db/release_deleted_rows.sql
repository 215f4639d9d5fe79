{#-
  Post-hook run after the commit of a model that deletes and re-inserts rows (an incremental run of
  a `delete+insert` model): the statement that frees what the deleted rows hold, or nothing.
  DuckDB keeps per-vector delete versions (up to 16 KiB for each 2,048 rows a delete touches) pinned
  in its buffer pool until a checkpoint that no other transaction overlaps; the scattered deletes
  of one incremental run at scale 10 pinned most of the 3 GB memory_limit, and the tests that ran
  next stopped with `failed to pin block`. From DuckDB 1.4, FORCE CHECKPOINT waits for the other
  dbt thread's open transaction (and holds back new ones) instead of failing; before 1.4 it aborted
  it, so older versions get nothing. A table below var `ai_maturity__checkpoint_min_rows` rows
  cannot pin much (8 bytes per row at most) and skips the wait.
-#}
{% macro release_deleted_rows() %}{{ return(adapter.dispatch('release_deleted_rows', 'ai_maturity')()) }}{% endmacro %}

{% macro default__release_deleted_rows() %}{% endmacro %}

{% macro duckdb__release_deleted_rows() %}
    {%- if execute and model.config.get('materialized') == 'incremental'
        and model.config.get('incremental_strategy') == 'delete+insert' and not flags.FULL_REFRESH -%}
        {%- set query -%}
            select
                (select library_version from pragma_version()) as library_version,
                (select count(*) from {{ this }}) as table_rows
        {%- endset -%}
        {%- set row = run_query(query).rows[0] -%}
        {%- set parts = row['library_version'].lstrip('v').split('.') -%}
        {%- set forces_without_aborting = parts[0] | int > 1 or (parts[0] | int == 1 and parts[1] | int >= 4) -%}
        {%- if forces_without_aborting and row['table_rows'] >= ai_maturity.setting('checkpoint_min_rows') | int -%}
            force checkpoint
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

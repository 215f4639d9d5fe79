{#- Deterministic key from several columns (md5 of their text, nulls spelled out). -#}
{% macro surrogate_key(columns) %}md5({{ ai_maturity.spelled_out_text(columns) }}){%- endmacro %}

{#- The columns' values as one text: cast, nulls spelled out `<null>`, separated by `|`. -#}
{% macro spelled_out_text(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{#- A person key shown as a salted hash (var ai_maturity__hash_salt), never the key itself. -#}
{% macro salted_hash(expr) %}md5('{{ ai_maturity.setting('hash_salt') }}' || '|' || cast({{ expr }} as {{ dbt.type_string() }})){% endmacro %}

{#-
  A hash of a row's columns to partition a large window by (one short key instead of many string
  columns: fct_llm_usage's percentiles sort 15 M values by group at scale 10). Distinct values give
  distinct hashes only with high probability (64 bits on DuckDB and Spark: about 1e-8 for 570 k
  groups), so a model partitioned by it tests that it is unique over its groups
  (`ai_maturity.partition_hash_is_unique`).
-#}
{% macro partition_hash(columns) %}{{ return(adapter.dispatch('partition_hash', 'ai_maturity')(columns)) }}{% endmacro %}
{% macro default__partition_hash(columns) %}{{ ai_maturity.surrogate_key(columns) }}{% endmacro %}
{#- DuckDB's hash of several values is positional and hashes a null as a value of its own -#}
{% macro duckdb__partition_hash(columns) %}hash({{ columns | join(', ') }}){% endmacro %}
{#- Spark's xxhash64 skips null arguments ((null, 'a') and ('a', null) would collide): the
    spelled-out text is hashed instead -#}
{% macro spark__partition_hash(columns) %}xxhash64({{ ai_maturity.spelled_out_text(columns) }}){% endmacro %}

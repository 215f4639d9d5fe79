{#-
  Incremental validation of raw tables.

  A `base_` model holds every delivered raw row with its validation result. Rows are re-validated in
  groups: the rows sharing a dedupe key (the table's `meta.batch_group` when set, else its
  `meta.primary_key`), so a group is always replaced whole (delete+insert on `_group_key`) and the
  dedupe across batches stays exact. An incremental run re-validates the groups that
    - hold a row loaded after the table's watermark (greatest `_loaded_at` minus the var
      `ai_maturity__incremental_lookback_hours`) or a row with a null `_loaded_at`, and hold another
      number of raw rows than the table validated (raw tables only grow: an unchanged count is an
      unchanged group, so a quiet table or a loader without load times costs no re-validation), or
    - reference a parent group (a team, a service's ownership, a request, a deployment, a change)
      that was re-validated after this table's last batch (`_batch_at`): its validity may have changed.
  DuckDB and PostgreSQL delete and insert the re-validated groups (`_group_key`). Spark's parquet
  tables cannot delete rows: there a base table is rebuilt whole, unless the command-line var
  `ai_maturity__spark_incremental_base_tables` is true; then it is partitioned by `_batch_partition`,
  the year × month of its group's first `_loaded_at`, and a run re-validates every group of each
  partition that holds a group to re-validate (its new partition and the one it was stored in) and
  overwrites just those partitions (`insert_overwrite`); a 1-day batch rewrites the newest month and
  the months of the groups it re-delivers. `--full-refresh` rebuilds the whole table.
-#}

{#- Columns (SQL expressions) whose rows are re-validated together. -#}
{% macro batch_group_columns(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set meta = ai_maturity.raw_table_node(table_name).meta -%}
    {{ return(meta.get('batch_group') or meta.get('primary_key')) }}
{% endmacro %}

{#- The group of a row as one string (null parts spelled out). -#}
{% macro batch_group_key(table_name) %}
    {%- set parts = [] -%}
    {%- for column in ai_maturity.batch_group_columns(table_name) -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ return(parts | join(" || '|' || ") if parts else "''") }}
{% endmacro %}

{#- The three bookkeeping columns of a base model: its group, the run that validated it and the
    partition a run overwrites (Spark's partitioned base tables; null elsewhere). -#}
{% macro batch_columns(table_name) %}
    {{ ai_maturity.batch_group_key(table_name) }} as _group_key,
    {{ ai_maturity.batch_at() }} as _batch_at,
    {{ ai_maturity.batch_partition(ai_maturity.batch_group_key(table_name)) }} as _batch_partition
{%- endmacro %}

{#- The `_batch_partition` of a row: the year × month (yyyymm) of the first `_loaded_at` of its group
    (`group_key`), 0 when the group has none, where Spark's base tables are partitioned; else null. -#}
{% macro batch_partition(group_key) %}{{ return(adapter.dispatch('batch_partition', 'ai_maturity')(group_key)) }}{% endmacro %}
{% macro default__batch_partition(group_key) %}cast(null as {{ dbt.type_int() }}){% endmacro %}
{% macro spark__batch_partition(group_key) %}
    {%- if config.get('partition_by') -%}
        {{ ai_maturity.load_month('min(_loaded_at) over (partition by ' ~ group_key ~ ')') }}
    {%- else -%}
        {{ ai_maturity.default__batch_partition(group_key) }}
    {%- endif -%}
{% endmacro %}

{#- The year × month of a timestamp as the integer yyyymm, 0 for null (a partition value). -#}
{% macro load_month(timestamp) %}
    {{- "coalesce(cast(extract(year from " ~ timestamp ~ ") * 100 + extract(month from " ~ timestamp ~ ") as "
        ~ dbt.type_int() ~ "), 0)" -}}
{% endmacro %}

{#-
  The raw rows a base model validates in this run: every row on a full build; on an incremental
  run, every row of the groups to re-validate (see above). `parents` maps a column of this table to
  the raw table whose group it references, e.g. {'team_id': 'teams', 'service_id': 'service_ownership'}.
-#}
{% macro raw_batch(table_name, parents={}) %}
    {#- refs first, unconditionally, so dbt sees the dependencies at parse time -#}
    {%- set parent_relations = {} -%}
    {%- for column, parent in parents.items() -%}
        {%- do parent_relations.update({column: ref('base_ai_maturity_raw__' ~ parent)}) -%}
    {%- endfor -%}
    {%- set delivered = ai_maturity.select_raw_columns(table_name) -%}
    {%- if not is_incremental() -%}
        {{ return(delivered) }}
    {%- endif -%}
    {%- do ai_maturity.assert_history_settings_unchanged(with_periods=false) -%}
    {%- set lookback = ai_maturity.setting('incremental_lookback_hours') | int -%}
    {%- set group_key = ai_maturity.batch_group_key(table_name) -%}
    {%- set last_batch = '(select max(_batch_at) from ' ~ this ~ ')' -%}
    {%- set is_recent = 'delivered._loaded_at is null or delivered._loaded_at > ' ~ ai_maturity.load_watermark(lookback) -%}
    {%- set parent_conditions = [] -%}
    {%- for column, relation in parent_relations.items() -%}
        {%- set condition -%}
            delivered.{{ column }} in (
            select _group_key from {{ relation }}
            where _batch_at > coalesce({{ last_batch }}, cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        )
        {%- endset -%}
        {%- do parent_conditions.append(condition) -%}
    {%- endfor -%}
    {%- set recent -%}
        select {{ group_key }}
        from ({{ delivered }}) as delivered
        where {{ is_recent }}
    {%- endset %}
    {%- set groups %}
        {#- a recent group is re-validated when it holds another number of raw rows than were validated -#}
        select delivered_groups.group_key
        from (
            select
                {{ group_key }} as group_key,
                count(*) as delivered_rows
            from ({{ delivered }}) as delivered
            where {{ ai_maturity.group_head_filter(table_name, '(' ~ delivered ~ ') as delivered', is_recent) }}
                and {{ group_key }} in ({{ recent }})
            group by {{ group_key }}
        ) as delivered_groups
        left join (
            select
                _group_key as group_key,
                count(*) as validated_rows
            from {{ this }}
            where _group_key in ({{ recent }})
            group by _group_key
        ) as validated_groups
            on delivered_groups.group_key = validated_groups.group_key
        where validated_groups.validated_rows is null
            or validated_groups.validated_rows != delivered_groups.delivered_rows
        {%- for condition in parent_conditions %}
        union all
        select {{ group_key }}
        from ({{ delivered }}) as delivered
        where {{ condition }}
        {%- endfor %}
    {%- endset %}
    {%- set row_filter = ai_maturity.group_head_filter(
        table_name, '(' ~ delivered ~ ') as delivered', ([is_recent] + parent_conditions) | join('\n                or ')
    ) -%}
    {{ return(ai_maturity.rows_of_groups(table_name, delivered, group_key, groups, row_filter)) }}
{% endmacro %}

{#-
  A condition on a row of a relation keyed like raw table `table_name` that holds for every row of
  every key group that a row of `rows` (SQL after `from`) meeting `condition` belongs to: its first
  group column is null or that of such a row. It is tested on a plain column before the group key
  string of every row is built (scale 10: matching the three-column key of all 47 M
  llm_request_chunks against a batch's groups took 4 s, twice per run; the base model's query went
  from 7.8 s to 4.7 s). `true` for a one-column group, whose key is that column.
-#}
{% macro group_head_filter(table_name, rows, condition) %}
    {%- set columns = ai_maturity.batch_group_columns(table_name) -%}
    {%- if columns | length < 2 -%}{{ return('true') }}{%- endif -%}
    {%- set head = columns[0] -%}
    {%- set filter -%}
        ({{ head }} is null or {{ head }} in (
            select {{ head }}
            from {{ rows }}
            where {{ condition }}
        ))
    {%- endset -%}
    {{ return(filter) }}
{% endmacro %}

{#- The newest `_loaded_at` this base table validated minus `lookback_hours`, as a timestamp literal
    (1900-01-01 when it holds none): read once when the run compiles, so the raw scans filter on a
    constant and skip the row groups loaded before it by their min/max (a scalar subquery cannot).
    The engine formats the value (in the session's UTC), not the Python driver. -#}
{% macro load_watermark(lookback_hours) %}
    {%- set watermark = none -%}
    {%- if execute -%}
        {%- set query -%}
            select cast({{ dbt.dateadd('hour', -lookback_hours, 'max(_loaded_at)') }} as {{ dbt.type_string() }}) as watermark
            from {{ this }}
        {%- endset -%}
        {%- set watermark = run_query(query).columns[0].values()[0] -%}
    {%- endif -%}
    {{- return("cast('" ~ (watermark or '1900-01-01') ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}

{#- The delivered rows to re-validate, given `groups`, a query of the keys (`group_key`) of the groups
    to re-validate. -#}
{% macro rows_of_groups(table_name, delivered, group_key, groups, row_filter='true') %}{{ return(adapter.dispatch('rows_of_groups', 'ai_maturity')(table_name, delivered, group_key, groups, row_filter)) }}{% endmacro %}
{% macro default__rows_of_groups(table_name, delivered, group_key, groups, row_filter='true') %}
    select delivered.*
    from ({{ delivered }}) as delivered
    where {{ group_key }} in ({{ groups }})
{%- endmacro %}

{#- DuckDB: the row ids of those groups from a scan of their key columns, then every column of just
    those rows (a filter on `rowid`); filtering the full-width scan itself reads every column of every
    row. A raw relation that is not a table (a view, a file) has no `rowid`: the default then. -#}
{% macro duckdb__rows_of_groups(table_name, delivered, group_key, groups, row_filter='true') %}
    {%- set relation = source('ai_maturity_raw', table_name) -%}
    {%- set existing = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)
        if ai_maturity.is_table_enabled(table_name) else none -%}
    {%- if existing is none or existing.type != 'table' -%}
        {{ return(ai_maturity.default__rows_of_groups(table_name, delivered, group_key, groups, row_filter)) }}
    {%- endif -%}
    {%- set row_ids -%}
        rowid in (
            select delivered._raw_row_id
            from ({{ ai_maturity.select_raw_columns(table_name, row_id='rowid') }}) as delivered
            where {{ row_filter }}
                and {{ group_key }} in ({{ groups }})
        )
    {%- endset -%}
    {{ return(ai_maturity.select_raw_columns(table_name, where=row_ids)) }}
{%- endmacro %}

{#- Spark: every delivered row of the partitions that hold one of `groups` before or after this run
    (an insert_overwrite replaces whole partitions): the rows of `groups` and of every group stored in
    such a partition (an unchanged group keeps its partition: its first `_loaded_at` is the same). -#}
{% macro spark__rows_of_groups(table_name, delivered, group_key, groups, row_filter='true') %}
    {%- set touched_partitions -%}
        select {{ ai_maturity.load_month('min(_loaded_at)') }} as batch_partition
        from ({{ delivered }}) as delivered
        where {{ group_key }} in ({{ groups }})
        group by {{ group_key }}
        union all
        select _batch_partition from {{ this }}
        where _group_key in ({{ groups }})
    {%- endset %}
    select delivered.*
    from ({{ delivered }}) as delivered
    where {{ group_key }} in (
        {{ groups }}
        union all
        select _group_key from {{ this }}
        where _batch_partition in ({{ touched_partitions }})
    )
{%- endmacro %}

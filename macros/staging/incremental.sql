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
  `--full-refresh` (and Spark, whose parquet tables cannot delete rows) rebuilds the whole table.
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

{#- The two bookkeeping columns of a base model: its group and the run that validated it. -#}
{% macro batch_columns(table_name) %}
    {{ ai_maturity.batch_group_key(table_name) }} as _group_key,
    {{ ai_maturity.batch_at() }} as _batch_at
{%- endmacro %}

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
    {%- set recent -%}
        select {{ group_key }}
        from ({{ delivered }}) as delivered
        where delivered._loaded_at is null
            or delivered._loaded_at > coalesce(
                (select {{ dbt.dateadd('hour', -lookback, 'max(_loaded_at)') }} from {{ this }}),
                cast('1900-01-01' as {{ dbt.type_timestamp() }})
            )
    {%- endset %}
    select delivered.*
    from ({{ delivered }}) as delivered
    where {{ group_key }} in (
        {#- a recent group is re-validated when it holds another number of raw rows than were validated -#}
        select delivered_groups.group_key
        from (
            select
                {{ group_key }} as group_key,
                count(*) as delivered_rows
            from ({{ delivered }}) as delivered
            where {{ group_key }} in ({{ recent }})
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
        {%- for column, relation in parent_relations.items() %}
        union all
        select {{ group_key }}
        from ({{ delivered }}) as delivered
        where delivered.{{ column }} in (
            select _group_key from {{ relation }}
            where _batch_at > coalesce({{ last_batch }}, cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        )
        {%- endfor %}
    )
{% endmacro %}

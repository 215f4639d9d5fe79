{#-
  Guard of the incremental models against a changed setting.

  The rows an incremental model keeps from earlier runs were computed with the settings of those
  runs: the reporting period, the `as_of` cut-off, the plausibility window, the hash salt, where
  the raw tables live and which optional tables are switched on. Once one of them changes, only a
  `--full-refresh` gives what a full build gives. Every incremental model stamps the settings it
  was built with on its relation (a table comment, written by its post-hook), and an incremental
  run stops with a one-line error naming the changed var when they differ. A relation without the
  stamp (built before the guard existed, or whose comment a host's `persist_docs` replaced) is not
  checked. On Spark the stamp is the table property `ai_maturity_settings` (models rebuilt whole
  there get none).
-#}

{#-
  The settings the stored rows of an incremental model depend on (var name → value as text): a
  base model's validation, and with `with_periods` (the event-grain models) also the period and
  the `as_of` cut-off.
-#}
{% macro history_settings(with_periods) %}
    {%- set settings = {
        'ai_maturity__min_event_date': ai_maturity.setting('min_event_date'),
        'ai_maturity__clock_skew_hours': ai_maturity.setting('clock_skew_hours'),
        'ai_maturity__hash_salt': ai_maturity.setting('hash_salt'),
        'ai_maturity__raw_database': ai_maturity.setting('raw_database'),
        'ai_maturity__raw_schema': ai_maturity.setting('raw_schema'),
    } -%}
    {%- for table_name in ai_maturity.raw_table_names() -%}
        {%- do settings.update({
            'ai_maturity__' ~ table_name ~ '_enabled': ai_maturity.is_table_enabled(table_name),
            'ai_maturity__' ~ table_name ~ '_identifier': var('ai_maturity__' ~ table_name ~ '_identifier', table_name),
        }) -%}
    {%- endfor -%}
    {%- if with_periods -%}
        {%- do settings.update({
            'ai_maturity__period': ai_maturity.period_grain(),
            'ai_maturity__as_of': ai_maturity.setting('as_of'),
        }) -%}
    {%- endif -%}
    {#- as text, so a var given as a number, a date or a string on the command line compares equal -#}
    {%- set as_text = {} -%}
    {%- for name, value in settings.items() -%}
        {%- do as_text.update({name: none if value is none else (value | string)}) -%}
    {%- endfor -%}
    {{ return(as_text) }}
{% endmacro %}

{#- The first words of the stamp, which tell it from any other table comment. -#}
{% macro history_stamp_prefix() %}{{ return('ai_maturity settings: ') }}{% endmacro %}

{#- The post-hook of an incremental model: stamp the settings of this build on its relation. -#}
{% macro stamp_history_settings(with_periods) %}{{ return(adapter.dispatch('stamp_history_settings', 'ai_maturity')(with_periods)) }}{% endmacro %}
{% macro default__stamp_history_settings(with_periods) %}
    comment on table {{ this }} is '{{ (ai_maturity.history_stamp_prefix() ~ tojson(ai_maturity.history_settings(with_periods))) | replace("'", "''") }}'
{%- endmacro %}
{% macro spark__stamp_history_settings(with_periods) %}
    {%- if config.get('materialized') != 'incremental' -%}
        select 1 as rebuilt_whole
    {%- else -%}
    alter table {{ this }} set tblproperties ('ai_maturity_settings' = '{{ (ai_maturity.history_stamp_prefix() ~ tojson(ai_maturity.history_settings(with_periods))) | replace("\\", "\\\\") | replace("'", "\\'") }}')
    {%- endif -%}
{%- endmacro %}

{#- A query of the stamp of this model's relation: the stamp is the last column of its first row. -#}
{% macro history_stamp_query() %}{{ return(adapter.dispatch('history_stamp_query', 'ai_maturity')()) }}{% endmacro %}
{% macro default__history_stamp_query() %}
    select obj_description(tables.oid, 'pg_class') as stamp
    from pg_class as tables
    inner join pg_namespace as schemas on tables.relnamespace = schemas.oid
    where schemas.nspname = '{{ this.schema }}' and tables.relname = '{{ this.identifier }}'
{%- endmacro %}
{% macro duckdb__history_stamp_query() %}
    select comment as stamp
    from duckdb_tables()
    where database_name = '{{ this.database }}' and schema_name = '{{ this.schema }}' and table_name = '{{ this.identifier }}'
{%- endmacro %}
{#- columns key, value; a missing property's value is a message, not a stamp -#}
{% macro spark__history_stamp_query() %}show tblproperties {{ this }} ('ai_maturity_settings'){% endmacro %}

{#- Raise a one-line error when this incremental run's settings differ from the stamped ones. -#}
{% macro assert_history_settings_unchanged(with_periods) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set rows = run_query(ai_maturity.history_stamp_query()).rows -%}
    {%- set stamp = rows[0][-1] if rows | length > 0 else none -%}
    {%- set prefix = ai_maturity.history_stamp_prefix() -%}
    {%- if stamp is none or not stamp.startswith(prefix) -%}{{ return('') }}{%- endif -%}
    {%- set built_with = fromjson(stamp[prefix | length:]) -%}
    {%- for name, value in ai_maturity.history_settings(with_periods).items() -%}
        {%- if name in built_with and built_with[name] != value -%}
            {{ exceptions.raise_compiler_error(
                "ai_maturity: " ~ this.identifier ~ " was built with " ~ name ~ " = " ~ tojson(built_with[name])
                ~ ", this run has " ~ tojson(value) ~ "; its stored rows would disagree with a full build:"
                ~ " run `dbt build --full-refresh` (or set the var back)"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}

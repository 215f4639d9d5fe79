{#- The contract of a raw table, read from the source's yml (columns, data_type, meta). -#}
{% macro raw_table_node(table_name) %}
    {%- for node in graph.sources.values() if node.source_name == 'ai_maturity_raw' and node.name == table_name -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("ai_maturity: '" ~ table_name ~ "' is not a table of source ai_maturity_raw") }}
{% endmacro %}

{#-
  Whether a raw table is switched on: an optional table by its setting <table>_enabled (one per
  optional table in dbt_project.yml, default true); a required table has no such setting and is on.
  A setting of null means "on when present": the table is read when its relation exists, and is
  switched off (no rows, null metrics) when it is absent (readiness_assessments by default).
  Parse time (not execute) reads such a table as on.
-#}
{% macro is_table_enabled(table_name) %}
    {%- if not var.has_var('ai_maturity__' ~ table_name ~ '_enabled') -%}{{ return(true) }}{%- endif -%}
    {%- set flag = ai_maturity.setting(table_name ~ '_enabled') -%}
    {%- if flag is none -%}
        {%- if not execute -%}{{ return(true) }}{%- endif -%}
        {%- set node = ai_maturity.raw_table_node(table_name) -%}
        {%- set existing = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) -%}
        {{ return(existing is not none) }}
    {%- endif -%}
    {{ return(flag in [true, 'true', 'True', 1]) }}
{% endmacro %}

{#-
  `select` of every contract column of a raw table, cast to its contract type (timestamps to UTC).
  A missing optional column becomes a typed null; a missing required column or required table
  fails with a message naming it; a disabled optional table gives no rows.
  Parse-time (not execute) output is never run. `row_id`, an expression of the raw relation, adds
  the column `_raw_row_id`; `where`, a condition on the raw relation's own columns, filters it.
-#}
{% macro select_raw_columns(table_name, row_id=none, where=none) %}
    {%- set relation = source('ai_maturity_raw', table_name) -%}
    {%- if not execute -%}
        {{ return('select 1 as placeholder from ' ~ relation) }}
    {%- endif -%}
    {%- set node = ai_maturity.raw_table_node(table_name) -%}
    {%- set optional = node.meta.get('optional', true) -%}
    {%- set enabled = ai_maturity.is_table_enabled(table_name) -%}
    {%- set present = [] -%}
    {%- set naive_timestamps = [] -%}
    {%- if enabled -%}
        {%- set existing = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
        {%- if existing is none -%}
            {{ exceptions.raise_compiler_error(
                "ai_maturity: raw table '" ~ relation ~ "' (" ~ table_name ~ ") was not found. Load it, point vars "
                ~ "ai_maturity__raw_database / ai_maturity__raw_schema at it"
                ~ (", or switch it off with var ai_maturity__" ~ table_name ~ "_enabled: false" if optional else " (it is required)") ~ ".") }}
        {%- endif -%}
        {%- for column in adapter.get_columns_in_relation(existing) -%}
            {%- do present.append(column.name | lower) -%}
            {%- if ai_maturity.is_naive_timestamp_type(column.dtype) -%}
                {%- do naive_timestamps.append(column.name | lower) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set missing = [] -%}
        {%- for name, column in node.columns.items() if column.meta.get('required') and name | lower not in present -%}
            {%- do missing.append(name) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error("ai_maturity: raw table '" ~ relation ~ "' lacks required column(s): " ~ missing | join(', ')) }}
        {%- endif -%}
    {%- endif %}
    select
    {%- for name, column in node.columns.items() %}
        {% set logical_type = column.data_type or 'string' -%}
        {%- if name | lower not in present -%}
            cast(null as {{ ai_maturity.type_for(logical_type) }})
        {%- elif logical_type == 'timestamp' and name | lower in naive_timestamps -%}
            {#- already a UTC timestamp (naive = UTC): no round trip through a zoned type -#}
            {{ ai_maturity.try_cast(adapter.quote(name), 'timestamp') }}
        {%- elif logical_type == 'timestamp' -%}
            {{ ai_maturity.to_utc_timestamp(adapter.quote(name)) }}
        {%- else -%}
            {{ ai_maturity.try_cast(adapter.quote(name), logical_type) }}
        {%- endif %} as {{ name }}{{ "," if not loop.last or row_id }}
    {%- endfor %}
    {%- if row_id %}
        {{ row_id }} as _raw_row_id
    {%- endif %}
    {%- if enabled %}
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    {%- else %}
    {#- a one-row relation filtered to nothing: same columns, no rows #}
    from (select 1 as no_rows) as disabled_table
    where 1 = 0
    {%- endif %}
{% endmacro %}

{#- A raw column type that holds timestamps without a zone (read as UTC as they are). -#}
{% macro is_naive_timestamp_type(data_type) %}
    {{- return((data_type or '') | lower | trim in [
        'timestamp', 'timestamp without time zone', 'timestamp_ns', 'timestamp_ms', 'timestamp_s',
        'datetime', 'timestamp_ntz'
    ]) -}}
{% endmacro %}

{#- Folded enumeration value: trimmed and lower-cased. -#}
{% macro fold_enum(column) %}lower(trim({{ column }})){% endmacro %}

{#- First failed check as the rejection reason: checks is a list of (condition, reason). -#}
{% macro first_failed(checks) %}
    coalesce(
    {%- for condition, reason in checks %}
        case when {{ condition }} then '{{ reason }}' end{{ "," if not loop.last }}
    {%- endfor %}
    {%- if checks | length == 1 %}, cast(null as {{ dbt.type_string() }}){% endif %}
    )
{%- endmacro %}

{#- Every failed check, '; '-joined, null when none failed: checks is a list of (condition, reason). -#}
{% macro all_failed(checks) %}
    {%- if checks | length == 0 -%}cast(null as {{ dbt.type_string() }})
    {%- else -%}
    nullif(concat_ws('; '
    {%- for condition, reason in checks %},
        case when {{ condition }} then '{{ reason }}' end
    {%- endfor %}
    ), '')
    {%- endif -%}
{%- endmacro %}

{#-
  Rejection checks of a raw table for first_failed, in order: required values, enumerations, an
  implausible period timestamp (the table's `meta.period_column` before var
  ai_maturity__min_event_date or after the row's own _loaded_at plus var
  ai_maturity__clock_skew_hours; not checked when _loaded_at is null), then the model's own checks.
-#}
{% macro required_checks(table_name, extra_checks=[]) %}
    {%- set checks = [] -%}
    {%- if execute -%}
    {%- set node = ai_maturity.raw_table_node(table_name) -%}
    {%- for name, column in node.columns.items() if column.meta.get('required') -%}
        {%- do checks.append((name ~ ' is null', 'missing_required_value:' ~ name)) -%}
    {%- endfor -%}
    {%- for name, column in node.columns.items() if column.meta.get('accepted_values') -%}
        {%- set values = column.meta.get('accepted_values') -%}
        {%- do checks.append((name ~ " not in ('" ~ values | join("', '") ~ "')", 'unknown_enum_value:' ~ name)) -%}
    {%- endfor -%}
    {%- set period_column = node.meta.get('period_column') -%}
    {%- if period_column -%}
        {%- do checks.append((ai_maturity.is_implausible_time(period_column), 'implausible_timestamp:' ~ period_column)) -%}
    {%- endif -%}
    {%- endif -%}
    {{ return(checks + extra_checks) }}
{% endmacro %}

{#-
  A timestamp no event can have: before the earliest plausible date, or after its row was loaded
  (plus clock skew). A row without _loaded_at was loaded before this run started: the run's start
  bounds it instead (re-validated on every run, so incremental and full builds agree).
-#}
{% macro is_implausible_time(column) %}
    {%- set min_date = ai_maturity.setting('min_event_date') -%}
    {%- set skew_hours = ai_maturity.setting('clock_skew_hours') | int -%}
    {%- set run_start = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set condition -%}
        ({{ column }} < cast('{{ min_date }}' as {{ dbt.type_timestamp() }})
        or {{ column }} > {{ dbt.dateadd('hour', skew_hours, 'coalesce(_loaded_at, ' ~ run_start ~ ')') }})
    {%- endset -%}
    {{ return(condition) }}
{% endmacro %}

{#-
  Flag checks of a raw table for all_failed: the model's own checks, then `non_finite:<column>` for
  every double column of the contract holding NaN or an infinity (except columns whose range check
  rejects the row, `meta.range_checked`). The flagged field becomes null (finite_or_null).
-#}
{% macro flag_checks(table_name, checks=[]) %}
    {%- set non_finite = [] -%}
    {%- if execute -%}
    {%- for name, column in ai_maturity.raw_table_node(table_name).columns.items()
        if column.data_type == 'double' and not column.meta.get('range_checked') -%}
        {%- do non_finite.append(('not ' ~ ai_maturity.is_finite(name), 'non_finite:' ~ name)) -%}
    {%- endfor -%}
    {%- endif -%}
    {{ return(checks + non_finite) }}
{% endmacro %}

{#- Contract primary key columns of a raw table. -#}
{% macro raw_key_columns(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {{ return(ai_maturity.raw_table_node(table_name).meta.get('primary_key')) }}
{% endmacro %}

{#-
  Two CTEs, `duplicated_keys` and `deduplicated`: every row of `relation` with its rank among the
  re-deliveries of its key (1 = kept): greatest _loaded_at first; equal or null _loaded_at are
  ordered by an md5 of the row's whole content, so every run keeps the same row. A row with a null
  key part is never a duplicate (it is rejected for the missing key). Only keys delivered more than
  once are ranked (a hash aggregate finds them): the content md5 of every other row is never computed.
-#}
{% macro deduplicated(table_name, relation) %}
    {%- if not execute -%}{{ return('deduplicated as (select 1 as dedupe_rank),') }}{%- endif -%}
    {%- set keys = ai_maturity.raw_key_columns(table_name) -%}
    {%- set content = [] -%}
    {%- for column in ai_maturity.raw_table_node(table_name).columns.keys() -%}
        {%- do content.append(relation ~ '.' ~ column) -%}
    {%- endfor -%}
    {%- set on_key -%}
        {%- for key in keys %}{{ relation }}.{{ key }} = duplicated_keys.{{ key }}{{ ' and ' if not loop.last }}{% endfor -%}
    {%- endset -%}
duplicated_keys as (
    select {{ keys | join(', ') }}
    from {{ relation }}
    where {{ keys | join(' is not null and ') }} is not null
    group by {{ keys | join(', ') }}
    having count(*) > 1
),

deduplicated as (
    select
        {{ relation }}.*,
        1 as dedupe_rank
    from {{ relation }}
    left join duplicated_keys on {{ on_key }}
    where duplicated_keys.{{ keys[0] }} is null
    union all
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ relation }}.{{ keys | join(', ' ~ relation ~ '.') }}
            order by {{ relation }}._loaded_at desc nulls last, {{ ai_maturity.surrogate_key(content) }} desc
        ) as dedupe_rank
    from {{ relation }}
    inner join duplicated_keys on {{ on_key }}
),
{%- endmacro %}

{#- The row key as one string for the data-quality model; person-keyed tables show a salted hash. -#}
{% macro dq_row_key(table_name, hashed=false) %}
    {%- if not execute -%}{{ return("''") }}{%- endif -%}
    {%- set keys = ai_maturity.raw_key_columns(table_name) -%}
    {%- set parts = [] -%}
    {%- for key in keys -%}
        {%- do parts.append("coalesce(cast(" ~ key ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {%- set joined = parts | join(" || '|' || ") -%}
    {%- if hashed -%}{{ ai_maturity.salted_hash(joined) }}{%- else -%}{{ joined }}{%- endif -%}
{%- endmacro %}

{#- Join condition: the ownership interval [valid_from, valid_until) of a service containing a timestamp. -#}
{% macro ownership_covers(ownership, service_id, ts) %}
    {{ ownership }}.service_id = {{ service_id }}
    and {{ ts }} >= {{ ownership }}.valid_from
    and ({{ ownership }}.valid_until is null or {{ ts }} < {{ ownership }}.valid_until)
{%- endmacro %}

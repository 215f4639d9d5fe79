{#-
  Incremental event-grain models.

  An event-grain `int_` model (one row per request, trace, evaluation, …) is incremental on
  DuckDB and PostgreSQL (delete+insert on its key; Spark, whose parquet tables cannot delete rows,
  rebuilds it whole).
  An incremental run recomputes only the entities the raw batches since its last run can have
  changed: it reads the key groups of the base tables re-validated after its own newest `_batch_at`,
  takes EVERY version of those groups (a base table keeps the superseded and rejected deliveries
  too), and maps each version to the model's key. The old version of a re-delivered row names the
  entity it used to belong to (a request moved to another trace, an evaluation of another request),
  the new one the entity it belongs to now: both are recomputed. An entity that no longer exists
  (its row now rejected, superseded, or cut off) comes out as a tombstone — the key with a null
  `_batch_at` — which replaces the old row and is deleted by the model's post-hook
  (`delete_tombstones()`).
-#}

{#- This run recomputes only the changed entities (false on a full build, and in a unit test,
    where the model has no relation of its own). -#}
{% macro recomputes_changed_only() %}
    {{- return(this is not none and is_incremental()) -}}
{% endmacro %}

{#- The `_batch_at` of the rows a model writes in this run (the run that validated them). -#}
{% macro batch_at() %}
    {{- return("cast('" ~ run_started_at.strftime("%Y-%m-%d %H:%M:%S") ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}

{#-
  Every version of the base rows of `table_name` whose key group was re-validated after this
  model's newest `_batch_at`, as the values of `expression` (column `changed_key`). A base table
  replaces a re-validated group whole (macros/staging/incremental.sql), so every version of it
  carries that run's `_batch_at`: the filter on `_batch_at` alone finds them (and skips the row
  groups of older batches by their min/max), no second pass over the table by `_group_key`.
-#}
{% macro changed_values(table_name, expression) %}
    {%- set relation = ref('base_ai_maturity_raw__' ~ table_name) -%}
    {%- set query -%}
        select {{ expression }} as changed_key
        from {{ relation }}
        where _batch_at > {{ ai_maturity.changed_since() }}
    {%- endset -%}
    {{ return(query) }}
{% endmacro %}

{#- This model's newest `_batch_at` (1900-01-01 when it has none) as a timestamp literal: a base row
    validated after it is new to the model. Read before the model's query runs, so the filter on
    `_batch_at` is a constant the engine prunes row groups by (with a scalar subquery in its place
    DuckDB scanned every row group of the base tables: 2–3× the time of fct_llm_usage's query at
    scale 1). -#}
{% macro changed_since() %}
    {%- set fallback = "cast('1900-01-01' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- if not execute -%}{{ return(fallback) }}{%- endif -%}
    {%- set newest = run_query('select max(_batch_at) as newest from ' ~ this).columns[0].values()[0] -%}
    {%- if newest is none -%}{{ return(fallback) }}{%- endif -%}
    {%- set text = newest if newest is string else newest.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {{- return("cast('" ~ text ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}

{#-
  The CTE `changed` (followed by a comma) of the model keys (column `changed_key`, distinct, not
  null) an incremental run recomputes; nothing on a full build. `sources` maps a raw table name to
  the SQL expression of the model key over a row of its base table, e.g. {'llm_requests':
  'request_id', 'llm_evaluations': 'request_id'}. `related` adds keys reached through another
  table: a list of (table, expression, column, source table, source expression) — `expression` over
  every version of the base rows of `table` whose `column` is among the changed values of `source
  expression` in `source table` (e.g. the requests of a changed RAG eval case:
  ('llm_requests', 'request_id', 'eval_case_id', 'rag_eval_cases', 'case_id')).
-#}
{% macro changed_keys_cte(sources, related=[]) %}
    {#- refs at parse time, so dbt sees the dependencies; a full build (and a unit test, whose
        inputs are the model's staging and intermediate parents) reads no base table -#}
    {%- if not execute -%}
        {%- for table_name in sources -%}
            {%- do ref('base_ai_maturity_raw__' ~ table_name) -%}
        {%- endfor -%}
        {%- for table_name, expression, column, source_table, source_expression in related -%}
            {%- do ref('base_ai_maturity_raw__' ~ table_name) -%}
            {%- do ref('base_ai_maturity_raw__' ~ source_table) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not ai_maturity.recomputes_changed_only() -%}
        {{ return('') }}
    {%- endif -%}
    {%- do ai_maturity.assert_history_settings_unchanged(with_periods=true) -%}
    {%- set queries = [] -%}
    {%- for table_name, expression in sources.items() -%}
        {%- do queries.append(ai_maturity.changed_values(table_name, expression)) -%}
    {%- endfor -%}
    {%- for table_name, expression, column, source_table, source_expression in related -%}
        {%- set query -%}
        select {{ expression }} as changed_key
        from {{ ref('base_ai_maturity_raw__' ~ table_name) }}
        where {{ column }} in (
            select changed_key from ({{ ai_maturity.changed_values(source_table, source_expression) }}) as changed_values
        )
        {%- endset -%}
        {%- do queries.append(query) -%}
    {%- endfor -%}
    {%- set cte -%}
changed as (
    select distinct changed_key
    from (
        {{ queries | join('\n        union all\n') }}
    ) as changed_versions
    where changed_key is not null
),
    {%- endset -%}
    {{ return(cte) }}
{% endmacro %}

{#- `column` is a changed key (always true on a full build). -#}
{% macro is_changed(column) %}
    {{- return(column ~ ' in (select changed_key from changed)' if ai_maturity.recomputes_changed_only() else 'true') -}}
{% endmacro %}

{#- A row of `relation` counts in a team × period of the CTE `changed` (columns team_id,
    period_start) a team × period mart recomputes (always true on a full build). -#}
{% macro in_changed_cells(relation, period_column='period_start') %}
    {%- if not ai_maturity.recomputes_changed_only() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set condition -%}
        exists (
        select 1 from changed
        where changed.team_id = {{ relation }}.team_id
            and changed.period_start = {{ relation }}.{{ period_column }}
    )
    {%- endset -%}
    {{ return(condition) }}
{% endmacro %}

{#-
  `union all` the rows that replace the changed keys the model no longer produces (nothing on a
  full build): the key, the `carried` columns of the CTE `changed` (where a contract needs them not
  null), every other column null (`_batch_at` null marks a tombstone). `computed` is the CTE of
  the model's new rows, in the model's column order. `key_column` is one column (matched with
  `changed.changed_key`) or a list of columns (a composite key, e.g. a team × period mart's
  [team_id, period_start], each matched with the column of that name in `changed`).
-#}
{% macro union_tombstones(key_column, computed, carried=[]) %}
    {%- if not ai_maturity.recomputes_changed_only() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set composite = key_column is not string -%}
    {%- set key_columns = key_column if composite else [key_column] -%}
    {%- set changed_columns = {} -%}
    {%- for name in key_columns -%}
        {%- do changed_columns.update({name | lower: 'changed.' ~ (name if composite else 'changed_key')}) -%}
    {%- endfor -%}
    {%- set columns = adapter.get_columns_in_relation(this) -%}
    {%- set query %}
    union all
    select
    {%- for column in columns %}
        {% if column.name | lower in changed_columns -%}
            {{ changed_columns[column.name | lower] }}
        {%- elif column.name | lower in carried -%}
            changed.{{ column.name }}
        {%- else -%}
            cast(null as {{ column.data_type }})
        {%- endif %} as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from changed
    where not exists (
        select 1 from {{ computed }}
        where
        {%- for name in key_columns %}
            {{ 'and ' if not loop.first }}{{ computed }}.{{ name }} = {{ changed_columns[name | lower] }}
        {%- endfor %}
    )
    {%- endset %}
    {{ return(query) }}
{% endmacro %}

{#- The post-hook of an incremental event-grain model: drop the tombstones it just wrote. -#}
{% macro delete_tombstones() %}
    {%- if ai_maturity.recomputes_changed_only() -%}
        delete from {{ this }} where _batch_at is null
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{% endmacro %}

{#-
  The hook around an incremental run of a team × period mart that filters its large inputs by the
  CTE `changed` (before=true: the pre-hook; false: the post-hook). DuckDB's optimizer builds a
  semi join on whichever side it estimates smaller, and it estimates a `_batch_at > since` filter
  at a fifth of the table: the few thousand changed cells looked larger than the 20 M traces they
  filter, so the hash tables were built on the traces and requests (9 GiB, out of memory at scale
  10). The pre-hook adds that swap to the session's `disabled_optimizers` for the mart's query, the
  post-hook takes it out again unless the profile's `settings` disable it too (any other optimizer
  a profile or an earlier hook disabled stays as it was). Empty (no statement) on a full build and
  on the other engines. A mart that fails skips its post-hook: the swap stays off for the rest of
  that dbt invocation (plans, not results, differ).
-#}
{% macro changed_cells_planner_hook(before) %}
    {{- return(adapter.dispatch('changed_cells_planner_hook', 'ai_maturity')(before)) -}}
{% endmacro %}

{% macro default__changed_cells_planner_hook(before) %}{{ return('') }}{% endmacro %}

{% macro duckdb__changed_cells_planner_hook(before) %}
    {%- set optimizer = 'build_side_probe_side' -%}
    {%- if not (execute and ai_maturity.recomputes_changed_only()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set current = run_query("select current_setting('disabled_optimizers')").columns[0].values()[0] or '' -%}
    {%- set disabled = current.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- set profile_settings = target.get('settings') or {} -%}
    {%- set kept = (profile_settings.get('disabled_optimizers') or '') | lower -%}
    {%- if before and optimizer not in disabled -%}
        {%- set disabled = disabled + [optimizer] -%}
    {%- elif not before and optimizer not in kept.split(',') | map('trim') | list -%}
        {%- set disabled = disabled | reject('equalto', optimizer) | list -%}
    {%- endif -%}
    {{ return("set disabled_optimizers = '" ~ disabled | join(',') ~ "'") }}
{% endmacro %}

{#- Two values of a column differ (true or false, never null): one is null and the other not, or
    they are further apart than a relative 1e-9 (a mean summed in another order by another thread
    differs in its last bits; exact for counts below 10^9). Tested by tests/dbt/assert_values_differ.sql. -#}
{% macro values_differ(left, right) %}
    {{- return('coalesce((' ~ left ~ ' is null) != (' ~ right ~ ' is null) or abs(' ~ left ~ ' - ' ~ right ~ ') > 1e-9 * greatest(abs(' ~ left ~ '), abs(' ~ right ~ ')), false)') -}}
{% endmacro %}

{#- A team × period mart's changed-cell candidates: the cells that joined or left the spine since
    its last run (a select of team_id, period_start; incremental runs only). -#}
{% macro spine_changed_cells() %}
    {%- set query -%}
        select
            coalesce(spine.team_id, mart_rows.team_id) as team_id,
            coalesce(spine.period_start, mart_rows.period_start) as period_start
        from {{ ref('int_team_periods') }} as spine
        full outer join {{ this }} as mart_rows
            on spine.team_id = mart_rows.team_id
            and spine.period_start = mart_rows.period_start
        where spine.team_id is null or mart_rows.team_id is null
    {%- endset -%}
    {{ return(query) }}
{% endmacro %}

{#- The CTE `changed` (followed by a comma) of a team × period mart: the distinct cells, with a
    team and a period, of its CTE `changed_cell_candidates` (incremental runs only). -#}
{% macro changed_cells_cte() %}
    {%- set cte -%}
    changed as (
        select distinct
            team_id,
            period_start
        from changed_cell_candidates
        where
            team_id is not null
            and period_start is not null
    ),
    {%- endset -%}
    {{ return(cte) }}
{% endmacro %}

{#-
  The CTEs (each followed by a comma) of the LLM rows an incremental run of an LLM mart starts
  from, all changed since `since` (the mart's newest `_batch_at`): `changed_request_versions`, every
  version of a re-validated request (request_id, trace_key, team_id, period_start and the
  `request_columns`: a name → SQL expression over the base row `versions`); `changed_evaluations`,
  every version of a re-validated evaluation and the current evaluations of a changed request
  (request_id, team_id, period_start and the `evaluation_columns`, names of the evaluation's own
  columns); `evaluated_request_versions`, every version, changed or current, of the requests of those
  evaluations (request_id, team_id and the names of `request_columns`). Used by fct_llm_usage (its
  scenario ids) and fct_governance_ethics (team and period only).
-#}
{% macro changed_llm_rows_ctes(since, request_columns={}, evaluation_columns=[]) %}
    {%- set request_names = request_columns.keys() | list -%}
    {%- set ctes -%}
    changed_request_versions as (
        select
            versions.request_id,
            {{ ai_maturity.llm_trace_key('versions.trace_id', 'versions.request_id') }} as trace_key,
            versions.team_id,
            {{ ai_maturity.staged_period_start('llm_requests') }}
            {%- for name, expression in request_columns.items() %},
            {{ expression }} as {{ name }}
            {%- endfor %}
        from {{ ref('base_ai_maturity_raw__llm_requests') }} as versions
        where versions._batch_at > {{ since }}
    ),

    changed_evaluations as (
        select
            evaluation_versions.request_id,
            evaluation_versions.team_id,
            {{ ai_maturity.staged_period_start('llm_evaluations') }}
            {%- for name in evaluation_columns %},
            evaluation_versions.{{ name }}
            {%- endfor %}
        from {{ ref('base_ai_maturity_raw__llm_evaluations') }} as evaluation_versions
        where evaluation_versions._batch_at > {{ since }}
        union
        select
            request_id,
            team_id,
            period_start
            {%- for name in evaluation_columns %},
            {{ name }}
            {%- endfor %}
        from {{ ref('stg_ai_maturity_raw__llm_evaluations') }}
        where request_id in (select changed_request_versions.request_id from changed_request_versions)
    ),

    evaluated_request_versions as (
        select {{ (['request_id', 'team_id'] + request_names) | join(', ') }} from changed_request_versions
        union
        select {{ (['request_id', 'team_id'] + request_names) | join(', ') }} from {{ ref('int_llm_requests_measured') }}
        where request_id in (select changed_evaluations.request_id from changed_evaluations)
    ),
    {%- endset -%}
    {{ return(ctes) }}
{% endmacro %}

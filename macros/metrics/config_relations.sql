{#-
  A configuration relation: the package seed, or the host project's own when the var
  ai_maturity__<name> names one. A bare name (`my_maturity_criteria`) is a model or seed of the host
  (root) project, read through `ref(project_name, name)`, so the DAG builds it first (`dbt ls -s my_maturity_criteria+` lists
  the models that read it); a dotted name (`analytics.my_maturity_criteria`) is a relation outside
  dbt, read as written. The seed stays a parent either way, and the package's unit tests (which mock
  the seed) always read the seed.
-#}
{% macro config_relation(name) %}
    {%- set seed_relation = ref(name) -%}
    {%- set override = ai_maturity.setting(name) -%}
    {%- set in_unit_test = model is mapping and model.get('resource_type') == 'unit_test' -%}
    {%- if not override or in_unit_test -%}
        {%- if not in_unit_test -%}
            {%- do ai_maturity.require_config_columns(name, seed_relation, 'seed ' ~ name) -%}
        {%- endif -%}
        {{ return(seed_relation) }}
    {%- endif -%}
    {%- if '.' in (override | string) -%}
        {%- set parts = (override | string).split('.') -%}
        {%- set located = api.Relation.create(
            database=parts[-3] if parts | length > 2 else target.database,
            schema=parts[-2], identifier=parts[-1]) -%}
        {%- do ai_maturity.require_config_columns(name, located, override | string) -%}
        {{ return(override) }}
    {%- endif -%}
    {%- set host_relation = ref(project_name, override | string) -%}
    {%- do ai_maturity.require_config_columns(name, host_relation, override | string) -%}
    {{ return(host_relation) }}
{% endmacro %}

{#-
  Fails with one line when a configuration relation in use lacks a column of the package seed it
  stands in for (the columns documented for the seed in seeds/_seeds.yml, except those marked
  `meta: {descriptive: true}`, which the package never reads), e.g. a host criteria
  table without `action`, or a warehouse's package seed loaded before a column was added. Only
  when dbt executes and the relation exists (a relation not built yet is checked when it is read).
-#}
{% macro require_config_columns(name, relation, shown_as) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set seed_node = graph.nodes.get('seed.ai_maturity.' ~ name) -%}
    {%- if seed_node is none -%}{{ return('') }}{%- endif -%}
    {%- set existing = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is none -%}{{ return('') }}{%- endif -%}
    {%- set present = [] -%}
    {%- for column in adapter.get_columns_in_relation(existing) -%}
        {%- do present.append(column.name | lower) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- set needed = [] -%}
    {%- for column_name, column in seed_node.columns.items() -%}
        {%- set meta = column.get('config', {}).get('meta', {}) or column.get('meta', {}) or {} -%}
        {%- if not meta.get('descriptive') -%}{%- do needed.append(column_name) -%}{%- endif -%}
    {%- endfor -%}
    {%- for column_name in needed if column_name | lower not in present -%}
        {%- do missing.append(column_name) -%}
    {%- endfor -%}
    {%- if missing and shown_as == 'seed ' ~ name -%}
        {{ exceptions.raise_compiler_error(
            "ai_maturity: seed " ~ name ~ " lacks column(s) " ~ missing | join(', ')
            ~ " (loaded by an older version of the package): reload it with `dbt seed --full-refresh --select "
            ~ name ~ "`") }}
    {%- elif missing -%}
        {{ exceptions.raise_compiler_error(
            "ai_maturity: " ~ shown_as ~ " (var ai_maturity__" ~ name ~ ") lacks column(s) " ~ missing | join(', ')
            ~ ": it needs these columns of the package seed " ~ name ~ ": " ~ needed | join(', ')) }}
    {%- endif -%}
{% endmacro %}

{#- How messages name a configuration relation and its rows: (row noun, id column). -#}
{% macro config_row_kind(name) %}
    {%- set kinds = {
        'maturity_criteria': ('maturity criterion', 'criterion_id'),
        'smart_targets': ('SMART target', 'target_id'),
    } -%}
    {%- if name not in kinds -%}
        {{ exceptions.raise_compiler_error("ai_maturity: no validation for configuration relation '" ~ name ~ "'") }}
    {%- endif -%}
    {{ return(kinds[name]) }}
{% endmacro %}

{#- Every metric name of the catalogue (metric_declarations), sorted (empty at parse time, never run). -#}
{% macro catalogue_metric_names() %}
    {{ return(ai_maturity.metric_declarations() | map(attribute='metric_name') | sort) }}
{% endmacro %}

{#-
  The metrics that cannot be measured in this run: metric_name → the optional raw tables it needs
  that are switched off (var ai_maturity__<table>_enabled: false), read from the catalogue
  (metric_declarations; empty at parse time, whose SQL is never run).
-#}
{% macro unmeasurable_metrics() %}
    {%- set unmeasurable = {} -%}
    {%- for entry in ai_maturity.metric_declarations() -%}
        {%- set disabled = ai_maturity.disabled_tables(entry.source_tables) -%}
        {%- if disabled -%}
            {%- do unmeasurable.update({entry.metric_name: disabled}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(unmeasurable) }}
{% endmacro %}

{#- `expr in ('a', 'b', …)` for a list of strings; false for an empty list. -#}
{% macro in_string_list(expr, values) %}
    {%- if values | length == 0 -%}
        {{ return('1 = 0') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return(expr ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}

{#-
  Fails a dbt build or test with one line per problem row of a configuration relation: the query
  `problems_sql` returns (row_id, problem); a row named twice
  (a repeated id) is one line. Run only when dbt executes tests (build, test, retry),
  so `dbt compile` or `docs generate` never query a relation that may not exist yet; elsewhere the
  caller's SQL returns the same rows as an ordinary failing test.
-#}
{% macro raise_config_problems(name, problems_sql) %}
    {%- if not execute or (flags.WHICH or '') not in ('build', 'test', 'retry') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set kind = ai_maturity.config_row_kind(name) -%}
    {%- set relation = ai_maturity.setting(name) or 'seed ' ~ name -%}
    {%- set rows = run_query(
        'select row_id, problem from (select distinct row_id, problem from (' ~ problems_sql ~ ') as problems)'
        ~ ' as distinct_problems order by case when row_id is null then 1 else 0 end, row_id, problem') -%}
    {%- if rows | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set lines = [] -%}
    {%- for row in rows -%}
        {%- set row_id = "'" ~ row[0] ~ "'" if row[0] is not none else 'with a null ' ~ kind[1] -%}
        {%- do lines.append('ai_maturity: ' ~ kind[0] ~ ' ' ~ row_id ~ ' in ' ~ relation ~ ': ' ~ row[1]) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(lines | join('\n')) }}
{% endmacro %}

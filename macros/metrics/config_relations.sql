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
        {{ return(seed_relation) }}
    {%- endif -%}
    {%- if '.' in (override | string) -%}
        {{ return(override) }}
    {%- endif -%}
    {{ return(ref(project_name, override | string)) }}
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

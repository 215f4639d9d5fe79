{#-
  PostgreSQL variants of two of dbt's own dispatched macros (namespace `dbt`), for this package's
  nodes only (dbt looks for `postgres__<name>` in the node's package first). PostgreSQL has no type
  `double`, the name the marts' contracts and the seeds' column_types use (DuckDB and Spark have it):
  it is read as `double precision` there.
-#}
{% macro postgres_type_name(type) %}
    {%- set aliases = {'double': 'double precision', 'string': 'text'} -%}
    {{ return(aliases.get(type | string | trim | lower, type)) }}
{% endmacro %}

{#- dbt.cast, used by model contracts (`cast(null as <data_type>)` for the yml side). -#}
{% macro postgres__cast(field, type) %}cast({{ field }} as {{ ai_maturity.postgres_type_name(type) }}){% endmacro %}

{#- Seeds: dbt's default__create_csv_table with the column types read as above. -#}
{% macro postgres__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                {%- set type = ai_maturity.postgres_type_name(column_override.get(col_name, inferred_type)) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}{{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{% endmacro %}

{#- Enforced contracts: the table's DDL (`create table … (<column> <data_type> …)`) with the types read as above. -#}
{% macro postgres__get_table_columns_and_constraints() %}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set renamed = dict(column) -%}
        {%- if renamed.get('data_type') -%}
            {%- do renamed.update({'data_type': ai_maturity.postgres_type_name(renamed['data_type'])}) -%}
        {%- endif -%}
        {%- do columns.update({name: renamed}) -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{% endmacro %}

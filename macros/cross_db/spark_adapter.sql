{#-
  Spark variants of two of dbt's own dispatched macros (namespace `dbt`). dbt looks for
  `spark__<name>` in the package of the node first, so these apply to this package's nodes only,
  whether the project runs standalone or as a package; other adapters are untouched.
-#}

{#-
  dbt.cast, used by model contracts (`cast(null as <data_type>)` for the yml side): Spark has no
  unsized `varchar`, so the portable contract type names (varchar, text, double precision) are
  read as Spark's own (string, double). Contracts then hold on Spark with the same yml as DuckDB.
-#}
{% macro spark__cast(field, type) %}cast({{ field }} as {{ ai_maturity.spark_type_name(type) }}){% endmacro %}

{% macro spark_type_name(type) %}
    {%- set name = type | string | trim | lower -%}
    {%- set aliases = {
        'varchar': 'string', 'text': 'string', 'character varying': 'string',
        'double precision': 'double', 'float8': 'double', 'int8': 'bigint', 'bool': 'boolean',
        'timestamp without time zone': 'timestamp',
    } -%}
    {{ return(aliases.get(name, type)) }}
{% endmacro %}

{#-
  Seeds: dbt-spark 1.11 renders each csv value into the insert as a `%s` binding without escaping
  quotes, so a value with an apostrophe (dora_benchmarks' sources) is a syntax error. Here values
  are rendered as escaped string literals cast to the column type (Spark string literals take
  backslash escapes).
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- if value is none -%}cast(null as {{ types[loop.index0] }})
                    {%- else -%}cast('{{ ai_maturity.spark_escape_string(value | string) }}' as {{ types[loop.index0] }})
                    {%- endif -%}
                    {{ "," if not loop.last }}
                {%- endfor -%}){{ "," if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- A value for a single-quoted Spark string literal: backslashes and quotes escaped. -#}
{% macro spark_escape_string(text) %}{{ return(text | replace('\\', '\\\\') | replace("'", "\\'")) }}{% endmacro %}

{#-
  Contract constraints: dbt-spark applies them (ALTER COLUMN … SET NOT NULL, CHECK) whenever
  file_format is unset, as if the table were Delta; Spark's parquet tables reject that. Here they
  are applied only to Delta/Iceberg tables (file_format set explicitly); on parquet the enforced
  contract still checks every column name and type at build time, and not_null is checked by the
  not_null data tests.
-#}
{% macro spark__persist_constraints(relation, model) %}
    {%- if config.get('file_format', none) in ['delta', 'iceberg'] -%}
        {{ return(dbt.spark__persist_constraints(relation, model)) }}
    {%- endif -%}
{% endmacro %}

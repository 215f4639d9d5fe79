{#-
  The schema of each of this package's relations (dbt uses a package's own generate_schema_name for
  the package's nodes): `<target schema>_<layer schema>`, dbt's default rule, where the layer schema
  is var ai_maturity__staging_schema, …__intermediate_schema or …__marts_schema by the model's
  folder, and …__seeds_schema (null: the marts') for seeds. A `+schema` the host sets on the
  package's nodes wins over the var; tests and analyses keep the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) %}
    {%- set layer_schema = custom_schema_name or ai_maturity.layer_schema(node) -%}
    {%- if layer_schema -%}
        {{ return(target.schema ~ '_' ~ (layer_schema | trim)) }}
    {%- endif -%}
    {{ return(target.schema) }}
{% endmacro %}

{#- The layer schema var of a package node (none for tests, analyses and anything else). -#}
{% macro layer_schema(node) %}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {%- if node.resource_type == 'seed' -%}
        {{ return(ai_maturity.setting('seeds_schema') or ai_maturity.setting('marts_schema')) }}
    {%- endif -%}
    {%- set layer = node.fqn[1] if node.resource_type == 'model' and node.fqn | length > 2 else none -%}
    {%- if layer in ('staging', 'intermediate', 'marts') -%}
        {{ return(ai_maturity.setting(layer ~ '_schema')) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

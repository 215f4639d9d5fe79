{#-
  The rows a data test reads from a relation (`from {{ ai_maturity.tested_rows(model) }}`).

  On the large incremental relations a test checks what the last batch could have changed:
    - an incremental model (a base table, an event-grain intermediate model): the rows its newest
      `_batch_at` wrote. A run replaces whole key groups (delete+insert; on Spark's partitioned base
      tables whole partitions, each holding whole key groups), so a duplicated key and every value written in this run are
      among them; rows of earlier batches were checked by the run that wrote them.
    - a staging view over an incremental base table: its rows whose key group that base table
      re-validated last.
  A relation that holds one batch (after a full build) is read whole, without the filter; everything else
  (tables rebuilt whole, on Spark by default every model, and seeds) is read whole. A failing test leaves its rows in the table:
  after fixing the cause, `dbt build --full-refresh` checks every row again.
-#}
{% macro tested_rows(model) %}
    {%- if not execute -%}{{ return(model) }}{%- endif -%}
    {%- set node = ai_maturity.relation_node(model, 'ai_maturity.tested_rows') -%}
    {%- if ai_maturity.is_incremental_node(node) -%}
        {%- if ai_maturity.holds_one_batch(model) -%}{{ return(model) }}{%- endif -%}
        {{ return('(select * from ' ~ model ~ ' where _batch_at = (select max(_batch_at) from ' ~ model ~ ')) as batch_rows') }}
    {%- endif -%}
    {%- set prefix = 'stg_ai_maturity_raw__' -%}
    {%- if node.resource_type == 'model' and node.name.startswith(prefix) -%}
        {%- set table_name = node.name[prefix | length:] -%}
        {%- set base = ai_maturity.relation_node_named('base_ai_maturity_raw__' ~ table_name) -%}
        {%- if base is not none and ai_maturity.is_incremental_node(base) -%}
            {%- set base_relation = api.Relation.create(database=base.database, schema=base.schema, identifier=base.alias or base.name) -%}
            {%- if ai_maturity.holds_one_batch(base_relation) -%}{{ return(model) }}{%- endif -%}
            {%- set last_batch = '_batch_at = (select max(_batch_at) from ' ~ base_relation ~ ')' -%}
            {%- set query -%}
                (select * from {{ model }}
                where {{ ai_maturity.group_head_filter(table_name, base_relation, last_batch) }}
                    and {{ ai_maturity.batch_group_key(table_name) }} in (
                    select _group_key from {{ base_relation }}
                    where {{ last_batch }}
                )) as batch_rows
            {%- endset -%}
            {{ return(query) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(model) }}
{% endmacro %}

{#- Every row of the relation has the same `_batch_at` (a full build; an empty relation too). -#}
{% macro holds_one_batch(relation) %}
    {%- set result = run_query('select count(distinct _batch_at) as batches from ' ~ relation) -%}
    {{ return(result.columns[0].values()[0] <= 1) }}
{% endmacro %}

{#- The node is materialized incremental on this target (on Spark only the partitioned base tables). -#}
{% macro is_incremental_node(node) %}
    {{- return(node.resource_type == 'model' and node.config.materialized == 'incremental') -}}
{% endmacro %}

{#- The model, seed or snapshot node of a relation (by alias and schema); `test_name` names the test in
    the error when there is not exactly one. -#}
{% macro relation_node(relation, test_name) %}
    {%- set identifier = relation.identifier | lower -%}
    {%- set matches = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type in ['model', 'seed', 'snapshot'] and (node.alias or node.name) | lower == identifier -%}
        {%- if relation.schema is none or (node.schema | lower) == (relation.schema | lower) -%}
            {%- do matches.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error(test_name ~ ": found " ~ (matches | length) ~ " nodes for relation " ~ relation) }}
    {%- endif -%}
    {{ return(matches[0]) }}
{% endmacro %}

{#- The package's model node of that name, or none. -#}
{% macro relation_node_named(name) %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == 'ai_maturity' and node.name == name -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#-
  The metric catalogue, read from its one declaration: every column of a package cluster mart
  (models/marts/<cluster>/) whose yml `config.meta.metric` declares it. The column is the metric
  (its name, description and data_type), the mart's folder its cluster, and `meta.metric` holds the
  rest: label, unit, direction (higher | lower; absent when neither is better), sample_size (its
  `_n` column, a column of the same mart) and source_tables (the optional raw tables it needs).
  Returns a list of dicts: metric_name, cluster, mart, label, description, unit, direction,
  is_higher_better, sample_size, source_tables, data_type. Empty at parse time (`graph` is only
  populated at execution; parse-time SQL is never run) and in a unit test (whose `graph` has no
  nodes). A malformed declaration fails with one line naming the column.
-#}
{% macro metric_declarations() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set units = ['count', 'ratio', 'per_week', 'hours', 'minutes', 'days', 'ms', 'usd', 'score'] -%}
    {%- set directions = {'higher': true, 'lower': false, none: none} -%}
    {%- set declarations = [] -%}
    {%- for node in ai_maturity.metric_mart_nodes() -%}
        {%- for column in node.columns.values() -%}
            {%- set declared = ai_maturity.column_meta(column).get('metric') -%}
            {%- if declared is not none -%}
                {%- set where = "ai_maturity: metric " ~ node.name ~ "." ~ column.name -%}
                {%- if declared is not mapping -%}
                    {{ exceptions.raise_compiler_error(where ~ ": meta.metric must be a mapping, got " ~ declared) }}
                {%- endif -%}
                {%- if declared.get('unit') not in units -%}
                    {{ exceptions.raise_compiler_error(where ~ ": unit must be one of " ~ units | join(', ') ~ ", got " ~ declared.get('unit')) }}
                {%- endif -%}
                {%- if declared.get('direction') not in directions -%}
                    {{ exceptions.raise_compiler_error(where ~ ": direction must be higher or lower (or absent), got " ~ declared.get('direction')) }}
                {%- endif -%}
                {%- set sample_size = declared.get('sample_size') -%}
                {%- if sample_size is not none and sample_size not in node.columns -%}
                    {{ exceptions.raise_compiler_error(where ~ ": sample_size '" ~ sample_size ~ "' is not a column of " ~ node.name) }}
                {%- endif -%}
                {%- set source_tables = declared.get('source_tables') or [] -%}
                {%- for table_name in source_tables -%}
                    {%- set raw = ai_maturity.raw_table_node(table_name) -%}
                    {%- if not raw.meta.get('optional', true) -%}
                        {{ exceptions.raise_compiler_error(where ~ ": source table '" ~ table_name ~ "' is required, never switched off; list only optional tables") }}
                    {%- endif -%}
                {%- endfor -%}
                {%- do declarations.append({
                    'metric_name': column.name,
                    'cluster': node.fqn[-2],
                    'mart': node.name,
                    'label': declared.get('label') or column.name,
                    'description': column.description,
                    'unit': declared.unit,
                    'direction': declared.get('direction'),
                    'is_higher_better': directions[declared.get('direction')],
                    'sample_size': sample_size,
                    'source_tables': source_tables,
                    'data_type': column.data_type,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(declarations) }}
{% endmacro %}

{#- The package's cluster marts that declare metrics (models/marts/<cluster>/), sorted by name. -#}
{% macro metric_mart_nodes() %}
    {%- set nodes = [] -%}
    {%- for node in (graph.get('nodes') or {}).values()
        if node.resource_type == 'model' and node.package_name == 'ai_maturity' and node.fqn[1] == 'marts' -%}
        {%- for column in node.columns.values() if 'metric' in ai_maturity.column_meta(column) -%}
            {%- if loop.first -%}{%- do nodes.append(node) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(nodes | sort(attribute='name')) }}
{% endmacro %}

{#- A column's meta from its yml (`config: {meta: …}`, or the older top-level `meta`). -#}
{% macro column_meta(column) %}
    {{ return(column.get('config', {}).get('meta', {}) or column.get('meta', {}) or {}) }}
{% endmacro %}

{#- The optional raw tables of a list that are switched off in this run. -#}
{% macro disabled_tables(tables) %}
    {%- set disabled = [] -%}
    {%- for table_name in tables if not ai_maturity.is_table_enabled(table_name) -%}
        {%- do disabled.append(table_name) -%}
    {%- endfor -%}
    {{ return(disabled) }}
{% endmacro %}

{#-
  The select list of a cluster mart's `final` CTE, read from the mart's yml: every contract column
  in order, from the CTE `relation`. A declared metric, its sample_size column and a column whose
  meta says `null_with: <metric>` are cast to their contract type, or are a typed null when an
  optional raw table the metric needs is switched off (when_tables_enabled); every other column is
  passed through. At parse time and in a unit test (whose `graph` has no nodes, and whose vars
  switch no table off) it is `relation.*`: the computed columns, uncast. `only`: just these
  columns, in contract order (e.g. to compare a part of the rows with the mart's stored ones).
-#}
{% macro metric_mart_columns(relation, only=none) %}
    {%- set nodes = graph.get('nodes') or {} if execute else {} -%}
    {%- if model.unique_id not in nodes -%}{{ return(relation ~ '.*') }}{%- endif -%}
    {%- set node = nodes[model.unique_id] -%}
    {%- set tables_of = {} -%}
    {%- for entry in ai_maturity.metric_declarations() if entry.mart == node.name -%}
        {%- for name in [entry.metric_name, entry.sample_size] if name -%}
            {%- do tables_of.update({name: (tables_of.get(name, []) + entry.source_tables) | unique | list}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set logical_types = {'varchar': 'string', 'string': 'string', 'double': 'double', 'bigint': 'bigint',
        'boolean': 'boolean', 'date': 'date', 'timestamp': 'timestamp'} -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() if only is none or column.name in only -%}
        {%- set follows = ai_maturity.column_meta(column).get('null_with') -%}
        {%- if follows is not none and follows not in tables_of -%}
            {{ exceptions.raise_compiler_error("ai_maturity: " ~ node.name ~ "." ~ column.name ~ ": null_with '" ~ follows ~ "' is not a metric of " ~ node.name) }}
        {%- endif -%}
        {%- set tables = tables_of.get(column.name) if column.name in tables_of else tables_of.get(follows) -%}
        {%- set expr = relation ~ '.' ~ column.name -%}
        {%- if tables is none -%}
            {%- do columns.append(expr) -%}
        {%- else -%}
            {%- set logical_type = logical_types[column.data_type | lower] -%}
            {%- set typed = 'cast(' ~ expr ~ ' as ' ~ ai_maturity.type_for(logical_type) ~ ')' -%}
            {%- do columns.append(ai_maturity.when_tables_enabled(typed, tables, logical_type) ~ ' as ' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{% endmacro %}

{#- A string literal of a text on the current engine (whitespace runs folded to one space). -#}
{% macro sql_string(text) %}
    {{ return("'" ~ dbt.escape_single_quotes((text or '') | trim | replace('\n', ' ')) ~ "'") }}
{% endmacro %}

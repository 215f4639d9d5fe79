{#-
  Every check a model declares, in one query (one test node per model instead of one per column and
  check). Each column declares its checks next to its description:

      - name: change_fail_rate
        config: {meta: {checks: [not_null, {between: [0, 1]}]}}

  Column checks (same semantics as the per-column tests they replace):
    not_null                    no null
    unique                      no non-null value on two rows
    {accepted_values: [a, b]}   every non-null value is one of the values (nulls pass); strings are
                                quoted, numbers are not ([1, 2] for an integer column)
    {between: [min, max]}       every non-null value is finite and within [min, max] (null = no
                                bound); NaN, +inf and -inf always fail (NaN compares greater than
                                every number on DuckDB, Spark and PostgreSQL, so `x >= 0` lets it in)
  Checks of several columns or of another model are the test's arguments:

      - ai_maturity.column_checks:
          arguments:
            unique_combinations: [[team_id, period_start]]   # the grain (nulls count as a value)
            expressions:                                     # true on every row (null passes)
              - staged_rows + rejected_rows <= raw_rows
              - {expression: "abs(a - b) < 1e-9", where: "a is not null"}
            relationships:                                   # every non-null value is a field of `to`
              - {column: team_id, to: "ref('dim_teams')", field: team_id}
              - {column: team_id, to: "ref('stg_teams')", field: team_id, batch: true}

  A relationship reads the whole model (a parent row can go without the child changing), or with
  `batch: true` the tested rows — sound only where a batch rewrites every row that references a
  parent row it changed or removed (a staging view over a base table whose raw_batch `parents`
  re-validate the rows of a re-validated team, directly or through its services). Each distinct
  value is looked up once. The relationships of the largest relations to other large ones (a
  chunk's or an evaluation's request, a trace's first and lead request, a deployment change's
  deployment and change) are `batch_relationships` nodes of their own: folded in here, the
  traces' two joins against 50 M requests beside its other checks ran out of DuckDB's 3 GB at
  scale 10. Every other check reads `ai_maturity.tested_rows(model)` (on a large incremental
  relation its last batch).
  The test returns one row per failing check: column_name, check_name, failing_rows and a sample
  offending value (as a string), so the failure names the column and the check (`dbt test
  --store-failures` keeps the rows). The column checks are read from the model's node in `graph` at
  run time; a model without checks returns no rows.
-#}
{% test column_checks(model, unique_combinations=none, expressions=none, relationships=none) %}
{%- set column_checks = ai_maturity.column_checks_of(model) if execute else [] -%}
{%- set model_checks = ai_maturity.model_checks_of(unique_combinations, expressions, relationships) -%}
{{ ai_maturity.failing_checks(model, column_checks + model_checks) }}
{% endtest %}


{#- The query behind column_checks: one row per failing check (column_name, check_name,
    failing_rows, sample_value) of a list of checks from column_checks_of and model_checks_of. -#}
{% macro failing_checks(model, checks) %}
{%- set unique_checks = checks | selectattr('kind', 'equalto', 'unique') | list -%}
{%- set relationship_checks = checks | selectattr('kind', 'equalto', 'relationships') | list -%}
{%- set row_checks = checks | rejectattr('kind', 'in', ['unique', 'relationships']) | list -%}
{%- set string_type = ai_maturity.type_for('string') -%}
{#- read once: on an incremental relation it asks the warehouse whether the relation holds one batch -#}
{%- set reads_tested_rows = row_checks or unique_checks or relationship_checks | selectattr('batch') | list -%}
{%- set tested_rows = ai_maturity.tested_rows(model) if reads_tested_rows else model -%}
{#- a batch of an incremental relation is a subquery: filtered once into a CTE that every check reads
    (three copies of the stg inference_windows batch filter, 1.7 GiB each, ran out of DuckDB's 3 GB
    at scale 10) -#}
{%- set batch_cte = tested_rows | string != model | string -%}
{%- if checks | length == 0 %}
select
    cast(null as {{ string_type }}) as column_name,
    cast(null as {{ string_type }}) as check_name,
    cast(null as {{ dbt.type_bigint() }}) as failing_rows,
    cast(null as {{ string_type }}) as sample_value
where 1 = 0
{%- else %}
with
{%- if batch_cte %}
tested_rows as {{ ai_maturity.small_cte_materialization() }} (
    select * from {{ tested_rows }}
),
{%- set tested_rows = 'tested_rows' %}
{%- endif %}
{%- if row_checks %}
row_checks as (
    select
    {%- for check in row_checks %}
        sum(case when {{ check.failing }} then 1 else 0 end) as failing_{{ loop.index }},
        {%- if check.column is none or check.kind == 'not_null' %}
        cast(null as {{ string_type }}) as sample_{{ loop.index }}
        {%- else %}
        min(case when {{ check.failing }} then cast({{ check.column }} as {{ string_type }}) end) as sample_{{ loop.index }}
        {%- endif %}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ tested_rows }}
),
{%- endif %}
{%- for check in unique_checks %}

duplicates_{{ loop.index }} as (
    select
        {{ ai_maturity.joined_values(check.columns, string_type) }} as duplicated_value,
        count(*) as row_count
    from {{ tested_rows }}
    {%- if check.columns | length == 1 %}
    where {{ check.columns[0] }} is not null
    {%- endif %}
    group by {{ check.columns | join(', ') }}
    having count(*) > 1
),
{%- endfor %}
{%- for check in relationship_checks %}

orphans_{{ loop.index }} as (
    select
        cast(child.child_value as {{ string_type }}) as orphan_value,
        child.row_count
    from (
        {#- each value looked up once #}
        select
            {{ check.column }} as child_value,
            count(*) as row_count
        from {{ tested_rows if check.batch else model }}
        where {{ check.column }} is not null
        group by {{ check.column }}
    ) as child
    left join (
        select {{ check.field }} as referenced_value
        from {{ check.to }}
        where {{ check.field }} is not null
    ) as parent
        on child.child_value = parent.referenced_value
    where parent.referenced_value is null
),
{%- endfor %}

failures as (
{%- if row_checks %}
    {#- the one row of row_checks crossed with the list of checks (a union of one branch per check
        plans the aggregate once per branch on Spark) #}
    select
        check_list.column_name,
        check_list.check_name,
        case check_list.check_index
        {%- for check in row_checks %}
            when {{ loop.index }} then row_checks.failing_{{ loop.index }}
        {%- endfor %}
        end as failing_rows,
        case check_list.check_index
        {%- for check in row_checks %}
            when {{ loop.index }} then row_checks.sample_{{ loop.index }}
        {%- endfor %}
        end as sample_value
    from row_checks
    cross join (
        values
        {%- for check in row_checks %}
            ({{ loop.index }}, {{ ai_maturity.string_literal(check.column_name) }}, {{ ai_maturity.string_literal(check.name) }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as check_list (check_index, column_name, check_name)
    {{- '\n    union all' if unique_checks or relationship_checks }}
{%- endif %}
{%- for check in unique_checks %}
    select
        {{ ai_maturity.string_literal(check.column_name) }} as column_name,
        {{ ai_maturity.string_literal(check.name) }} as check_name,
        sum(row_count) as failing_rows,
        min(duplicated_value) as sample_value
    from duplicates_{{ loop.index }}
    {{- '\n    union all' if not loop.last or relationship_checks }}
{%- endfor %}
{%- for check in relationship_checks %}
    select
        {{ ai_maturity.string_literal(check.column_name) }} as column_name,
        {{ ai_maturity.string_literal(check.name) }} as check_name,
        sum(row_count) as failing_rows,
        min(orphan_value) as sample_value
    from orphans_{{ loop.index }}
    {{- '\n    union all' if not loop.last }}
{%- endfor %}
)

select
    column_name,
    check_name,
    cast(failing_rows as {{ dbt.type_bigint() }}) as failing_rows,
    sample_value
from failures
where failing_rows > 0
{%- endif %}
{% endmacro %}


{#- A SQL string literal of a text (quotes doubled). -#}
{% macro string_literal(text) %}
    {{- return("'" ~ (text | string | replace("'", "''")) ~ "'") -}}
{% endmacro %}


{#- One text of several columns' values ("a, b"; a null reads `null`): the sample of a duplicated
    combination. Standard `||` (DuckDB, PostgreSQL, Spark). -#}
{% macro joined_values(columns, string_type) %}
    {%- if columns | length == 1 -%}
        {{- return('cast(' ~ columns[0] ~ ' as ' ~ string_type ~ ')') -}}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ string_type ~ "), 'null')") -%}
    {%- endfor -%}
    {{- return(parts | join(" || ', ' || ")) -}}
{% endmacro %}


{#- The checks given as column_checks' arguments, as dicts like column_checks_of's: a unique
    combination (kind unique, columns), an expression (kind expression, failing = its negation) or a
    relationship (kind relationships, column, to, field). A malformed argument fails with one line. -#}
{% macro model_checks_of(unique_combinations, expressions, relationships) %}
    {%- set checks = [] -%}
    {%- for columns in unique_combinations or [] -%}
        {%- if columns is string or columns is not iterable or columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("ai_maturity.column_checks: unique_combinations is a list of column lists, got " ~ columns) }}
        {%- endif -%}
        {%- do checks.append({
            'kind': 'unique', 'columns': columns, 'column_name': columns | join(', '),
            'name': 'unique' if columns | length == 1 else 'unique combination'}) -%}
    {%- endfor -%}
    {%- for declared in expressions or [] -%}
        {%- if declared is string -%}
            {%- set expression, where = declared, none -%}
        {%- elif declared is mapping and declared.get('expression') is string and declared.keys() | reject('in', ['expression', 'where']) | list | length == 0 -%}
            {%- set expression, where = declared.expression, declared.get('where') -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("ai_maturity.column_checks: an expression is a SQL text or {expression: ..., where: ...}, got " ~ declared) }}
        {%- endif -%}
        {%- set expression = expression | trim -%}
        {%- set failing = 'not (' ~ expression ~ ')' ~ (' and (' ~ where ~ ')' if where is not none else '') -%}
        {%- do checks.append({
            'kind': 'expression', 'column': none, 'column_name': '(row)', 'failing': failing,
            'name': 'expression_is_true: ' ~ expression ~ (' where ' ~ where if where is not none else '')}) -%}
    {%- endfor -%}
    {%- for declared in relationships or [] -%}
        {%- if declared is not mapping or declared.keys() | reject('in', ['column', 'to', 'field', 'batch']) | list | length > 0
            or declared.keys() | select('in', ['column', 'to', 'field']) | list | length != 3
            or declared.get('batch', false) is not boolean -%}
            {{ exceptions.raise_compiler_error("ai_maturity.column_checks: a relationship is {column: ..., to: ref(...), field: ..., batch: true|false}, got " ~ declared) }}
        {%- endif -%}
        {%- do checks.append({
            'kind': 'relationships', 'column': declared.column, 'column_name': declared.column,
            'to': declared.to, 'field': declared.field, 'batch': declared.get('batch', false),
            'name': 'relationships to ' ~ (declared.to.identifier if declared.to.identifier is defined else declared.to) ~ '.' ~ declared.field}) -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}


{#- The checks a model (or seed) declares in its columns' `meta.checks`, as dicts: column_name,
    column (quoted when the column says so), kind, name (shown in failures) and failing (a SQL
    condition true on an offending row; for unique, columns: the column in a list). -#}
{% macro column_checks_of(model) %}
    {%- set node = ai_maturity.relation_node(model, 'ai_maturity.column_checks') -%}
    {%- set checks = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = column.get('config', {}).get('meta', {}) or column.get('meta', {}) or {} -%}
        {%- set quoted = adapter.quote(column.name) if column.get('quote') else column.name -%}
        {%- for declared in meta.get('checks', []) or [] -%}
            {%- if declared is string -%}
                {%- set kind, argument = declared, none -%}
            {%- elif declared is mapping and declared | length == 1 -%}
                {%- set kind = (declared.keys() | list)[0] -%}
                {%- set argument = declared[kind] -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("ai_maturity.column_checks: " ~ node.name ~ "." ~ column.name ~ ": a check is a name or a one-key mapping, got " ~ declared) }}
            {%- endif -%}
            {%- set check = {'column_name': column.name, 'column': quoted, 'kind': kind} -%}
            {%- if kind == 'not_null' -%}
                {%- do check.update({'name': 'not_null', 'failing': quoted ~ ' is null'}) -%}
            {%- elif kind == 'unique' -%}
                {%- do check.update({'name': 'unique', 'columns': [quoted]}) -%}
            {%- elif kind == 'accepted_values' and argument is iterable and argument is not string and argument | length > 0 -%}
                {%- set literals = [] -%}
                {%- for value in argument -%}
                    {%- if value is number -%}
                        {%- do literals.append(value | string) -%}
                    {%- else -%}
                        {%- do literals.append(ai_maturity.string_literal(value)) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do check.update({
                    'name': 'accepted_values',
                    'failing': quoted ~ ' is not null and ' ~ quoted ~ ' not in (' ~ literals | join(', ') ~ ')'}) -%}
            {%- elif kind == 'between' and argument is iterable and argument is not string and argument | length == 2 -%}
                {%- set bounds = [] -%}
                {%- if argument[0] is not none -%}{%- do bounds.append(quoted ~ ' >= ' ~ argument[0]) -%}{%- endif -%}
                {%- if argument[1] is not none -%}{%- do bounds.append(quoted ~ ' <= ' ~ argument[1]) -%}{%- endif -%}
                {#- x - x is 0 only for a finite x (inf - inf and NaN - NaN are NaN): standard SQL on every engine -#}
                {%- do bounds.append('(' ~ quoted ~ ' - ' ~ quoted ~ ') = 0') -%}
                {%- do check.update({
                    'name': 'between ' ~ (argument[0] if argument[0] is not none else '-inf') ~ ' and ' ~ (argument[1] if argument[1] is not none else 'inf'),
                    'failing': quoted ~ ' is not null and not (' ~ bounds | join(' and ') ~ ')'}) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("ai_maturity.column_checks: " ~ node.name ~ "." ~ column.name ~ ": unknown check " ~ declared ~ " (not_null, unique, {accepted_values: [...]}, {between: [min, max]})") }}
            {%- endif -%}
            {%- do checks.append(check) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}

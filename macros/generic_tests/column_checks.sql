{#-
  Every column check a model declares, in one query (one test node per model instead of one per
  column and check). Each column declares its checks next to its description:

      - name: change_fail_rate
        config: {meta: {checks: [not_null, {between: [0, 1]}]}}

  Checks (same semantics as the per-column tests they replace):
    not_null                    no null
    unique                      no non-null value on two rows
    {accepted_values: [a, b]}   every non-null value is one of the values (nulls pass); strings are
                                quoted, numbers are not ([1, 2] for an integer column)
    {between: [min, max]}       every non-null value is finite and within [min, max] (null = no
                                bound); NaN, +inf and -inf always fail (NaN compares greater than
                                every number on DuckDB, Spark and PostgreSQL, so `x >= 0` lets it in)
  The test returns one row per failing column × check: column_name, check_name, failing_rows and a
  sample offending value (as a string), so the failure names the column and the check
  (`dbt test --store-failures` keeps the rows). The model's checks are read from its node in
  `graph` at run time; a model with no checks returns no rows.
-#}
{% test column_checks(model) %}
{%- set checks = ai_maturity.column_checks_of(model) if execute else [] -%}
{%- set unique_columns = checks | selectattr('kind', 'equalto', 'unique') | list -%}
{%- set row_checks = checks | rejectattr('kind', 'equalto', 'unique') | list -%}
{%- set string_type = ai_maturity.type_for('string') -%}
{%- if checks | length == 0 %}
select
    cast(null as {{ string_type }}) as column_name,
    cast(null as {{ string_type }}) as check_name,
    cast(null as {{ dbt.type_bigint() }}) as failing_rows,
    cast(null as {{ string_type }}) as sample_value
where 1 = 0
{%- else %}
with
{%- if row_checks %}
row_checks as (
    select
    {%- for check in row_checks %}
        sum(case when {{ check.failing }} then 1 else 0 end) as failing_{{ loop.index }},
        {%- if check.kind == 'not_null' %}
        cast(null as {{ string_type }}) as sample_{{ loop.index }}
        {%- else %}
        min(case when {{ check.failing }} then cast({{ check.column }} as {{ string_type }}) end) as sample_{{ loop.index }}
        {%- endif %}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ ai_maturity.tested_rows(model) }}
),
{%- endif %}
{%- for check in unique_columns %}

duplicates_{{ loop.index }} as (
    select
        {{ check.column }} as duplicated_value,
        count(*) as row_count
    from {{ ai_maturity.tested_rows(model) }}
    where {{ check.column }} is not null
    group by {{ check.column }}
    having count(*) > 1
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
            ({{ loop.index }}, '{{ check.column_name }}', '{{ check.name }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as check_list (check_index, column_name, check_name)
    {{- '\n    union all' if unique_columns }}
{%- endif %}
{%- for check in unique_columns %}
    select
        '{{ check.column_name }}' as column_name,
        'unique' as check_name,
        sum(row_count) as failing_rows,
        min(cast(duplicated_value as {{ string_type }})) as sample_value
    from duplicates_{{ loop.index }}
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
{% endtest %}


{#- The checks a model (or seed) declares in its columns' `meta.checks`, as dicts: column_name,
    column (quoted when the column says so), kind, name (shown in failures) and failing (a SQL
    condition true on an offending row; not set for unique). -#}
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
                {%- do check.update({'name': 'unique'}) -%}
            {%- elif kind == 'accepted_values' and argument is iterable and argument is not string and argument | length > 0 -%}
                {%- set literals = [] -%}
                {%- for value in argument -%}
                    {%- if value is number -%}
                        {%- do literals.append(value | string) -%}
                    {%- else -%}
                        {%- do literals.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
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

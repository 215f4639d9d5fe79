{#-
  Select-list items of an aggregate query: each of `columns` (names) taken from the group's first
  row by `order_by` (expressions; ties must not occur, nulls kept as values), as `<prefix><column>`.
  One aggregate state per group on DuckDB and Spark (one struct picked once; the repeated
  expression is deduplicated), so no join back to the rows is needed.
-#}
{% macro first_row_values(columns, order_by, prefix) %}
    {{- return(adapter.dispatch('first_row_values', 'ai_maturity')(columns, order_by, prefix)) -}}
{% endmacro %}

{% macro default__first_row_values(columns, order_by, prefix) %}
    {%- for column in columns -%}
        (array_agg({{ column }} order by {{ order_by | join(', ') }}))[1] as {{ prefix }}{{ column }}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
{% endmacro %}

{% macro duckdb__first_row_values(columns, order_by, prefix) %}
    {#- arg_min_null: arg_min would skip a row whose value is null -#}
    {%- set picked -%}
        arg_min_null(struct_pack(
            {%- for column in columns %}{{ column }} := {{ column }}{% if not loop.last %}, {% endif %}{% endfor -%}
        ), row({{ order_by | join(', ') }}))
    {%- endset -%}
    {%- for column in columns -%}
        struct_extract({{ picked }}, '{{ column }}') as {{ prefix }}{{ column }}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
{% endmacro %}

{% macro spark__first_row_values(columns, order_by, prefix) %}
    {%- set picked -%}
        min_by(named_struct(
            {%- for column in columns %}'{{ column }}', {{ column }}{% if not loop.last %}, {% endif %}{% endfor -%}
        ), struct({{ order_by | join(', ') }}))
    {%- endset -%}
    {%- for column in columns -%}
        {{ picked }}.{{ column }} as {{ prefix }}{{ column }}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
{% endmacro %}

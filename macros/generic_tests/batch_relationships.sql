{#-
  Every non-null value of the columns is a `field` of `to` (dbt's relationships, for several columns
  in one node), checked on the rows of the model's last batch (ai_maturity.tested_rows). Sound only
  where a batch rewrites every row that references a parent row it changed or removed (e.g.
  int_llm_traces_costed recomputes a trace when any of its requests changes; a base table
  re-validates the rows that reference a re-validated parent group, raw_batch `parents`). One row
  per column and missing value; each distinct value is looked up once (a full build references 47 M
  chunk rows' requests at scale 10). dbt's relationships plan, one left join: PostgreSQL plans it
  well on tables it has not analyzed yet, where a correlated `not exists`, or a join that first
  narrows `to` to the referenced values, ran for half an hour on the demo data.
-#}
{% test batch_relationships(model, columns, to, field) %}
with batch_values as (
    {%- for column in columns %}
    select distinct
        '{{ column }}' as column_name,
        {{ column }} as referenced_value
    from {{ ai_maturity.tested_rows(model) }}
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

parent_values as (
    select {{ field }} as referenced_value
    from {{ to }}
    where {{ field }} is not null
),

missing_values as (
    select
        batch_values.column_name,
        batch_values.referenced_value
    from batch_values
    left join parent_values
        on batch_values.referenced_value = parent_values.referenced_value
    where parent_values.referenced_value is null
)

select * from missing_values
{% endtest %}

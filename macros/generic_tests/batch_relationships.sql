{#-
  Every non-null value of the columns is a `field` of `to` (dbt's relationships, for several columns
  in one node), checked on the rows of the model's last batch (ai_maturity.tested_rows). Sound only
  where a batch rewrites every row that references a parent row it changed or removed (e.g.
  int_llm_traces_costed recomputes a trace when any of its requests changes; a base table
  re-validates the rows that reference a re-validated parent group, raw_batch `parents`); `to` is
  read only for the values the batch references, and each value is looked up once (a full build
  references 47 M chunk rows' requests at scale 10: dbt's relationships test joined them all with
  every staged request and ran out of memory beside another node).
-#}
{% test batch_relationships(model, columns, to, field) %}
with batch_values as (
    {%- for column in columns %}
    select distinct '{{ column }}' as column_name, {{ column }} as referenced_value
    from {{ ai_maturity.tested_rows(model) }}
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

referenced_rows as (
    select {{ field }} as referenced_value
    from {{ to }}
    where {{ field }} in (select batch_values.referenced_value from batch_values)
),

missing_values as (
    select batch_values.*
    from batch_values
    where not exists (
        select 1 from referenced_rows
        where referenced_rows.referenced_value = batch_values.referenced_value
    )
)

select * from missing_values
{% endtest %}

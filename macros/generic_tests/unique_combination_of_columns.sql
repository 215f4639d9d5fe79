{#- The combination of columns is unique (the grain of a model with a composite key); on a large
    incremental relation, among the rows of its last batch (ai_maturity.tested_rows). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
with grouped as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ ai_maturity.tested_rows(model) }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from grouped
{% endtest %}

{#- The combination of columns is unique (the grain of a model with a composite key). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
with grouped as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from grouped
{% endtest %}

{#- No two distinct combinations of the columns share a partition_hash (a model that partitions a
    window by it would silently merge them). -#}
{% test partition_hash_is_unique(model, combination_of_columns) %}
with combinations as (
    select distinct {{ combination_of_columns | join(', ') }}
    from {{ model }}
),

shared_hashes as (
    select
        {{ ai_maturity.partition_hash(combination_of_columns) }} as partition_hash,
        count(*) as combinations
    from combinations
    group by {{ ai_maturity.partition_hash(combination_of_columns) }}
    having count(*) > 1
)

select * from shared_hashes
{% endtest %}

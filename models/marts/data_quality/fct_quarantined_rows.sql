{#- One row per raw row that was not staged as delivered: rejected, duplicate or flagged. -#}
with
{% for table_name in ai_maturity.raw_table_names() %}
    {{ table_name }}_issues as (
        select
            '{{ table_name }}' as source_table,
            dq_row_key as row_key,
            case
                when dedupe_rank > 1 then 'duplicate'
                when rejection_reason is not null then 'rejected'
                else 'flagged'
            end as issue_type,
            case
                when dedupe_rank > 1 then 'duplicate_of_kept_row'
                when rejection_reason is not null then rejection_reason
                else flag_reasons
            end as reason,
            dedupe_rank,
            _loaded_at
        from {{ ref('base_ai_maturity_raw__' ~ table_name) }}
        where dedupe_rank > 1 or rejection_reason is not null or flag_reasons is not null
    ),
{% endfor %}

all_issues as (
    {%- for table_name in ai_maturity.raw_table_names() %}
        select * from {{ table_name }}_issues
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

numbered as (
    select
        *,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by source_table, row_key, issue_type
            order by dedupe_rank, reason, _loaded_at
        ) as {{ dbt.type_bigint() }}) as occurrence
    from all_issues
),

final as (
    select
        {{ ai_maturity.surrogate_key(['source_table', 'row_key', 'issue_type', 'occurrence']) }} as quarantine_id,
        source_table,
        row_key,
        issue_type,
        reason,
        occurrence,
        _loaded_at as loaded_at
    from numbered
)

select * from final

{#- One row per raw table: where each delivered row went (staged + rejected + duplicate = raw). -#}
with
{% for table_name in ai_maturity.raw_table_names() %}
    {{ table_name }}_counts as (
        select
            '{{ table_name }}' as source_table,
            count(*) as raw_rows,
            count(case when dedupe_rank = 1 and rejection_reason is null then 1 end) as staged_rows,
            count(case when dedupe_rank = 1 and rejection_reason is not null then 1 end) as rejected_rows,
            count(case when dedupe_rank > 1 then 1 end) as duplicate_rows,
            count(case when dedupe_rank = 1 and rejection_reason is null and flag_reasons is not null then 1 end) as flagged_rows
        from {{ ref('base_ai_maturity_raw__' ~ table_name) }}
    ),
{% endfor %}

final as (
    {%- for table_name in ai_maturity.raw_table_names() %}
        select
            source_table,
            {{ ai_maturity.is_table_enabled(table_name) }} as is_enabled,
            raw_rows,
            coalesce(staged_rows, 0) as staged_rows,
            coalesce(rejected_rows, 0) as rejected_rows,
            coalesce(duplicate_rows, 0) as duplicate_rows,
            coalesce(flagged_rows, 0) as flagged_rows
        from {{ table_name }}_counts
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from final

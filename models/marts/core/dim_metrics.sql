{#- The metric catalogue as a table: what each metric of fct_team_metrics is. Grain: metric_name. -#}
with catalogue as (
    {%- for entry in ai_maturity.metric_catalogue() %}
        {%- set disabled = [] -%}
        {%- for table_name in entry.source_tables if not ai_maturity.is_table_enabled(table_name) -%}
            {%- do disabled.append(table_name) -%}
        {%- endfor %}
        select
            '{{ entry.metric_name }}' as metric_name,
            '{{ entry.cluster }}' as cluster,  -- cluster is a contract column of dim_metrics -- noqa: RF04
            '{{ entry.unit }}' as unit,
            '{{ entry.mart }}' as mart,
            {% if entry.sample_size -%}
                '{{ entry.sample_size }}'
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as sample_size_column,
            {% if entry.higher_is_better is none -%}
                cast(null as {{ dbt.type_boolean() }})
            {%- else -%}
                {{ entry.higher_is_better }}
            {%- endif %} as is_higher_better,
            '{{ entry.source_tables | join(",") }}' as optional_source_tables,
            {{ 'false' if disabled else 'true' }} as is_measurable
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        metric_name,
        cluster,
        unit,
        mart,
        sample_size_column,
        is_higher_better,
        nullif(optional_source_tables, '') as optional_source_tables,
        is_measurable
    from catalogue
)

select * from final

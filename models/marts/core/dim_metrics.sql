{#-
  The metric catalogue as a table: every metric declared in a cluster mart's yml (`meta.metric`,
  read by metric_declarations), with its label, description, unit, direction, mart, `_n` column
  and optional raw tables. Grain: metric_name.
-#}
with catalogue as (
    {%- for entry in ai_maturity.metric_declarations() %}
        select
            '{{ entry.metric_name }}' as metric_name,
            '{{ entry.cluster }}' as cluster,  -- cluster is a contract column of dim_metrics -- noqa: RF04
            {{ ai_maturity.sql_string(entry.label) }} as label,  -- label is a contract column of dim_metrics -- noqa: RF04
            {{ ai_maturity.sql_string(entry.description) }} as description,
            '{{ entry.unit }}' as unit,
            {{ "'" ~ entry.direction ~ "'" if entry.direction else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as direction,
            '{{ entry.mart }}' as mart,
            {{ "'" ~ entry.sample_size ~ "'" if entry.sample_size else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
                as sample_size_column,
            {{ 'cast(null as ' ~ dbt.type_boolean() ~ ')' if entry.is_higher_better is none else entry.is_higher_better }}
                as is_higher_better,
            '{{ entry.source_tables | join(",") }}' as optional_source_tables,
            {{ 'false' if ai_maturity.disabled_tables(entry.source_tables) else 'true' }} as is_measurable
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        metric_name,
        cluster,
        label,
        description,
        unit,
        direction,
        mart,
        sample_size_column,
        is_higher_better,
        nullif(optional_source_tables, '') as optional_source_tables,
        is_measurable
    from catalogue
)

select * from final

{#-
  The metric catalogue as a table: every metric declared in a cluster mart's yml (`meta.metric`,
  read by metric_declarations), with its label, description, unit, direction, mart, `_n` column
  and optional raw tables. Grain: metric_name.
-#}
-- one VALUES list, not a union of one select per metric (Spark analyzes every branch of a union)
with catalogue as (
    select entries.* from (
        values
        {%- for entry in ai_maturity.metric_declarations() %}
            (
                '{{ entry.metric_name }}',
                '{{ entry.cluster }}',
                {{ ai_maturity.sql_string(entry.label) }},
                {{ ai_maturity.sql_string(entry.description) }},
                '{{ entry.unit }}',
                {{ "'" ~ entry.direction ~ "'" if entry.direction else 'cast(null as ' ~ dbt.type_string() ~ ')' }},
                '{{ entry.mart }}',
                {{ "'" ~ entry.sample_size ~ "'" if entry.sample_size else 'cast(null as ' ~ dbt.type_string() ~ ')' }},
                {{ 'cast(null as ' ~ dbt.type_boolean() ~ ')' if entry.is_higher_better is none else entry.is_higher_better }},
                '{{ entry.source_tables | join(",") }}',
                {{ 'false' if ai_maturity.disabled_tables(entry.source_tables) else 'true' }}
            ){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as entries (
        metric_name,
        cluster,  -- cluster is a contract column of dim_metrics -- noqa: RF04
        label,  -- label is a contract column of dim_metrics -- noqa: RF04
        description,
        unit,
        direction,
        mart,
        sample_size_column,
        is_higher_better,
        optional_source_tables,
        is_measurable
    )
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

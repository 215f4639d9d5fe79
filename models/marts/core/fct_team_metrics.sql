{#-
  Every numeric metric of every cluster mart in long form (the metric catalogue), one row per
  team × period × metric on the spine; null metric_value where undefined or where an optional raw
  table the metric needs is switched off. Grain: team_id × period_start × metric_name.
-#}
{%- set catalogue = ai_maturity.metric_catalogue() -%}
{%- set marts = [] -%}
{%- for entry in catalogue if entry.mart not in marts -%}
    {%- do marts.append(entry.mart) -%}
{%- endfor %}

with
{% for mart in marts %}
    {{ mart }} as (
        select * from {{ ref(mart) }}
    ),
{% endfor %}

long_metrics as (
    {%- for entry in catalogue %}
        {%- set enabled = [] -%}
        {%- for table_name in entry.source_tables if not ai_maturity.is_table_enabled(table_name) -%}
            {%- do enabled.append(false) -%}
        {%- endfor %}
        select
            team_id,
            period_start,
            '{{ entry.cluster }}' as cluster,  -- cluster is a contract column of fct_team_metrics -- noqa: RF04
            '{{ entry.metric_name }}' as metric_name,
            {% if enabled | length == 0 -%}
                cast({{ entry.metric_name }} as {{ ai_maturity.type_double() }})
            {%- else -%}
                cast(null as {{ ai_maturity.type_double() }})
            {%- endif %} as metric_value,
            '{{ entry.unit }}' as unit,
            {% if entry.sample_size and enabled | length == 0 -%}
                cast({{ entry.sample_size }} as {{ dbt.type_bigint() }})
            {%- else -%}
                cast(null as {{ dbt.type_bigint() }})
            {%- endif %} as sample_size
        from {{ entry.mart }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        team_id,
        period_start,
        cluster,
        metric_name,
        metric_value,
        unit,
        sample_size
    from long_metrics
)

select * from final

{#-
  Every numeric metric of every cluster mart in long form (the metric catalogue), one row per
  team × period × metric on the spine; null metric_value where undefined or where an optional raw
  table the metric needs is switched off. ci_low / ci_high: the 95 % interval of a proportion
  (Wilson, from the value and its `_n`) or of a median (order statistics, from its cluster mart);
  which one from the catalogue entry (ai_maturity.metric_interval_kind), null for the rest. Grain: team_id × period_start × metric_name.
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
            {%- endif %} as sample_size,
            {%- set interval_kind = ai_maturity.metric_interval_kind(entry) if enabled | length == 0 else none %}
            {%- for bound in ['low', 'high'] %}
                {% if interval_kind == 'wilson' -%}
                    {{ ai_maturity.wilson_bound(entry.metric_name, entry.sample_size, bound) }}
                {%- elif interval_kind == 'order_statistic' -%}
                    cast({{ entry.metric_name }}_ci_{{ bound }} as {{ ai_maturity.type_double() }})
                {%- else -%}
                    cast(null as {{ ai_maturity.type_double() }})
                {%- endif %} as ci_{{ bound }}{% if not loop.last %},{% endif %}
            {%- endfor %}
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
        sample_size,
        ci_low,
        ci_high
    from long_metrics
)

select * from final

{#-
  Every declared metric of every cluster mart in long form (the metric catalogue, read from the
  marts' yml by metric_declarations), one row per team × period × metric on the spine; null
  metric_value where undefined or where an optional raw table the metric needs is switched off (the
  mart's column is already null then). ci_low / ci_high: the 95 % interval of a proportion (Wilson,
  from the value and its `_n`) or of a median (order statistics, from its cluster mart); which one
  from the declaration (ai_maturity.metric_interval_kind), null for the rest.
  Grain: team_id × period_start × metric_name.
-#}
-- the cluster marts that declare metrics (dbt needs every ref at parse time, before `graph` exists):
-- depends_on: {{ ref('fct_business_value') }}, {{ ref('fct_change_delivery') }}, {{ ref('fct_governance_ethics') }}
-- depends_on: {{ ref('fct_ml_lifecycle') }}, {{ ref('fct_people_culture') }}, {{ ref('fct_reliability_quality') }}
{%- set declarations = ai_maturity.metric_declarations() -%}
{%- set marts = declarations | map(attribute='mart') | unique | list %}

with
{% for mart in marts %}
    {{ mart }} as (
        select * from {{ ref(mart) }}
    ),
{% endfor %}

long_metrics as (
    {%- for entry in declarations %}
        select
            team_id,
            period_start,
            '{{ entry.cluster }}' as cluster,  -- cluster is a contract column of fct_team_metrics -- noqa: RF04
            '{{ entry.metric_name }}' as metric_name,
            cast({{ entry.metric_name }} as {{ ai_maturity.type_double() }}) as metric_value,
            '{{ entry.unit }}' as unit,
            cast({{ entry.sample_size or 'null' }} as {{ dbt.type_bigint() }}) as sample_size,
            {%- set interval_kind = ai_maturity.metric_interval_kind(entry) %}
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

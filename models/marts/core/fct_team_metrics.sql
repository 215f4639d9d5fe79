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
{%- set double_type = ai_maturity.type_double() %}

-- one scan of each cluster mart, its rows crossed with the mart's metric names (a CASE picks each
-- metric's columns), not a union of one scan per metric (Spark plans each scan: 69 of them)
with
{% for mart in marts %}
    {%- set entries = declarations | selectattr('mart', 'equalto', mart) | list %}
    {#- per output column: (metric_name, expression) for the metrics that have one; null for the rest #}
    {%- set picks = {'metric_value': [], 'sample_size': [], 'ci_low': [], 'ci_high': []} %}
    {%- for entry in entries %}
        {%- do picks.metric_value.append((entry.metric_name, 'mart_rows.' ~ entry.metric_name)) %}
        {%- if entry.sample_size %}
            {%- do picks.sample_size.append((entry.metric_name, 'mart_rows.' ~ entry.sample_size)) %}
        {%- endif %}
        {%- set interval_kind = ai_maturity.metric_interval_kind(entry) %}
        {%- for bound in ['low', 'high'] %}
            {%- if interval_kind == 'wilson' %}
                {%- do picks['ci_' ~ bound].append((entry.metric_name, ai_maturity.wilson_bound(
                    'mart_rows.' ~ entry.metric_name, 'mart_rows.' ~ entry.sample_size, bound))) %}
            {%- elif interval_kind == 'order_statistic' %}
                {%- do picks['ci_' ~ bound].append((entry.metric_name, 'mart_rows.' ~ entry.metric_name ~ '_ci_' ~ bound)) %}
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
    {{ mart }}_long as (
        select
            mart_rows.team_id,
            mart_rows.period_start,
            catalogue.catalogue_cluster,
            catalogue.catalogue_metric_name,
            catalogue.catalogue_unit,
            {%- for column, branches in picks.items() %}
                {%- set column_type = dbt.type_bigint() if column == 'sample_size' else double_type %}
                {%- if branches %}
                    case catalogue.catalogue_metric_name
                        {%- for metric_name, expression in branches %}
                            when '{{ metric_name }}' then cast({{ expression }} as {{ column_type }})
                        {%- endfor %}
                    end as {{ column }}{% if not loop.last %},{% endif %}
                {%- else %}
                    cast(null as {{ column_type }}) as {{ column }}{% if not loop.last %},{% endif %}
                {%- endif %}
            {%- endfor %}
        from {{ ref(mart) }} as mart_rows
        cross join (
            values
            {%- for entry in entries %}
                ('{{ entry.cluster }}', '{{ entry.metric_name }}', '{{ entry.unit }}'){% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as catalogue (catalogue_cluster, catalogue_metric_name, catalogue_unit)
    ),
{% endfor %}

long_metrics as (
    {%- for mart in marts %}
        select * from {{ mart }}_long
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        team_id,
        period_start,
        catalogue_cluster as cluster,  -- cluster is a contract column of fct_team_metrics -- noqa: RF04
        catalogue_metric_name as metric_name,
        metric_value,
        catalogue_unit as unit,
        sample_size,
        ci_low,
        ci_high
    from long_metrics
)

select * from final

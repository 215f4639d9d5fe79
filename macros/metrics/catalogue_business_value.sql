{#-
  Metrics of the business_value cluster (metrics.md §3), all in fct_business_value and all fed by
  the optional raw table product_events. conversion_uplift is a difference of rates (no `_n`);
  ai_attributed_revenue_usd is a per-team attribution (never summed across teams).
-#}
{% macro metric_catalogue_business_value() %}
    {%- set m = ai_maturity.catalogue_entry -%}
    {%- set c = 'business_value' -%}
    {%- set mart = 'fct_business_value' -%}
    {%- set t = ['product_events'] -%}
    {{ return([
        m('ai_active_users', c, 'count', mart, none, t, true),
        m('ai_adoption_share', c, 'ratio', mart, 'ai_adoption_share_n', t, true),
        m('feedback_events', c, 'count', mart, none, t, true),
        m('downvote_rate', c, 'ratio', mart, 'downvote_rate_n', t, false),
        m('ai_conversion_rate', c, 'ratio', mart, 'ai_conversion_rate_n', t, true),
        m('non_ai_conversion_rate', c, 'ratio', mart, 'non_ai_conversion_rate_n', t, none),
        m('conversion_uplift', c, 'ratio', mart, none, t, true),
        m('ai_attributed_revenue_usd', c, 'usd', mart, none, t, true),
    ]) }}
{% endmacro %}

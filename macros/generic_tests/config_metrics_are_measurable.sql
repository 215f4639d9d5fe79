{#-
  Warns (severity warn where it is declared) on every row of a configuration relation in use
  (`maturity_criteria` or `smart_targets`: the seed or the host relation of var ai_maturity__<name>)
  whose metric needs an optional raw table that is switched off. Switching a table off never fails a
  build: such a SMART target is evaluated `not_measurable`, such a criterion follows its if_no_data
  rule. Each row is also logged as one line naming it, its metric and the switched-off tables.
-#}
{% test config_metrics_are_measurable(model, config_name) %}
{%- set kind = ai_maturity.config_row_kind(config_name) -%}
{%- set unmeasurable = ai_maturity.unmeasurable_metrics() -%}
{%- set problems_sql -%}
select
    {{ kind[1] }} as row_id,
    metric_name
from {{ ai_maturity.config_relation(config_name) }}
where {{ ai_maturity.in_string_list('metric_name', unmeasurable.keys() | list) }}
{%- endset -%}
{%- if execute and unmeasurable and (flags.WHICH or '') in ('build', 'test', 'retry') -%}
    {%- set consequence = 'evaluated not_measurable' if config_name == 'smart_targets' else 'follows its if_no_data rule' -%}
    {%- for row in run_query(problems_sql ~ ' order by 1') -%}
        {%- do log('ai_maturity: ' ~ kind[0] ~ " '" ~ row[0] ~ "' reads " ~ row[1] ~ ', whose raw table(s) '
            ~ unmeasurable[row[1]] | join(', ') ~ ' are switched off: ' ~ consequence ~ '.', info=true) -%}
    {%- endfor -%}
{%- endif -%}
{{ problems_sql }}
{% endtest %}

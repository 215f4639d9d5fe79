{#- The DORA band seed, or the host project's relation named by var ai_maturity__dora_benchmarks. -#}
{% macro dora_benchmarks_relation() %}
    {{ return(ai_maturity.config_relation('dora_benchmarks')) }}
{% endmacro %}

{#- Join condition: a value lies within a band row (bounds with their inclusivity; null = unbounded). -#}
{% macro value_in_band(value, band) %}
    ({{ band }}.min_value is null or {{ value }} > {{ band }}.min_value
        or ({{ band }}.min_inclusive and {{ value }} = {{ band }}.min_value))
    and ({{ band }}.max_value is null or {{ value }} < {{ band }}.max_value
        or ({{ band }}.max_inclusive and {{ value }} = {{ band }}.max_value))
{%- endmacro %}

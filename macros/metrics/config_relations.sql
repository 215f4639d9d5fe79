{#-
  A configuration relation: the package seed, or the host project's own relation when the var
  ai_maturity__<name> names one (e.g. `analytics.my_maturity_criteria`).
-#}
{% macro config_relation(name) %}
    {%- set override = var('ai_maturity__' ~ name, none) -%}
    {%- if override -%}{{ return(override) }}{%- endif -%}
    {{ return(ref(name)) }}
{% endmacro %}

{#-
  A package setting: var ai_maturity__<name>. Its default lives in one place, the package's
  dbt_project.yml (`vars: ai_maturity:`); a host project or `--vars` overrides it. A name with no
  default there is a mistake in the package and fails naming it (never a silent fallback).
-#}
{% macro setting(name) %}
    {%- set key = 'ai_maturity__' ~ name -%}
    {%- if not var.has_var(key) -%}
        {{ exceptions.raise_compiler_error("ai_maturity: setting '" ~ key ~ "' has no default in the package's dbt_project.yml vars") }}
    {%- endif -%}
    {{ return(var(key)) }}
{% endmacro %}

{#- Deterministic key from several columns (md5 of their text, nulls spelled out). -#}
{% macro surrogate_key(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    md5({{ parts | join(" || '|' || ") }})
{%- endmacro %}

{#- A person key shown as a salted hash (var ai_maturity__hash_salt), never the key itself. -#}
{% macro salted_hash(expr) %}md5('{{ ai_maturity.setting('hash_salt') }}' || '|' || cast({{ expr }} as {{ dbt.type_string() }})){% endmacro %}

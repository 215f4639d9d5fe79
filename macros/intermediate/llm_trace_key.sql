{#- The key of the LLM query a request belongs to: its trace, or the request itself without one. -#}
{% macro llm_trace_key(trace_id, request_id) %}
    {{- return(ai_maturity.surrogate_key([trace_id, 'case when ' ~ trace_id ~ ' is null then ' ~ request_id ~ ' end'])) -}}
{% endmacro %}

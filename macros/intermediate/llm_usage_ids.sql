{#-
  The ids an LLM request or evaluation is counted under in fct_llm_usage, as SQL expressions (name →
  expression), in one place: the event-grain models compute them with these, and the mart's
  incremental run recomputes the usage groups of earlier versions of a row with the same rules.
-#}

{#- The scenario ids of a request (`relation` qualifies its columns): a missing response model is
    the requested one, a missing model version the response model. -#}
{% macro llm_request_scenario_ids(relation) %}
    {{- return({
        'feature_name': relation ~ '.feature_name',
        'response_model': 'coalesce(' ~ relation ~ '.response_model, ' ~ relation ~ '.request_model)',
        'model_version': 'coalesce(' ~ relation ~ '.model_version, ' ~ relation ~ '.response_model)',
        'prompt_hash': relation ~ '.prompt_hash',
        'retrieval_config_id': relation ~ '.retrieval_config_id',
    }) -}}
{% endmacro %}

{#- The team and scenario ids an evaluation is attributed to: its request's (`request`, a row of
    int_llm_requests_measured, null when there is none) where they are known, else its own
    (`evaluation`); the response model is only ever the request's. -#}
{% macro llm_evaluation_usage_ids(evaluation, request) %}
    {%- set ids = {'response_model': request ~ '.response_model'} -%}
    {%- for column in ['team_id', 'feature_name', 'model_version', 'prompt_hash', 'retrieval_config_id'] -%}
        {%- do ids.update({column: 'coalesce(' ~ request ~ '.' ~ column ~ ', ' ~ evaluation ~ '.' ~ column ~ ')'}) -%}
    {%- endfor -%}
    {{- return(ids) -}}
{% endmacro %}

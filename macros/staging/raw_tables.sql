{#- Every raw table of the contract, in dependency order. -#}
{% macro raw_table_names() %}
    {{ return([
        'teams', 'service_ownership', 'people', 'changes', 'deployments', 'deployment_changes',
        'incidents', 'training_runs', 'drift_checks', 'inference_windows', 'slo_targets',
        'llm_requests', 'llm_request_chunks', 'rag_eval_cases', 'llm_evaluations', 'product_events',
        'survey_responses', 'explainability_requests', 'bias_audits', 'model_documentation',
        'readiness_assessments',
    ]) }}
{% endmacro %}

{#-
  The raw event tables whose rows belong to a team and a period (int_team_table_event_periods reads
  each one's period timestamp; fct_team_data_coverage shows each one's last event).
-#}
{% macro team_event_tables() %}
    {{ return([
        'deployments', 'incidents', 'training_runs', 'drift_checks', 'inference_windows', 'llm_requests',
        'llm_evaluations', 'product_events', 'survey_responses', 'explainability_requests', 'bias_audits',
        'model_documentation',
    ]) }}
{% endmacro %}

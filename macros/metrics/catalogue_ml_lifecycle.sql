{#- Metrics of the ml_lifecycle cluster (metrics.md §2), columns of fct_ml_lifecycle. -#}
{% macro metric_catalogue_ml_lifecycle() %}
    {%- set m = ai_maturity.catalogue_entry -%}
    {%- set c = 'ml_lifecycle' -%}
    {%- set mart = 'fct_ml_lifecycle' -%}
    {%- set runs = ['training_runs'] -%}
    {%- set drift = ['drift_checks'] -%}
    {%- set drift_and_runs = ['training_runs', 'drift_checks'] -%}
    {{ return([
        m('training_runs_count', c, 'count', mart, none, runs, none),
        m('automated_training_share', c, 'ratio', mart, 'automated_training_share_n', runs, true),
        m('retrain_time_median_hours', c, 'hours', mart, 'retrain_time_median_hours_n', runs, false),
        m('data_to_training_lag_median_hours', c, 'hours', mart, 'data_to_training_lag_median_hours_n', runs, false),
        m('reproducible_run_share', c, 'ratio', mart, 'reproducible_run_share_n', runs, true),
        m('eval_gated_run_share', c, 'ratio', mart, 'eval_gated_run_share_n', runs, true),
        m('drift_alerts_count', c, 'count', mart, none, drift, none),
        m('drift_to_retrain_median_hours', c, 'hours', mart, 'drift_to_retrain_median_hours_n', drift_and_runs, false),
        m('drift_auto_retrain_share', c, 'ratio', mart, 'drift_auto_retrain_share_n', drift_and_runs, true),
        m('model_deployments_count', c, 'count', mart, none, [], true),
        m('model_deploy_automation_share', c, 'ratio', mart, 'model_deploy_automation_share_n', [], true),
        m('progressive_model_deploy_share', c, 'ratio', mart, 'progressive_model_deploy_share_n', [], true),
        m('model_traceability_share', c, 'ratio', mart, 'model_traceability_share_n', runs, true),
    ]) }}
{% endmacro %}

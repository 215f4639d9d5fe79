{#- Metrics of the governance_ethics cluster (metrics.md §5), all columns of fct_governance_ethics. -#}
{% macro metric_catalogue_governance_ethics() %}
    {%- set m = ai_maturity.metric -%}
    {%- set c = 'governance_ethics' -%}
    {%- set mart = 'fct_governance_ethics' -%}
    {%- set requests = ['llm_requests'] -%}
    {%- set evaluations = ['llm_evaluations'] -%}
    {%- set citations = ['llm_requests', 'llm_request_chunks', 'rag_eval_cases'] -%}
    {{ return([
        m('explainability_requests', c, 'count', mart, none, ['explainability_requests'], none),
        m('explainability_fulfilment_rate', c, 'ratio', mart, 'explainability_fulfilment_rate_n', ['explainability_requests'], true),
        m('days_since_bias_audit', c, 'days', mart, none, ['bias_audits'], false),
        m('bias_remediation_median_days', c, 'days', mart, 'bias_remediation_median_days_n', ['bias_audits'], false),
        m('documentation_completeness', c, 'ratio', mart, 'documentation_completeness_n', ['model_documentation'], true),
        m('llm_queries', c, 'count', mart, none, requests, none),
        m('cost_per_query_usd', c, 'usd', mart, 'cost_per_query_usd_n', requests, false),
        m('tokens_per_response', c, 'count', mart, 'tokens_per_response_n', requests, none),
        m('latency_per_output_token_ms_p50', c, 'ms', mart, 'latency_per_output_token_ms_p50_n', requests, false),
        m('time_to_first_token_ms_p95', c, 'ms', mart, 'time_to_first_token_ms_p95_n', requests, false),
        m('cost_per_useful_token_usd', c, 'usd', mart, 'cost_per_useful_token_usd_n', ['llm_requests', 'llm_evaluations', 'product_events'], false),
        m('hallucination_rate', c, 'ratio', mart, 'hallucination_rate_n', evaluations, false),
        m('refusal_rate', c, 'ratio', mart, 'refusal_rate_n', requests, none),
        m('unwarranted_refusal_rate', c, 'ratio', mart, 'unwarranted_refusal_rate_n', evaluations, false),
        m('safety_pass_rate', c, 'ratio', mart, 'safety_pass_rate_n', evaluations, true),
        m('faithfulness_mean', c, 'score', mart, 'faithfulness_mean_n', evaluations, true),
        m('instruction_following_rate', c, 'ratio', mart, 'instruction_following_rate_n', evaluations, true),
        m('citation_precision', c, 'ratio', mart, 'citation_precision_n', citations, true),
        m('citation_recall', c, 'ratio', mart, 'citation_recall_n', citations, true),
        m('uncited_answers', c, 'count', mart, none, citations, false),
        m('evaluation_coverage', c, 'ratio', mart, 'evaluation_coverage_n', ['llm_requests', 'llm_evaluations'], true),
        m('trace_id_coverage', c, 'ratio', mart, 'trace_id_coverage_n', requests, true),
    ]) }}
{% endmacro %}

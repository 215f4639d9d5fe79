{#-
  The CTEs `latency_p50` (latency_per_output_token_ms_p50) and `time_to_first_token_p95`
  (time_to_first_token_ms_p95) of the LLM requests in `requests` (a relation or an aliased subquery)
  per `key` (columns, comma-separated), by ranking (percentile_by_rank): quantile aggregates over
  50 M requests (scale 10) spilled until the disk was full under a shared memory limit. No comma
  after the second CTE.
-#}
{% macro llm_request_percentile_ctes(requests, key) %}
latency_p50 as (
    {{ ai_maturity.percentile_by_rank(requests, key, 'latency_per_output_token_ms', 0.5, 'latency_per_output_token_ms_p50') }}
),

time_to_first_token_p95 as (
    {{ ai_maturity.percentile_by_rank(requests, key, 'time_to_first_token_ms', 0.95, 'time_to_first_token_ms_p95') }}
)
{%- endmacro %}

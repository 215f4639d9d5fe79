-- The floor of the benchmark: one pass over every raw table, aggregated by team (or service, or
-- another low-cardinality column where a table has no team) × month of the event's timestamp.
-- It reads each table's key, grouping columns and _loaded_at once and groups them, which is
-- what any implementation of the package must at least pay. No validation, no dedupe, no joins.
-- Run by scripts/benchmark/floor.py with the dbt profile's DuckDB settings; {schema} is the raw schema.
with per_table as (
    select
        'teams' as table_name,
        team_id as group_key,
        cast(date_trunc('month', created_at) as date) as period_start,
        count(*) as row_count,
        count(team_id) as keyed_rows,
        max(_loaded_at) as last_loaded_at
    from {schema}.teams
    group by all
    union all
    select
        'service_ownership',
        team_id,
        cast(date_trunc('month', valid_from) as date),
        count(*),
        count(service_id),
        max(_loaded_at)
    from {schema}.service_ownership
    group by all
    union all
    select
        'people',
        team_id,
        cast(date_trunc('month', joined_at) as date),
        count(*),
        count(person_key),
        max(_loaded_at)
    from {schema}.people
    group by all
    union all
    select
        'changes',
        service_id,
        cast(date_trunc('month', first_commit_at) as date),
        count(*),
        count(change_id),
        max(_loaded_at)
    from {schema}.changes
    group by all
    union all
    select
        'deployments',
        coalesce(team_id, service_id),
        cast(date_trunc('month', finished_at) as date),
        count(*),
        count(deployment_id),
        max(_loaded_at)
    from {schema}.deployments
    group by all
    union all
    select
        'deployment_changes',
        'all',
        cast(null as date),
        count(*),
        count(change_id),
        max(_loaded_at)
    from {schema}.deployment_changes
    union all
    select
        'incidents',
        coalesce(team_id, service_id),
        cast(date_trunc('month', detected_at) as date),
        count(*),
        count(incident_id),
        max(_loaded_at)
    from {schema}.incidents
    group by all
    union all
    select
        'training_runs',
        team_id,
        cast(date_trunc('month', started_at) as date),
        count(*),
        count(run_id),
        max(_loaded_at)
    from {schema}.training_runs
    group by all
    union all
    select
        'drift_checks',
        team_id,
        cast(date_trunc('month', checked_at) as date),
        count(*),
        count(check_id),
        max(_loaded_at)
    from {schema}.drift_checks
    group by all
    union all
    select
        'inference_windows',
        service_id,
        cast(date_trunc('month', window_start) as date),
        count(*),
        count(model_name),
        max(_loaded_at)
    from {schema}.inference_windows
    group by all
    union all
    select
        'slo_targets',
        service_id,
        cast(null as date),
        count(*),
        count(sli),
        max(_loaded_at)
    from {schema}.slo_targets
    group by all
    union all
    select
        'llm_requests',
        team_id,
        cast(date_trunc('month', started_at) as date),
        count(*),
        count(request_id),
        max(_loaded_at)
    from {schema}.llm_requests
    group by all
    union all
    select
        'llm_request_chunks',
        kind,
        cast(null as date),
        count(*),
        count(request_id),
        max(_loaded_at)
    from {schema}.llm_request_chunks
    group by all
    union all
    select
        'rag_eval_cases',
        suite,
        cast(null as date),
        count(*),
        count(case_id),
        max(_loaded_at)
    from {schema}.rag_eval_cases
    group by all
    union all
    select
        'llm_evaluations',
        coalesce(team_id, 'no_team'),
        cast(date_trunc('month', evaluated_at) as date),
        count(*),
        count(evaluation_id),
        max(_loaded_at)
    from {schema}.llm_evaluations
    group by all
    union all
    select
        'product_events',
        team_id,
        cast(date_trunc('month', occurred_at) as date),
        count(*),
        count(event_id),
        max(_loaded_at)
    from {schema}.product_events
    group by all
    union all
    select
        'survey_responses',
        team_id,
        cast(date_trunc('month', submitted_at) as date),
        count(*),
        count(response_id),
        max(_loaded_at)
    from {schema}.survey_responses
    group by all
    union all
    select
        'explainability_requests',
        team_id,
        cast(date_trunc('month', requested_at) as date),
        count(*),
        count(request_id),
        max(_loaded_at)
    from {schema}.explainability_requests
    group by all
    union all
    select
        'bias_audits',
        team_id,
        cast(date_trunc('month', audited_at) as date),
        count(*),
        count(audit_id),
        max(_loaded_at)
    from {schema}.bias_audits
    group by all
    union all
    select
        'model_documentation',
        team_id,
        cast(date_trunc('month', documented_at) as date),
        count(*),
        count(model_version),
        max(_loaded_at)
    from {schema}.model_documentation
    group by all
)

select
    table_name,
    count(*) as groups,
    sum(row_count) as row_count,
    sum(keyed_rows) as keyed_rows,
    max(last_loaded_at) as last_loaded_at
from per_table
group by table_name
order by table_name

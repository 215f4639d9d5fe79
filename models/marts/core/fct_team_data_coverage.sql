{#-
  How far the team's data can be trusted, per team and period: the last event of each raw event
  table up to the end of the period (ai_maturity.team_event_tables(); a table switched off or never
  delivered for the team is null), and the linkage shares the DORA and LLM metrics silently depend
  on — production deployments (rollbacks and cancelled ones excluded) linked to at least one change, incidents linked
  to the deployment that caused them, LLM requests with an evaluation and with trace ids (read
  from fct_governance_ethics), finished training runs that are reproducible (fct_ml_lifecycle) —
  each with its `_n`. Grain: team_id × period_start.
-#}
{%- set event_tables = ai_maturity.team_event_tables() %}

with spine as (
    select * from {{ ref('int_team_periods') }}
),

table_event_periods as (
    select * from {{ ref('int_team_table_event_periods') }}
),

deployments as (
    select * from {{ ref('int_deployments_classified') }}
),

deployment_changes as (
    select * from {{ ref('stg_ai_maturity_raw__deployment_changes') }}
),

incidents as (
    select * from {{ ref('int_incidents_restored') }}
),

governance_ethics as (
    select * from {{ ref('ai_maturity', 'fct_governance_ethics') }}
),

ml_lifecycle as (
    select * from {{ ref('ai_maturity', 'fct_ml_lifecycle') }}
),

period_last_events as (
    select
        spine.team_id,
        spine.period_start,
        spine.team_period_number,
        {%- for table_name in event_tables %}
            max(case when table_event_periods.raw_table = '{{ table_name }}' then table_event_periods.last_event_at end)
                as {{ table_name }}_period_last_event_at{% if not loop.last %},{% endif %}
        {%- endfor %}
    from spine
    left join table_event_periods
        on spine.team_id = table_event_periods.team_id
        and spine.period_start = table_event_periods.period_start
    group by spine.team_id, spine.period_start, spine.team_period_number
),

-- the last event up to the end of the period: the latest of this and every earlier period
last_events as (
    select
        team_id,
        period_start,
        {%- for table_name in event_tables %}
            max({{ table_name }}_period_last_event_at) over (
                partition by team_id
                order by team_period_number
                rows between unbounded preceding and current row
            ) as {{ table_name }}_last_event_at{% if not loop.last %},{% endif %}
        {%- endfor %}
    from period_last_events
),

linked_deployments as (
    select distinct deployment_id
    from deployment_changes
),

deployment_links as (
    select
        deployments.team_id,
        deployments.period_start,
        count(*) as production_deployments,
        count(linked_deployments.deployment_id) as change_linked_deployments
    from deployments
    left join linked_deployments on deployments.deployment_id = linked_deployments.deployment_id
    where deployments.is_dora_deployment
    group by deployments.team_id, deployments.period_start
),

incident_links as (
    select
        team_id,
        detected_period_start as period_start,
        count(*) as detected_incidents,
        count(caused_by_deployment_id) as deployment_linked_incidents
    from incidents
    group by team_id, detected_period_start
),

final as (
    select
        spine.team_id,
        spine.period_start,
        {%- for table_name in event_tables %}
            last_events.{{ table_name }}_last_event_at,
        {%- endfor %}
        {{ ai_maturity.safe_divide('deployment_links.change_linked_deployments', 'deployment_links.production_deployments') }}
            as change_linked_deployment_share,
        coalesce(deployment_links.production_deployments, 0) as change_linked_deployment_share_n,
        {{ ai_maturity.safe_divide('incident_links.deployment_linked_incidents', 'incident_links.detected_incidents') }}
            as deployment_linked_incident_share,
        coalesce(incident_links.detected_incidents, 0) as deployment_linked_incident_share_n,
        governance_ethics.evaluation_coverage as evaluated_llm_request_share,
        governance_ethics.evaluation_coverage_n as evaluated_llm_request_share_n,
        governance_ethics.trace_id_coverage as traced_llm_request_share,
        governance_ethics.trace_id_coverage_n as traced_llm_request_share_n,
        ml_lifecycle.reproducible_run_share,
        ml_lifecycle.reproducible_run_share_n
    from spine
    inner join last_events
        on spine.team_id = last_events.team_id
        and spine.period_start = last_events.period_start
    left join deployment_links
        on spine.team_id = deployment_links.team_id
        and spine.period_start = deployment_links.period_start
    left join incident_links
        on spine.team_id = incident_links.team_id
        and spine.period_start = incident_links.period_start
    left join governance_ethics
        on spine.team_id = governance_ethics.team_id
        and spine.period_start = governance_ethics.period_start
    left join ml_lifecycle
        on spine.team_id = ml_lifecycle.team_id
        and spine.period_start = ml_lifecycle.period_start
)

select * from final

{#-
  The team's events per raw event table and period, in the period staging assigns each event
  (staged period_start: the table's period column, never _loaded_at or end times; events after
  the as-of cut-off are not staged): how many, the first and the last. The tables are
  ai_maturity.team_event_tables(); changes and deployment_changes carry no period of their own (a
  change belongs to its shipping deployment). Grain: team_id × period_start × raw_table.
-#}
with deployments as (
    select
        team_id,
        period_start,
        finished_at as event_at
    from {{ ref('stg_ai_maturity_raw__deployments') }}
),

incidents as (
    select
        team_id,
        period_start,
        detected_at as event_at
    from {{ ref('stg_ai_maturity_raw__incidents') }}
),

training_runs as (
    select
        team_id,
        period_start,
        started_at as event_at
    from {{ ref('stg_ai_maturity_raw__training_runs') }}
),

drift_checks as (
    select
        team_id,
        period_start,
        checked_at as event_at
    from {{ ref('stg_ai_maturity_raw__drift_checks') }}
),

inference_windows as (
    select
        team_id,
        period_start,
        window_start as event_at
    from {{ ref('stg_ai_maturity_raw__inference_windows') }}
),

llm_requests as (
    select
        team_id,
        period_start,
        started_at as event_at
    from {{ ref('stg_ai_maturity_raw__llm_requests') }}
),

-- the requests' teams read apart from the CTE above: one CTE read twice is materialized whole
-- (50 M requests at scale 10: 6.5 s of the model's 13 s of operator time)
llm_evaluations as (
    select
        coalesce(requests.team_id, evaluations.team_id) as team_id,
        evaluations.period_start,
        evaluations.evaluated_at as event_at
    from {{ ref('stg_ai_maturity_raw__llm_evaluations') }} as evaluations
    left join {{ ref('stg_ai_maturity_raw__llm_requests') }} as requests on evaluations.request_id = requests.request_id
),

product_events as (
    select
        team_id,
        period_start,
        occurred_at as event_at
    from {{ ref('stg_ai_maturity_raw__product_events') }}
),

survey_responses as (
    select
        team_id,
        period_start,
        submitted_at as event_at
    from {{ ref('stg_ai_maturity_raw__survey_responses') }}
),

explainability_requests as (
    select
        team_id,
        period_start,
        requested_at as event_at
    from {{ ref('stg_ai_maturity_raw__explainability_requests') }}
),

bias_audits as (
    select
        team_id,
        period_start,
        audited_at as event_at
    from {{ ref('stg_ai_maturity_raw__bias_audits') }}
),

model_documentation as (
    select
        team_id,
        period_start,
        documented_at as event_at
    from {{ ref('stg_ai_maturity_raw__model_documentation') }}
),

all_events as (
    {%- for table_name in ai_maturity.team_event_tables() %}
        select
            team_id,
            period_start,
            '{{ table_name }}' as raw_table,
            event_at
        from {{ table_name }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        team_id,
        period_start,
        raw_table,
        count(*) as event_count,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from all_events
    where team_id is not null
        and event_at is not null
    group by team_id, period_start, raw_table
)

select * from final

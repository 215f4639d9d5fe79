{#-
  Each model version a team deployed to production in a period (the §1 deployment set — production,
  not cancelled, not a rollback — with artifact_type `model`; a version deployed several times
  counts once), with the completeness of its model card (completed_fields ÷ required_fields,
  documentation up to the as-of cut-off; 0 when undocumented or when the deployment does not name
  the model and version). Grain: team_id × period_start × model_name × model_version.
-#}
with model_deployments as (
    select * from {{ ref('int_deployments_classified') }}
    where is_dora_deployment
        and artifact_type = 'model'
),

documentation as (
    select * from {{ ref('stg_ai_maturity_raw__model_documentation') }}
),

deployed_versions as (
    select
        team_id,
        period_start,
        model_name,
        model_version,
        count(*) as deployments_count,
        min(finished_at) as first_deployed_at
    from model_deployments
    group by team_id, period_start, model_name, model_version
),

final as (
    select
        {{ ai_maturity.surrogate_key([
            'deployed_versions.team_id', 'deployed_versions.period_start',
            'deployed_versions.model_name', 'deployed_versions.model_version',
        ]) }} as deployed_model_version_id,
        deployed_versions.team_id,
        deployed_versions.period_start,
        deployed_versions.model_name,
        deployed_versions.model_version,
        deployed_versions.deployments_count,
        deployed_versions.first_deployed_at,
        documentation.model_name is not null as is_documented,
        documentation.documented_at,
        documentation.required_fields,
        documentation.completed_fields,
        coalesce({{ ai_maturity.safe_divide('documentation.completed_fields', 'documentation.required_fields') }}, 0)
            as documentation_completeness
    from deployed_versions
    left join documentation
        on deployed_versions.model_name = documentation.model_name
        and deployed_versions.model_version = documentation.model_version
)

select * from final

-- A host model named like a package mart: the host's own team dimension (its cost centres), only
-- the teams it owns. It lives in the host's schema; the package's `dim_teams` keeps its own.
with package_teams as (
    select * from {{ ref('ai_maturity', 'dim_teams') }}
),

owned_teams as (
    select min(team_id) as team_id from package_teams
),

final as (
    select
        package_teams.team_id,
        package_teams.team_name,
        'cc_' || package_teams.team_id as cost_center
    from package_teams
    inner join owned_teams on package_teams.team_id = owned_teams.team_id
)

select * from final

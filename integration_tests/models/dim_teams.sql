-- A host model named like a package mart: the host's own team dimension (its cost centres), only
-- the teams it owns. It lives in the host's schema; the package's `dim_teams` keeps its own.
with package_teams as (
    select * from {{ ref('ai_maturity', 'dim_teams') }}
),

final as (
    select
        team_id,
        team_name,
        'cc_' || team_id as cost_center
    from package_teams
    where team_id = (select min(team_id) from package_teams)
)

select * from final

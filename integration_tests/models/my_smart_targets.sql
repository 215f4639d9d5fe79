-- The host's SMART targets (var ai_maturity__smart_targets: my_smart_targets): one per team.
with targets as (
    select
        'host_lead_time_' || team_id as target_id,
        'change_lead_time_median_hours' as metric_name,
        team_id,
        '<=' as comparator,
        cast(72 as double) as target_value,
        cast('2025-12-31' as date) as deadline,
        'host_engineering_manager' as owner,  -- noqa: RF04
        'investigate' as action,  -- noqa: RF04
        'p3' as slo_class,
        'Changes reach production within three days' as description
    from {{ ref('ai_maturity', 'dim_teams') }}
),

final as (
    select * from targets
)

select * from final

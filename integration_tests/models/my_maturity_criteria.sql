-- The host's maturity criteria: the package's defaults with its own bar for shipping (a criterion
-- id of its own). Passed to the package by name (var ai_maturity__maturity_criteria:
-- my_maturity_criteria), so the package reads it through `ref` and builds it first.
with package_criteria as (
    select * from {{ ref('ai_maturity', 'maturity_criteria') }}
),

final as (
    select
        case
            when criterion_id = 'process_1_frequency' then 'host_process_1_ships_hourly'
            else criterion_id
        end as criterion_id,
        plane,
        level,
        metric_name,
        comparator,
        case
            when criterion_id = 'process_1_frequency' then cast(168 as double)
            else threshold
        end as threshold,
        if_no_data,
        rationale,
        action
    from package_criteria
)

select * from final

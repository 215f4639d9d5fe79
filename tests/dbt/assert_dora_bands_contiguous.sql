{#-
  Each report year × metric has the four bands, ranked 1–4, contiguous and non-overlapping: a band's
  bound meets the next band's bound with exactly one of them inclusive. Rows returned are errors.
-#}
with bands as (
    select * from {{ ai_maturity.dora_benchmarks_relation() }}
),

ordered as (
    select
        *,
        lead(min_value) over (partition by report_year, metric_name order by band_rank) as next_min_value,
        lead(max_value) over (partition by report_year, metric_name order by band_rank) as next_max_value,
        lead(min_inclusive) over (partition by report_year, metric_name order by band_rank) as next_min_inclusive,
        lead(max_inclusive) over (partition by report_year, metric_name order by band_rank) as next_max_inclusive,
        count(*) over (partition by report_year, metric_name) as band_count
    from bands
),

errors as (
    select
        report_year,
        metric_name,
        band,
        'not four bands' as problem
    from ordered
    where band_count != 4
    union all
    -- higher is better (frequency): the next band lies below, its max meets this min
    select
        report_year,
        metric_name,
        band,
        'gap or overlap' as problem
    from ordered
    where metric_name = 'deployment_frequency_per_week'
        and band_rank < 4
        and not (next_max_value = min_value and next_max_inclusive != min_inclusive)
    union all
    -- lower is better: the next band lies above, its min meets this max
    select
        report_year,
        metric_name,
        band,
        'gap or overlap' as problem
    from ordered
    where metric_name != 'deployment_frequency_per_week'
        and band_rank < 4
        and not (next_min_value = max_value and next_min_inclusive != max_inclusive)
)

select * from errors

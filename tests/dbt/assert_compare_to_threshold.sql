{#- compare_to_threshold on every comparator, with nulls: rows returned are wrong answers. -#}
with cases as (
    select
        cast(literal_cases.v as {{ ai_maturity.type_double() }}) as observed,
        literal_cases.c as comparator,
        cast(literal_cases.t as {{ ai_maturity.type_double() }}) as threshold,
        literal_cases.e as expected
    from (
        values
        (1.0, '>=', 1.0, true), (0.9, '>=', 1.0, false),
        (1.1, '>', 1.0, true), (1.0, '>', 1.0, false),
        (1.0, '<=', 1.0, true), (1.1, '<=', 1.0, false),
        (0.9, '<', 1.0, true), (1.0, '<', 1.0, false),
        (1.0, '=', 1.0, true), (1.1, '=', 1.0, false),
        (null, '>=', 1.0, null), (null, '<', 1.0, null), (null, '=', 1.0, null),
        (1.0, '>=', null, null)
    ) as literal_cases (v, c, t, e)
),

answers as (
    select
        *,
        {{ ai_maturity.compare_to_threshold('observed', 'comparator', 'threshold') }} as answer
    from cases
)

select * from answers
where (answer is null) != (expected is null) or answer != expected

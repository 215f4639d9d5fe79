{#- values_differ with nulls and rounding noise: rows returned are wrong answers. -#}
with cases as (
    select
        cast(literal_cases.l as {{ ai_maturity.type_double() }}) as left_value,
        cast(literal_cases.r as {{ ai_maturity.type_double() }}) as right_value,
        literal_cases.e as expected
    from (
        values
        (1.0, 1.0, false), (0.3, 0.1 + 0.2, false), (1000000.0, 1000000.0000001, false),
        (0.0, 0.0, false), (null, null, false),
        (1.0, 1.000001, true), (100.0, 101.0, true), (0.0, 0.000000000001, true), (-1.0, 1.0, true),
        (null, 1.0, true), (1.0, null, true), (null, 0.0, true)
    ) as literal_cases (l, r, e)
),

answers as (
    select
        *,
        {{ ai_maturity.values_differ('left_value', 'right_value') }} as answer
    from cases
)

select * from answers
where answer is null or answer != expected

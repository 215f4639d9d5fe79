{#-
  95 % confidence intervals of the catalogue's metrics. Which kind a metric gets is read from its
  catalogue entry: a `ratio` with a sample-size column is a proportion (Wilson score interval from
  the value and its `_n`); a duration (`hours`, `days`, `minutes`) with a sample-size column is a
  median (distribution-free order-statistic interval, computed in its cluster mart beside the
  median as `<metric>_ci_low` / `<metric>_ci_high`); anything else (counts, frequencies, scores,
  costs, percentiles) has none.
-#}
{% macro metric_interval_kind(entry) %}
    {%- if not entry.sample_size -%}
        {{ return(none) }}
    {%- elif entry.unit == 'ratio' -%}
        {{ return('wilson') }}
    {%- elif entry.unit in ['hours', 'days', 'minutes'] -%}
        {{ return('order_statistic') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{#- The standard normal quantile of a two-sided 95 % interval (z for 0.975). -#}
{% macro interval_z() %}1.959963984540054{% endmacro %}

{#-
  Wilson score interval bound ('low' or 'high') of a proportion `p` observed on `n` trials:
  (p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n), clamped to [0, 1]; null when p is null or
  n is null or 0.
-#}
{% macro wilson_bound(p, n, bound) %}
    {%- set z = ai_maturity.interval_z() -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    {%- set z2_over_n = ai_maturity.safe_divide(z ~ ' * ' ~ z, n) -%}
    {%- set spread = ai_maturity.safe_divide(p ~ ' * (1 - ' ~ p ~ ')', n) ~ ' + '
        ~ ai_maturity.safe_divide(z ~ ' * ' ~ z, '4 * ' ~ n ~ ' * ' ~ n) -%}
    case
        when {{ p }} is not null and {{ n }} > 0
            then greatest(0.0, least(1.0, {{ ai_maturity.safe_divide(
                p ~ ' + ' ~ z2_over_n ~ ' / 2 ' ~ sign ~ ' ' ~ z ~ ' * sqrt(greatest(' ~ spread ~ ', 0.0))',
                '1 + ' ~ z2_over_n
            ) }}))
    end
{%- endmacro %}

{#-
  CTEs (to place inside a `with` list) that compute the distribution-free 95 % interval of the
  median of `value` per team × period over the event rows of `relation` (rows where `where` holds,
  nulls ignored). With the n values sorted, x(1) ≤ … ≤ x(n), the interval is [x(k), x(n + 1 − k)]
  where k is the largest rank with P(B ≤ k − 1) ≤ 0.025, B ~ Binomial(n, 1/2): it covers the
  population median with probability 1 − 2·P(B ≤ k − 1) ≥ 95 %. The binomial probabilities are
  computed with window sums over the ranks (log C(n, i) = Σ_{j ≤ i} ln(n − j + 1) − ln j), so the
  SQL is the same on every engine. No such k exists for n < 6: the interval is null. The last CTE,
  named `name`, holds team_id, period_start, ci_low, ci_high (only groups with values).
-#}
{% macro median_interval_ctes(name, relation, value, where=none, team_column='team_id', period_column='period_start') %}
    {%- set group_columns = 'team_id, period_start' -%}
    {#- doubles throughout: PostgreSQL would compute ln/exp of integers and decimal literals as numeric -#}
    {%- set ln_2 = 'ln(cast(2 as ' ~ ai_maturity.type_double() ~ '))' -%}
    {{ name }}_values as (
        select
            {{ team_column }} as team_id,
            {{ period_column }} as period_start,
            cast({{ value }} as {{ ai_maturity.type_double() }}) as interval_value
        from {{ relation }}
        where {{ value }} is not null
            {%- if where %}
                and ({{ where }})
            {%- endif %}
    ),

    {{ name }}_ranked as (
        select
            team_id,
            period_start,
            interval_value,
            row_number() over (partition by {{ group_columns }} order by interval_value) as value_rank,
            count(*) over (partition by {{ group_columns }}) as value_count
        from {{ name }}_values
    ),

    {{ name }}_log_binomial as (
        select
            team_id,
            period_start,
            interval_value,
            value_rank,
            value_count,
            sum(ln(cast(value_count - value_rank + 1 as {{ ai_maturity.type_double() }})) - ln(cast(value_rank as {{ ai_maturity.type_double() }}))) over (
                partition by {{ group_columns }}
                order by value_rank
                rows between unbounded preceding and current row
            ) - value_count * {{ ln_2 }} as log_probability
        from {{ name }}_ranked
    ),

    {{ name }}_cumulative as (
        select
            team_id,
            period_start,
            interval_value,
            value_rank,
            value_count,
            -- P(B <= rank - 1): P(B = 0) plus P(B = j) for the ranks j below this one (exp guarded
            -- against underflow, an error on PostgreSQL)
            case when value_count * {{ ln_2 }} > 700 then cast(0 as {{ ai_maturity.type_double() }}) else exp(-value_count * {{ ln_2 }}) end
            + coalesce(sum(case when log_probability < -700 then cast(0 as {{ ai_maturity.type_double() }}) else exp(log_probability) end) over (
                partition by {{ group_columns }}
                order by value_rank
                rows between unbounded preceding and 1 preceding
            ), cast(0 as {{ ai_maturity.type_double() }})) as probability_below_rank
        from {{ name }}_log_binomial
    ),

    {{ name }}_bounds as (
        select
            team_id,
            period_start,
            interval_value,
            value_rank,
            value_count,
            max(case when probability_below_rank <= 0.025 then value_rank end) over (
                partition by {{ group_columns }}
            ) as lower_rank
        from {{ name }}_cumulative
    ),

    {{ name }} as (
        select
            team_id,
            period_start,
            max(case when value_rank = lower_rank then interval_value end) as ci_low,
            max(case when value_rank = value_count + 1 - lower_rank then interval_value end) as ci_high
        from {{ name }}_bounds
        group by team_id, period_start
    )
{%- endmacro %}

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('service_ownership', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

{{ ai_maturity.deduplicated('service_ownership', 'raw_rows') }}

team_checked as (
    select
        deduplicated.*,
        teams.team_id is not null as is_known_team
    from deduplicated
    left join teams on deduplicated.team_id = teams.team_id
),

checked as (
    select
        service_id,
        team_id,
        valid_from,
        valid_to,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.dq_row_key('service_ownership') }} as dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('service_ownership', [
            ('not is_known_team', 'unknown_team'),
            ('valid_to <= valid_from', 'empty_interval:valid_to_not_after_valid_from'),
        ])) }} as rejection_reason
    from team_checked
),

sequenced as (
    select
        *,
        case
            when rejection_reason is null and dedupe_rank = 1
                then
                    lead(valid_from) over (
                        partition by service_id, rejection_reason is null and dedupe_rank = 1
                        order by valid_from
                    )
        end as next_valid_from
    from checked
),

final as (
    select
        service_id,
        team_id,
        valid_from,
        valid_to,
        -- an interval overlapped by a later one ends where the later one starts
        case
            when next_valid_from is null then valid_to
            when valid_to is null then next_valid_from
            else least(valid_to, next_valid_from)
        end as valid_until,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('service_ownership') }},
        dq_row_key,
        rejection_reason,
        case
            when valid_to > next_valid_from then 'overlapping_interval:valid_to_cut_at_next_valid_from'
        end as flag_reasons
    from sequenced
)

select * from final

with raw_rows as {{ ai_maturity.raw_batch_materialization() }} (
    {{ ai_maturity.raw_batch('readiness_assessments', parents={'team_id': 'teams'}) }}
),

teams as (
    select team_id from {{ ref('stg_ai_maturity_raw__teams') }}
),

readiness_items as (
    select
        item_code,
        plane,
        level
    from {{ ref('ai_maturity', 'readiness_items') }}
),

{{ ai_maturity.deduplicated('readiness_assessments', 'raw_rows') }}

ranked as (
    select
        *,
        {{ ai_maturity.dq_row_key('readiness_assessments') }} as dq_row_key
    from deduplicated
),

normalized as (
    select
        assessment_id,
        team_id,
        assessed_at,
        {{ ai_maturity.fold_enum('plane') }} as plane,
        level,
        item_code,
        {{ ai_maturity.fold_enum('answer') }} as answer,
        respondent_role,
        _loaded_at,
        dedupe_rank,
        dq_row_key
    from ranked
),

checked as (
    select
        normalized.*,
        teams.team_id is not null as is_known_team,
        readiness_items.item_code is not null as is_known_item,
        -- the item's plane and level as the checklist seed defines them
        readiness_items.plane as item_plane,
        readiness_items.level as item_level
    from normalized
    left join teams on normalized.team_id = teams.team_id
    left join readiness_items on normalized.item_code = readiness_items.item_code
),

final as (
    select
        assessment_id,
        team_id,
        assessed_at,
        plane,
        level,
        item_code,
        answer,
        respondent_role,
        _loaded_at,
        dedupe_rank,
        {{ ai_maturity.batch_columns('readiness_assessments') }},
        dq_row_key,
        {{ ai_maturity.first_failed(ai_maturity.required_checks('readiness_assessments', [
            ('not is_known_team', 'unknown_team'),
            ('not is_known_item', 'unknown_item_code'),
            ('plane != item_plane or level != item_level', 'item_plane_level_mismatch'),
        ])) }} as rejection_reason,
        {{ ai_maturity.all_failed(ai_maturity.flag_checks('readiness_assessments', [])) }} as flag_reasons
    from checked
)

select * from final

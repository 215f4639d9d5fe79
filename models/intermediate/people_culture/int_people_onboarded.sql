{#-
  Each person of the roster (as a salted hash, never the key) with their team, role group, tenure
  interval [joined_at, left_at) and their first production-shipped change: the earliest successful
  production deployment of any change they authored (changes.author_key = people.person_key),
  credited to the person's own team in the period of that deployment. days_to_first_ship is
  fractional days from joined_at, null when the change shipped before they joined (a negative
  duration: their first change predates this team). Nothing after var ai_maturity__as_of counts: a
  later joiner is left out, a later departure is not yet known. Grain: person_hash.
-#}
with people as (
    select * from {{ ref('stg_ai_maturity_raw__people') }}
    where {{ ai_maturity.as_of_filter('joined_at') }}
),

changes as (
    select * from {{ ref('stg_ai_maturity_raw__changes') }}
    where author_key is not null
),

shipped_changes as (
    select * from {{ ref('int_changes_lead_time') }}
),

first_shipments as (
    select
        changes.author_key,
        min(shipped_changes.shipped_at) as first_shipped_at
    from changes
    inner join shipped_changes on changes.change_id = shipped_changes.change_id
    group by changes.author_key
),

final as (
    select
        {{ ai_maturity.salted_hash('people.person_key') }} as person_hash,
        people.team_id,
        people.role,
        case
            when people.role in ('research', 'applied_ml', 'ml_platform') then people.role
            else 'other'
        end as role_group,
        people.joined_at,
        case when {{ ai_maturity.as_of_filter('people.left_at') }} then people.left_at end as left_at,
        first_shipments.first_shipped_at,
        {{ ai_maturity.period_start('first_shipments.first_shipped_at') }} as first_shipped_period_start,
        {{ ai_maturity.duration('people.joined_at', 'first_shipments.first_shipped_at', 'days') }}
            as days_to_first_ship
    from people
    left join first_shipments on people.person_key = first_shipments.author_key
)

select * from final

{#-
  Team score of each survey instrument per period, already anonymised: each respondent's mean of
  their scaled item scores (every answer they gave to the instrument in the team × period, pooled),
  then the mean over respondents. A team × period × instrument with fewer distinct respondents than
  var ai_maturity__min_respondents (default 5) is suppressed: score and respondent count null,
  `is_suppressed` true. Only instruments somebody answered have a row. Nothing downstream sees an
  unsuppressed value or a respondent. Grain: team_id × period_start × instrument.
-#}
{%- set min_respondents = ai_maturity.setting('min_respondents') | int %}

with scored_responses as (
    select * from {{ ref('int_survey_responses_scored') }}
),

respondent_means as (
    select
        team_id,
        period_start,
        instrument,
        respondent_hash,
        avg(scaled_score) as respondent_score
    from scored_responses
    group by team_id, period_start, instrument, respondent_hash
),

team_means as (
    select
        team_id,
        period_start,
        instrument,
        count(*) as respondents,
        avg(respondent_score) as mean_score
    from respondent_means
    group by team_id, period_start, instrument
),

final as (
    select
        team_id,
        period_start,
        instrument,
        respondents < {{ min_respondents }} as is_suppressed,
        case when respondents >= {{ min_respondents }} then respondents end as respondents,
        case when respondents >= {{ min_respondents }} then mean_score end as score
    from team_means
)

select * from final

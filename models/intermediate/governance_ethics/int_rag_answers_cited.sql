{#-
  Each LLM request that answered a standard RAG question (every request with an eval_case_id, any
  environment), with its cited chunks, the chunks known to be relevant for the question
  (rag_eval_cases) and their intersection. Precision = cited ∩ relevant ÷ cited (null when nothing
  is cited: an uncited answer); recall = cited ∩ relevant ÷ relevant (0 for an uncited answer).
  A question with no relevant chunk on record (unknown case) cannot be scored: both null, not
  counted as uncited. Grain: request_id. Incremental: recomputes the requests whose row or chunks
  changed and those of a changed question (macros/intermediate/changed_entities.sql).
-#}
with {{ ai_maturity.changed_keys_cte(
    {'llm_requests': 'request_id', 'llm_request_chunks': 'request_id'},
    related=[('llm_requests', 'request_id', 'eval_case_id', 'rag_eval_cases', 'case_id')],
) }}

requests as (
    select * from {{ ref('int_llm_requests_measured') }}
    where eval_case_id is not null
        and {{ ai_maturity.is_changed('request_id') }}
),

cited_chunks as (
    select * from {{ ref('stg_ai_maturity_raw__llm_request_chunks') }}
    where kind = 'cited'
        and {{ ai_maturity.is_changed('request_id') }}
),

relevant_chunks as (
    select cases.* from {{ ref('stg_ai_maturity_raw__rag_eval_cases') }} as cases
    where cases.case_id in (select requests.eval_case_id from requests)
),

case_sizes as (
    select
        case_id,
        count(*) as relevant_chunks_count
    from relevant_chunks
    group by case_id
),

citations as (
    select
        requests.request_id,
        count(*) as cited_chunks_count,
        count(relevant_chunks.chunk_id) as cited_relevant_chunks_count
    from requests
    inner join cited_chunks on requests.request_id = cited_chunks.request_id
    left join relevant_chunks
        on requests.eval_case_id = relevant_chunks.case_id
        and cited_chunks.chunk_id = relevant_chunks.chunk_id
    group by requests.request_id
),

counted as (
    select
        requests.request_id,
        requests.trace_id,
        requests.team_id,
        requests.feature_name,
        requests.response_model,
        requests.model_version,
        requests.prompt_hash,
        requests.retrieval_config_id,
        requests.eval_case_id,
        requests.environment,
        requests.status,
        requests.started_at,
        requests.period_start,
        case_sizes.case_id is not null as is_known_case,
        coalesce(citations.cited_chunks_count, 0) as cited_chunks_count,
        coalesce(case_sizes.relevant_chunks_count, 0) as relevant_chunks_count,
        coalesce(citations.cited_relevant_chunks_count, 0) as cited_relevant_chunks_count
    from requests
    left join case_sizes on requests.eval_case_id = case_sizes.case_id
    left join citations on requests.request_id = citations.request_id
),

scored as (
    select
        *,
        is_known_case and cited_chunks_count = 0 as is_uncited,
        case
            when is_known_case and cited_chunks_count > 0
                then {{ ai_maturity.safe_divide('cited_relevant_chunks_count', 'cited_chunks_count') }}
        end as citation_precision,
        case
            when is_known_case
                then {{ ai_maturity.safe_divide('cited_relevant_chunks_count', 'relevant_chunks_count') }}
        end as citation_recall,
        {{ ai_maturity.batch_at() }} as _batch_at
    from counted
),

final as (
    select * from scored
    {{ ai_maturity.union_tombstones('request_id', 'scored') }}
)

select * from final

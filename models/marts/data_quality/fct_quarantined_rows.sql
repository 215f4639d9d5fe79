{#-
  One row per raw row that was not staged as delivered: rejected, duplicate or flagged.
  Incremental on DuckDB and PostgreSQL (delete+insert on source_table × row_key; a table on Spark):
  a run reads only the base rows re-validated after the mart's newest `_batch_at`. A base table
  replaces a re-validated key group whole, so those are every version of every key whose issues can
  have changed, and a key's occurrences are numbered within one batch. A key that had issues and has
  none now comes out as a tombstone (null `_batch_at`), deleted by the post-hook.
-#}
with
{% for table_name in ai_maturity.raw_table_names() %}
    {{ table_name }}_revalidated as (
        select
            dq_row_key,
            dedupe_rank,
            rejection_reason,
            flag_reasons,
            _loaded_at,
            _batch_at
        from {{ ref('base_ai_maturity_raw__' ~ table_name) }}
        {%- if ai_maturity.recomputes_changed_only() %}
            where _batch_at > {{ ai_maturity.changed_since() }}
        {%- endif %}
    ),

    {{ table_name }}_issues as (
        select
            '{{ table_name }}' as source_table,
            dq_row_key as row_key,
            case
                when dedupe_rank > 1 then 'duplicate'
                when rejection_reason is not null then 'rejected'
                else 'flagged'
            end as issue_type,
            case
                when dedupe_rank > 1 then 'duplicate_of_kept_row'
                when rejection_reason is not null then rejection_reason
                else flag_reasons
            end as reason,
            dedupe_rank,
            _loaded_at,
            _batch_at
        from {{ table_name }}_revalidated
        where dedupe_rank > 1 or rejection_reason is not null or flag_reasons is not null
    ),
{% endfor %}

all_issues as (
    {%- for table_name in ai_maturity.raw_table_names() %}
        select * from {{ table_name }}_issues
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

numbered as (
    select
        *,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by source_table, row_key, issue_type
            order by dedupe_rank, reason, _loaded_at
        ) as {{ dbt.type_bigint() }}) as occurrence
    from all_issues
),

issue_rows as (
    select
        {{ ai_maturity.surrogate_key(['source_table', 'row_key', 'issue_type', 'occurrence']) }} as quarantine_id,
        source_table,
        row_key,
        issue_type,
        reason,
        occurrence,
        _loaded_at as loaded_at,
        _batch_at
    from numbered
),

{%- if ai_maturity.recomputes_changed_only() %}

-- keys of this batch that the mart holds issues for and that have none now
    revalidated_keys as (
        {%- for table_name in ai_maturity.raw_table_names() %}
            select
                '{{ table_name }}' as source_table,
                dq_row_key as row_key
            from {{ table_name }}_revalidated
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ),

    stored_keys as (
        select distinct
            source_table,
            row_key
        from {{ this }}
    ),

    tombstones as (
        select
            cast(null as {{ dbt.type_string() }}) as quarantine_id,
            stored_keys.source_table,
            stored_keys.row_key,
            cast(null as {{ dbt.type_string() }}) as issue_type,
            cast(null as {{ dbt.type_string() }}) as reason,
            cast(null as {{ dbt.type_bigint() }}) as occurrence,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
            cast(null as {{ dbt.type_timestamp() }}) as _batch_at
        from stored_keys
        where exists (
                select 1 from revalidated_keys
                where revalidated_keys.source_table = stored_keys.source_table
                    and revalidated_keys.row_key = stored_keys.row_key
            )
            and not exists (
                select 1 from issue_rows
                where issue_rows.source_table = stored_keys.source_table
                    and issue_rows.row_key = stored_keys.row_key
            )
    ),

    final as (
        select * from issue_rows
        union all
        select * from tombstones
    )
{%- else %}

    final as (
        select * from issue_rows
    )
{%- endif %}

select * from final

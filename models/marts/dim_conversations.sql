{#- One row per chat conversation.

    Incremental: only the conversations int_conversations_summarized queued as
    changed since the last run; the pre-hook has deleted their old rows
    (delete_pending_changes). Without a queue to apply, every conversation. -#}
{%- set changes = goals_analytics.pending_changes(ref('int_conversations_summarized')) %}
with

conversations as (

    {%- if changes is not none %}
    {{ goals_analytics.rows_matching(ref('int_conversations_summarized'), changes, goals_analytics.key_columns()) }}
    {%- else %}
    select * from {{ ref('int_conversations_summarized') }}
    {%- endif %}

),

final as (

    select
        workspace_id,
        conversation_id,
        customer_id,
        flow_id,
        started_at,
        last_activity_at,
        event_count

    from conversations

)

select * from final

{#- One row per chat conversation. -#}
with

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

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

{#- Chat activity (SPEC 3.3): every widget event with a conversation_id, belonging to
    that conversation's customer. One row per customer and instant; when two
    conversations are active at the same instant the greater conversation_id is
    the more recent. -#}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

),

activity as (

    select
        events.workspace_id,
        conversations.customer_id,
        events.occurred_at as activity_at,
        max(events.conversation_id) as conversation_id

    from events
    inner join conversations
        on events.workspace_id = conversations.workspace_id
        and events.conversation_id = conversations.conversation_id
    where events.event_source = 'widget'
        and conversations.customer_id is not null
    group by events.workspace_id, conversations.customer_id, events.occurred_at

)

select * from activity

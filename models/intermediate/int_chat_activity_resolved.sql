{#- Chat activity (docs/reference.md#33-attribution): every widget event with a conversation_id, belonging to
    that conversation's customer. One row per customer and instant; when two
    conversations are active at the same instant the greater conversation_id is
    the more recent (macros/resolve_chat_activity.sql). -#}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

),

activity as (

    {{ goals_analytics.resolve_chat_activity('events', 'conversations') }}

)

select * from activity

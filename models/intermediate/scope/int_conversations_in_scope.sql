{#- The conversations with events loaded in this run, with their customer, start and
    first chat activity as of now, on an incremental run (a full run recomputes every credit
    anyway). A stored outcome's credit can move when its own conversation, the
    conversation of its latest chat activity, or (without a conversation of its own) a
    conversation of its customer with chat activity at or before it is among them; none
    of those outcomes is older than the start of such a conversation. Its post-hook logs
    the run's scope, so it also waits for int_goals_in_scope. -#}
-- depends_on: {{ ref('int_goals_in_scope') }}
with

limits as (

    select * from {{ ref('int_run_limits') }}

),

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

),

touched as (

    select distinct
        events.workspace_id,
        events.conversation_id

    from events
    inner join limits
        on events.loaded_at > limits.events_loaded_after
    where events.conversation_id is not null
        and limits.run_case = 'incremental'

),

final as (

    select
        touched.workspace_id,
        touched.conversation_id,
        conversations.customer_id,
        conversations.started_at,
        conversations.first_chat_activity_at

    from touched
    inner join conversations
        on touched.workspace_id = conversations.workspace_id
        and touched.conversation_id = conversations.conversation_id

)

select * from final

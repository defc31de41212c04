{#- The attribution rule (docs/reference.md#33-attribution) over a relation of outcomes
    (the valued columns; conversation_id is the event's own): every column of
    `outcomes`, plus the credited conversation and its flow, attribution, is_chat_driven,
    hours_since_chat and the conversation of the latest chat activity before the outcome.

    An outcome without a conversation of its own is credited by its customer's latest
    chat activity at or before it. That activity is found through the span of each of
    the customer's conversations (int_conversations_summarized keeps first and last
    chat activity): a conversation whose activity all precedes the outcome offers its
    last activity, one whose activity began after it offers nothing, and only a
    conversation still active at that moment is read event by event, from the chat
    activity since the earliest first chat of such a conversation. -#}
{% macro attribute_outcomes(outcomes, conversations, events) -%}
    {#- Computed on its own in a scheduled run, the chat activity since that bound is read
        from the last days of events only: DuckDB pushes the bound into the scan of the
        events, which it does not do once the bound's join is planned into the join with
        the conversations. Inline in a full run, where the bound is the first chat ever
        and a copy would hold every chat event. -#}
    with

    deferred as (

        select distinct
            workspace_id,
            event_id,
            customer_id,
            occurred_at

        from {{ outcomes }}
        where conversation_id is null
            and customer_id is not null

    ),

    customer_conversations as (

        -- the customer's conversations with chat activity at or before the outcome
        select
            deferred.workspace_id,
            deferred.event_id,
            deferred.occurred_at,
            conversations.conversation_id,
            conversations.first_chat_activity_at,
            conversations.last_chat_activity_at

        from deferred
        inner join {{ conversations }} as conversations
            on deferred.workspace_id = conversations.workspace_id
            and deferred.customer_id = conversations.customer_id
        where conversations.first_chat_activity_at <= deferred.occurred_at

    ),

    active_since as (

        -- the earliest first chat of a conversation still active after its outcome: no
        -- chat activity such a conversation had is older
        select min(first_chat_activity_at) as first_chat_activity_at
        from customer_conversations
        where last_chat_activity_at > occurred_at

    ),

    chat_activity as {{ goals_analytics.materialized_when_incremental() }} (

        select
            events.workspace_id,
            events.conversation_id,
            events.occurred_at

        from {{ events }} as events
        inner join active_since
            on events.occurred_at >= active_since.first_chat_activity_at
        where events.event_source = 'widget'

    ),

    activity_before as (

        -- a conversation whose chat activity all precedes the outcome: its last one
        select
            workspace_id,
            event_id,
            last_chat_activity_at as activity_at,
            conversation_id

        from customer_conversations
        where last_chat_activity_at <= occurred_at

        union all

        -- a conversation still active after it: its chat activity up to the outcome
        select
            customer_conversations.workspace_id,
            customer_conversations.event_id,
            chat_activity.occurred_at as activity_at,
            chat_activity.conversation_id

        from customer_conversations
        inner join chat_activity
            on customer_conversations.workspace_id = chat_activity.workspace_id
            and customer_conversations.conversation_id = chat_activity.conversation_id
        where customer_conversations.last_chat_activity_at > customer_conversations.occurred_at
            and chat_activity.occurred_at <= customer_conversations.occurred_at

    ),

    last_chat_before as (

        -- the latest activity; at one instant, the greater conversation_id
        select
            workspace_id,
            event_id,
            max(activity_at) as last_chat_at,
            max_by(conversation_id, (activity_at, conversation_id)) as last_chat_conversation_id

        from activity_before
        group by workspace_id, event_id

    ),

    classified as (

        select
            outcomes.*,
            last_chat_before.last_chat_at,
            last_chat_before.last_chat_conversation_id,
            case
                when outcomes.conversation_id is not null and outcomes.event_source = 'widget'
                    then 'in_chat'
                when outcomes.conversation_id is not null then 'explicit'
                when outcomes.customer_id is null then 'no_customer'
                when last_chat_before.last_chat_at is null then 'no_conversation'
                when last_chat_before.last_chat_at >= {{ goals_analytics.subtract_hours(
                        'outcomes.occurred_at', 'outcomes.attribution_window_hours') }}
                    then 'window'
                else 'outside_window'
            end as attribution

        from {{ outcomes }} as outcomes
        left join last_chat_before
            on outcomes.workspace_id = last_chat_before.workspace_id
            and outcomes.event_id = last_chat_before.event_id

    ),

    credited as (

        select
            classified.*,
            case classified.attribution
                when 'in_chat' then classified.conversation_id
                when 'explicit' then classified.conversation_id
                when 'window' then classified.last_chat_conversation_id
            end as credited_conversation_id

        from classified

    )

    select
        credited.*,
        conversations.flow_id,
        credited.credited_conversation_id is not null as is_chat_driven,
        case
            when credited.attribution in ('window', 'outside_window')
                then {{ goals_analytics.hours_between('credited.last_chat_at', 'credited.occurred_at') }}
        end as hours_since_chat

    from credited
    left join {{ conversations }} as conversations
        on credited.workspace_id = conversations.workspace_id
        and credited.credited_conversation_id = conversations.conversation_id
{%- endmacro %}

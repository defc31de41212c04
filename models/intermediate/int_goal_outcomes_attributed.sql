{#- The conversation credited with each outcome, and why (SPEC 3.3). -#}
with

outcomes as (

    select * from {{ ref('int_goal_outcomes_valued') }}

),

chat_activity as (

    select * from {{ ref('int_chat_activity_resolved') }}

),

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

),

deferred_events as (

    select distinct
        workspace_id,
        event_id,
        customer_id,
        occurred_at

    from outcomes
    where conversation_id is null
        and customer_id is not null

),

last_chat_before as (

    select
        deferred_events.workspace_id,
        deferred_events.event_id,
        chat_activity.activity_at as last_chat_at,
        chat_activity.conversation_id as last_chat_conversation_id

    from deferred_events
    {{ goals_analytics.asof_left_join(
        'chat_activity',
        'chat_activity',
        [('deferred_events.workspace_id', 'chat_activity.workspace_id'),
         ('deferred_events.customer_id', 'chat_activity.customer_id')],
        'deferred_events.occurred_at',
        'chat_activity.activity_at'
    ) }}

),

classified as (

    select
        outcomes.*,
        last_chat_before.last_chat_at,
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
        end as attribution,
        last_chat_before.last_chat_conversation_id

    from outcomes
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

),

final as (

    select
        credited.workspace_id,
        credited.goal_code,
        credited.goal_kind,
        credited.is_primary,
        credited.event_id,
        credited.event_name,
        credited.event_source,
        credited.occurred_at,
        credited.customer_id,
        credited.credited_conversation_id as conversation_id,
        conversations.flow_id,
        credited.attribution,
        credited.credited_conversation_id is not null as is_chat_driven,
        case
            when credited.attribution in ('window', 'outside_window')
                then {{ goals_analytics.hours_between('credited.last_chat_at', 'credited.occurred_at') }}
        end as hours_since_chat,
        credited.value,
        credited.currency,
        credited.base_value,
        credited.base_currency,
        credited.base_value_source,
        credited.value_issue

    from credited
    left join conversations
        on credited.workspace_id = conversations.workspace_id
        and credited.credited_conversation_id = conversations.conversation_id

)

select * from final

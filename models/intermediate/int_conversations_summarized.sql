{#- One row per chat conversation (docs/reference.md#33-attribution), over every event
    carrying its id: its customer is the customer_id of its latest event naming one (by
    occurred_at, then event_id), its flow the flow_id of its earliest event naming one.
    The span of its chat activity (its widget events) lets the attribution read the
    events of the few conversations active around an outcome only.

    Incremental: a run summarizes only the events loaded since the last one
    (loaded_at is strictly increasing per file) and folds each summary into the
    conversation's stored one; the (occurred_at, event_id) of the events that named
    the customer and the flow are kept so the fold picks the same ones a full
    build would. -#}
{{
    config(
        materialized=goals_analytics.stateful_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['workspace_id', 'conversation_id'],
        on_schema_change='fail',
    )
}}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

new_conversation_events as (

    select * from events
    where conversation_id is not null
        and {{ goals_analytics.loaded_after_watermark() }}

),

summarized as (

    select
        workspace_id,
        conversation_id,
        max_by(customer_id, (occurred_at, event_id)) filter (where customer_id is not null)
            as customer_id,
        max((occurred_at, event_id)) filter (where customer_id is not null) as customer_named_by,
        min_by(flow_id, (occurred_at, event_id)) filter (where flow_id is not null)
            as flow_id,
        min((occurred_at, event_id)) filter (where flow_id is not null) as flow_named_by,
        min(occurred_at) as started_at,
        max(occurred_at) as last_activity_at,
        min(occurred_at) filter (where event_source = 'widget') as first_chat_activity_at,
        max(occurred_at) filter (where event_source = 'widget') as last_chat_activity_at,
        count(*) as event_count,
        max(loaded_at) as loaded_through

    from new_conversation_events
    group by workspace_id, conversation_id

),

folded as (

    {#- the latest customer and the earliest flow, by the (occurred_at, event_id) of the
        events that named them #}
    {{ goals_analytics.fold_into_stored(
        'summarized',
        keys=['workspace_id', 'conversation_id'],
        folds=[
            ('customer_id',
                'max_by(customer_id, customer_named_by) filter (where customer_named_by is not null)'),
            ('customer_named_by', 'max(customer_named_by)'),
            ('flow_id', 'min_by(flow_id, flow_named_by) filter (where flow_named_by is not null)'),
            ('flow_named_by', 'min(flow_named_by)'),
            ('started_at', 'min(started_at)'),
            ('last_activity_at', 'max(last_activity_at)'),
            ('first_chat_activity_at', 'min(first_chat_activity_at)'),
            ('last_chat_activity_at', 'max(last_chat_activity_at)'),
            ('event_count', 'sum(event_count)'),
            ('loaded_through', 'max(loaded_through)'),
        ],
    ) }}

),

final as (

    select
        workspace_id,
        conversation_id,
        customer_id,
        flow_id,
        started_at,
        last_activity_at,
        first_chat_activity_at,
        last_chat_activity_at,
        cast(event_count as bigint) as event_count,
        customer_named_by,
        flow_named_by,
        loaded_through

    from folded

)

select * from final

{#- One row per chat conversation (SPEC 3.3), over every event carrying its id: its
    customer is the customer_id of its latest event naming one (by occurred_at, then
    event_id), its flow the flow_id of its earliest event naming one. -#}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

conversation_events as (

    select * from events
    where conversation_id is not null

),

summarized as (

    select
        workspace_id,
        conversation_id,
        max_by(customer_id, (occurred_at, event_id)) filter (where customer_id is not null)
            as customer_id,
        min_by(flow_id, (occurred_at, event_id)) filter (where flow_id is not null)
            as flow_id,
        min(occurred_at) as started_at,
        max(occurred_at) as last_activity_at,
        count(*) as event_count

    from conversation_events
    group by workspace_id, conversation_id

)

select * from summarized

{#- One row per chat conversation (docs/reference.md#4-marts).

    Incremental: the conversations with events loaded since the previous complete run
    (their loaded_through is later), replaced by their current summary. -#}
{{ config(
    materialized=goals_analytics.stateful_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['workspace_id', 'conversation_id'],
    on_schema_change='fail',
) }}
{%- set scope = goals_analytics.run_scope() %}
with

conversations as (

    select * from {{ ref('int_conversations_summarized') }}

),

changed as (

    select *
    from conversations
    {%- if is_incremental() and not scope.full %}
    where loaded_through > {{ scope.events_loaded_after }}
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

    from changed

)

select * from final

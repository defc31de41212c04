{#- One row per goal outcome (SPEC 4). -#}
with

outcomes as (

    select * from {{ ref('int_goal_outcomes_attributed') }}

),

final as (

    select
        {{ goals_analytics.outcome_id('workspace_id', 'goal_code', 'event_id') }} as outcome_id,
        workspace_id,
        goal_code,
        goal_kind,
        is_primary,
        event_id,
        event_name,
        event_source,
        occurred_at,
        customer_id,
        conversation_id,
        flow_id,
        attribution,
        is_chat_driven,
        hours_since_chat,
        value,
        currency,
        base_value,
        base_currency,
        base_value_source,
        value_issue

    from outcomes

)

select * from final

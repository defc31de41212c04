{#- One row per goal outcome (docs/reference.md#4-marts).

    Incremental: only the outcomes whose keys int_goal_outcomes_attributed queued as
    replaced or removed since the last run; the pre-hook has deleted their old rows
    (delete_pending_changes). Without a queue to apply, every outcome. -#}
{%- set changes = goals_analytics.pending_changes(ref('int_goal_outcomes_attributed')) %}
with

outcomes as (

    {%- if changes is not none %}
    {{ goals_analytics.rows_matching(ref('int_goal_outcomes_attributed'), changes, goals_analytics.key_columns()) }}
    {%- else %}
    select * from {{ ref('int_goal_outcomes_attributed') }}
    {%- endif %}

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

{#- docs/reference.md#33-attribution chat activity over the given events and conversations: every widget
    event with a conversation_id belongs to that conversation's customer; one row per
    customer and instant, where of two conversations active at the same instant the
    greater conversation_id is the more recent. int_chat_activity_resolved applies it
    to everything; an incremental attribution reads the same activity through the
    conversations' chat spans (int_goal_outcomes_attributed). -#}
{% macro resolve_chat_activity(events, conversations) -%}
    select
        {{ events }}.workspace_id,
        {{ conversations }}.customer_id,
        {{ events }}.occurred_at as activity_at,
        max({{ events }}.conversation_id) as conversation_id

    from {{ events }}
    inner join {{ conversations }}
        on {{ events }}.workspace_id = {{ conversations }}.workspace_id
        and {{ events }}.conversation_id = {{ conversations }}.conversation_id
    where {{ events }}.event_source = 'widget'
        and {{ conversations }}.customer_id is not null
    group by {{ events }}.workspace_id, {{ conversations }}.customer_id, {{ events }}.occurred_at
{%- endmacro %}

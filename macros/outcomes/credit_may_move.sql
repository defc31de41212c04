{#- SQL condition: chat activity of this run may move the credit of the stored outcome
    `stored` (docs/reference.md#33-attribution). `conversations_in_scope` holds the
    conversations with new events and their current customer. The credit can move
    when there is activity in the outcome's own conversation, in the conversation of
    its latest chat activity (a late event can change that conversation's customer:
    the old customer's outcomes are those whose latest activity was in it), or -
    for an outcome without a conversation of its own, credited by customer - in any
    conversation of its customer. -#}
{% macro credit_may_move(stored, conversations_in_scope) -%}
    (
        {{ goals_analytics.keys_occur_in(
            conversations_in_scope, stored, ['workspace_id', 'conversation_id']) }}
        or {{ goals_analytics.keys_occur_in(
            conversations_in_scope, stored, ['workspace_id', 'conversation_id'],
            row_columns=['workspace_id', 'last_chat_conversation_id']) }}
        or (
            {{ stored }}.conversation_id is null
            and {{ goals_analytics.keys_occur_in(
                conversations_in_scope, stored, ['workspace_id', 'customer_id']) }}
        )
    )
{%- endmacro %}

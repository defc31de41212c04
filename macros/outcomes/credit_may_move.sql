{#- SQL condition: chat activity of this run may move the credit of the stored outcome
    `stored` (docs/reference.md#33-attribution). `conversations_in_scope` holds the
    conversations with new events, their current customer and first chat activity. The
    credit can move when there is activity in the outcome's own conversation, in the
    conversation of its latest chat activity (a late event can change that
    conversation's customer: the old customer's outcomes are those whose latest
    activity was in it), or - for an outcome without a conversation of its own,
    credited by customer - in a conversation of its customer whose chat activity
    starts at or before the outcome: the attribution considers no other (the same
    inclusive bound as attribute_outcomes' customer_conversations), and a
    conversation's activity only grows, so a conversation that starts later counted
    for the outcome neither before this run nor after it (the customer returning in a
    new conversation moves no earlier credit). -#}
{% macro credit_may_move(stored, conversations_in_scope) -%}
    (
        {{ goals_analytics.keys_occur_in(
            conversations_in_scope, stored, ['workspace_id', 'conversation_id']) }}
        or {{ goals_analytics.keys_occur_in(
            conversations_in_scope, stored, ['workspace_id', 'conversation_id'],
            row_columns=['workspace_id', 'last_chat_conversation_id']) }}
        or (
            {{ stored }}.conversation_id is null
            -- the earliest chat of its customer's conversations in scope, as a scalar
            -- subquery: DuckDB joins that by hash, an EXISTS with the inequality inside
            -- it does not (docs/benchmarks-history.md, workload matrix)
            and {{ stored }}.occurred_at >= (
                select min(customer_conversation.first_chat_activity_at)
                from {{ conversations_in_scope }} as customer_conversation
                where customer_conversation.workspace_id = {{ stored }}.workspace_id
                    and customer_conversation.customer_id = {{ stored }}.customer_id
            )
        )
    )
{%- endmacro %}

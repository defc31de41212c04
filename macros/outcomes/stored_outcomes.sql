{#- Inside int_goal_outcomes_attributed: the outcomes it holds and has not flagged
    is_removed, in the `columns` of a valued match (the event's own conversation as
    conversation_id), with the conversation of their latest chat activity, which
    tells a run whether new chat activity may move their credit. Before the first
    build nothing is stored: no rows, typed like `valued`. -#}
{% macro stored_outcomes(columns, valued) -%}
    {%- if is_incremental() %}
    select
        {%- for column in columns %}
        {{ 'event_conversation_id as conversation_id' if column == 'conversation_id' else column }},
        {%- endfor %}
        last_chat_conversation_id

    from {{ this }}
    where not is_removed
    {%- else %}
    select
        {{ columns | join(', ') }},
        cast(null as string) as last_chat_conversation_id

    from {{ valued }}
    where false
    {%- endif %}
{%- endmacro %}

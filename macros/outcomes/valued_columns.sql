{#- The columns of a valued match (int_goal_events_valued) that an outcome carries
    through dedupe and attribution, in their order; loaded_at, the load watermark, is
    left to the callers that keep it. -#}
{% macro valued_columns() -%}
    {{ return([
        'workspace_id', 'goal_code', 'goal_kind', 'is_primary', 'event_id', 'event_name',
        'event_source', 'occurred_at', 'customer_id', 'conversation_id',
        'attribution_window_hours', 'value', 'currency', 'base_value', 'base_currency',
        'base_value_source', 'value_issue', 'dedupe_signature',
    ]) }}
{%- endmacro %}

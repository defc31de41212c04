{#- SQL condition: the row of `relation` has a unique key (the current model's
    `unique_key` config) queued in `changes`. -#}
{% macro is_pending_change(changes, relation) -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {{ goals_analytics.keys_occur_in(changes, relation, keys) }}
{%- endmacro %}

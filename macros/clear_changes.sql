{#- Post-hook of a model consuming `producer`'s change queue: the model is now in step
    with the producer, so the queue starts again empty (created if missing), inside
    the model's transaction - a failed run leaves the queue for the next one. -#}
{% macro clear_changes(producer) -%}
    create or replace table {{ goals_analytics.changes_relation(producer) }} as
    select {{ goals_analytics.key_columns() | join(', ') }}
    from {{ producer }}
    where false
{%- endmacro %}

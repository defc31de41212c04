{#- For the model consuming `producer`'s change queue: the queue when this run can
    apply it, none when it must recompute every row (a first or full build, or a
    queue that is missing because the producer was fully rebuilt). In a dbt unit
    test it is none: the consumer is then tested as a full recomputation. -#}
{% macro pending_changes(producer) -%}
    {%- if not execute or not is_incremental() or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changes = goals_analytics.changes_relation(producer) -%}
    {{ return(changes if goals_analytics.relation_exists(changes) else none) }}
{%- endmacro %}

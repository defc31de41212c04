{#- The change queue of an incremental model (`<model>_changes`, beside it): the unique
    keys of the rows its incremental runs replaced or removed that the one model
    downstream consuming it has not applied yet. The consumer creates it, empty, once
    it is in step (clear_changes); the replace_or_remove strategy appends to it when
    it exists; a full build of the producer drops it (reset_changes), which tells the
    consumer to recompute everything. -#}
{% macro changes_relation(producer) -%}
    {{ return(goals_analytics.side_table(producer, 'changes')) }}
{%- endmacro %}

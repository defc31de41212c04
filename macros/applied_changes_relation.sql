{#- The keys a change-queue consumer applied in its latest run (`<producer>_applied`,
    beside the queue): the rows that run wrote, which is all its key tests need to
    check in a scheduled build. The consumer's pre-hook copies the queue into it
    (record_applied_changes); missing when that run recomputed every row. -#}
{% macro applied_changes_relation(producer) -%}
    {{ return(goals_analytics.side_table(producer, 'applied')) }}
{%- endmacro %}

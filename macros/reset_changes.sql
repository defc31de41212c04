{#- Pre-hook of a model that feeds a change queue: a full build may change any row, so
    it drops the queue (inside the model's transaction) and the consumer's next run
    recomputes everything. An incremental run leaves the queue to its strategy. -#}
{% macro reset_changes() -%}
    {%- if not is_incremental() -%}
        drop table if exists {{ goals_analytics.changes_relation(this) }}
    {%- endif -%}
{%- endmacro %}

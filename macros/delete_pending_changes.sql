{#- Pre-hook of a model consuming `producer`'s change queue (incremental, strategy
    `append`): deletes the rows whose key is queued - all rows when the queue cannot
    be applied - inside the model's transaction; the model then inserts the current
    version of those rows. It first records which keys this run writes
    (record_applied_changes). -#}
{% macro delete_pending_changes(producer) -%}
    {%- if execute -%}
        {%- set changes = goals_analytics.pending_changes(producer) -%}
        {%- do goals_analytics.record_applied_changes(producer, changes) -%}
        {%- if is_incremental() -%}
            delete from {{ this }}
            {%- if changes is not none %}
            where {{ goals_analytics.keys_occur_in(changes, this, goals_analytics.key_columns()) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Called by delete_pending_changes (the consumer's pre-hook), inside the model's
    transaction: keeps a copy of the queue this run applies (`changes`), or drops the
    copy when this run recomputes every row (`changes` none), so applied_changes_relation
    always describes the rows the consumer's latest run wrote. -#}
{% macro record_applied_changes(producer, changes) -%}
    {%- set applied = goals_analytics.applied_changes_relation(producer) -%}
    {%- if changes is none -%}
        {%- do run_query("drop table if exists " ~ applied) -%}
    {%- else -%}
        {%- do run_query("create or replace table " ~ applied ~ " as select * from " ~ changes) -%}
    {%- endif -%}
{%- endmacro %}

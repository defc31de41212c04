{#- Incremental strategy `replace_or_remove`: the batch holds the recomputed rows of
    everything a run affects, plus (when it has an is_removed column) a row flagged
    is_removed for each target row that no longer exists (an outcome whose goal
    changed or lost a dedupe tie). Target rows sharing a unique key with the batch
    are deleted, then the batch rows that are not flagged are inserted, and the
    batch's keys are appended to the model's change queue when a consumer keeps one
    (changes_relation) - in the model's transaction, so all or nothing. -#}
{% macro get_incremental_replace_or_remove_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_or_remove_sql', 'goals_analytics')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_replace_or_remove_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set keys = goals_analytics.key_columns(arg_dict['unique_key']) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    {%- set batch_columns = adapter.get_columns_in_relation(batch) | map(attribute='name') | list -%}
    {%- set changes = goals_analytics.changes_relation(target) -%}
    delete from {{ target }}
    where {{ goals_analytics.keys_occur_in(batch, target, keys) }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ batch }}
    {%- if 'is_removed' in batch_columns %}
    where not is_removed
    {%- endif %}
    {%- if goals_analytics.relation_exists(changes) %};

    insert into {{ changes }} ({{ keys | join(', ') }})
    select {{ keys | join(', ') }}
    from {{ batch }}
    {%- endif %}
{%- endmacro %}

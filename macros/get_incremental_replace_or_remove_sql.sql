{#- Incremental strategy `replace_or_remove`: the batch holds the recomputed rows of
    everything a run affects, plus a row flagged is_removed for each target row that
    no longer exists (an outcome whose goal changed or lost a dedupe tie). Target
    rows sharing a unique key with the batch are deleted, then the batch rows that
    are not flagged are inserted - in the model's transaction, so all or nothing. -#}
{% macro get_incremental_replace_or_remove_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_or_remove_sql', 'goals_analytics')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_replace_or_remove_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }}
    where exists (
        select 1
        from {{ batch }} as batch
        where {% for key in keys -%}
            batch.{{ key }} = {{ target }}.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ batch }}
    where not is_removed
{%- endmacro %}

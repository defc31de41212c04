{#- SQL condition: the row of `relation` has a unique key (the current model's
    `unique_key` config) queued in `changes`. -#}
{% macro is_pending_change(changes, relation) -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    exists (
        select 1
        from {{ changes }} as changes
        where {% for key in keys -%}
            changes.{{ key }} = {{ relation }}.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

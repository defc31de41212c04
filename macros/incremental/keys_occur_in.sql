{#- SQL condition: the `keys` columns of the row `row_alias` occur together in
    `keys_relation` (a relation or a CTE holding those columns). -#}
{% macro keys_occur_in(keys_relation, row_alias, keys) -%}
    exists (
        select 1
        from {{ keys_relation }} as matching_keys
        where {% for key in keys -%}
            matching_keys.{{ key }} = {{ row_alias }}.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

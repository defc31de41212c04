{#- SQL condition: the `keys` columns of the row `row_alias` occur together in
    `keys_relation` (a relation or a CTE holding those columns). `row_columns` names
    the row's columns to compare when they are named differently (same order). -#}
{% macro keys_occur_in(keys_relation, row_alias, keys, row_columns=none) -%}
    {%- set row_columns = row_columns if row_columns is not none else keys -%}
    exists (
        select 1
        from {{ keys_relation }} as matching_keys
        where {% for key in keys -%}
            matching_keys.{{ key }} = {{ row_alias }}.{{ row_columns[loop.index0] }}{{ " and " if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

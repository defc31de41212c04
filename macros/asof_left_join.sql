{#- A left join that pairs each left row with the right row having the greatest
    `right_time` at or before `left_time` among rows equal on `equal_columns`
    (pairs of left/right expressions). The right side must be unique per
    (equal columns, right_time). -#}
{% macro asof_left_join(right_relation, right_alias, equal_columns, left_time, right_time) -%}
    {{ return(adapter.dispatch('asof_left_join', 'goals_analytics')(right_relation, right_alias, equal_columns, left_time, right_time)) }}
{%- endmacro %}

{% macro duckdb__asof_left_join(right_relation, right_alias, equal_columns, left_time, right_time) -%}
    asof left join {{ right_relation }} as {{ right_alias }}
        on {% for left_col, right_col in equal_columns -%}
            {{ left_col }} = {{ right_col }} and {% endfor -%}
        {{ left_time }} >= {{ right_time }}
{%- endmacro %}

{% macro default__asof_left_join(right_relation, right_alias, equal_columns, left_time, right_time) -%}
    {{ exceptions.raise_compiler_error("asof_left_join has no implementation for adapter '" ~ adapter.type() ~ "': add a " ~ adapter.type() ~ "__asof_left_join (a union of both sides and last_value(... ignore nulls) over time does it)") }}
{%- endmacro %}

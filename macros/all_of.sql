{#- True when `predicate` holds for every element of a list (true for an empty list),
    with `element` naming the element inside the predicate. Evaluated within the row,
    so no join is needed. -#}
{% macro all_of(list_expression, element, predicate) -%}
    {{ return(adapter.dispatch('all_of', 'goals_analytics')(list_expression, element, predicate)) }}
{%- endmacro %}

{% macro duckdb__all_of(list_expression, element, predicate) -%}
    coalesce(list_bool_and(list_transform({{ list_expression }}, lambda {{ element }}: {{ predicate }})), true)
{%- endmacro %}

{% macro default__all_of(list_expression, element, predicate) -%}
    forall({{ list_expression }}, {{ element }} -> {{ predicate }})
{%- endmacro %}

{#- Whether every element of `sublist` is an element of `list` (true for an empty or
    null sublist). -#}
{% macro list_contains_all(list_expression, sublist_expression) -%}
    {{ return(adapter.dispatch('list_contains_all', 'goals_analytics')(list_expression, sublist_expression)) }}
{%- endmacro %}

{% macro duckdb__list_contains_all(list_expression, sublist_expression) -%}
    coalesce(list_has_all({{ list_expression }}, {{ sublist_expression }}), {{ sublist_expression }} is null)
{%- endmacro %}

{% macro default__list_contains_all(list_expression, sublist_expression) -%}
    coalesce(
        forall({{ sublist_expression }}, element -> array_contains({{ list_expression }}, element)),
        {{ sublist_expression }} is null
    )
{%- endmacro %}

{#- Whether `list_expression` holds `element`. -#}
{% macro list_has(list_expression, element) -%}
    {{ return(adapter.dispatch('list_has', 'goals_analytics')(list_expression, element)) }}
{%- endmacro %}

{% macro duckdb__list_has(list_expression, element) -%}
    list_contains({{ list_expression }}, {{ element }})
{%- endmacro %}

{% macro default__list_has(list_expression, element) -%}
    array_contains({{ list_expression }}, {{ element }})
{%- endmacro %}

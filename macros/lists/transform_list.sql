{#- A list with `expression` applied to each element, `element` naming it inside the
    expression. -#}
{% macro transform_list(list_expression, element, expression) -%}
    {{ return(adapter.dispatch('transform_list', 'goals_analytics')(list_expression, element, expression)) }}
{%- endmacro %}

{% macro duckdb__transform_list(list_expression, element, expression) -%}
    list_transform({{ list_expression }}, lambda {{ element }}: {{ expression }})
{%- endmacro %}

{% macro default__transform_list(list_expression, element, expression) -%}
    transform({{ list_expression }}, {{ element }} -> {{ expression }})
{%- endmacro %}

{#- One row per element of a list (a set-returning expression for the select list). -#}
{% macro unnest_list(list_expression) -%}
    {{ return(adapter.dispatch('unnest_list', 'goals_analytics')(list_expression)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list_expression) -%}
    unnest({{ list_expression }})
{%- endmacro %}

{% macro default__unnest_list(list_expression) -%}
    explode({{ list_expression }})
{%- endmacro %}

{#- The values of `expression` over a group as a list (each once when `distinct`;
    in no particular order). -#}
{% macro list_agg(expression, distinct=false) -%}
    {{ return(adapter.dispatch('list_agg', 'goals_analytics')(expression, distinct)) }}
{%- endmacro %}

{% macro duckdb__list_agg(expression, distinct) -%}
    list({{ 'distinct ' if distinct }}{{ expression }})
{%- endmacro %}

{% macro spark__list_agg(expression, distinct) -%}
    {{ 'collect_set' if distinct else 'collect_list' }}({{ expression }})
{%- endmacro %}

{#- The distinct values of `expression` over a group, as a sorted list. -#}
{% macro sorted_distinct_list_agg(expression) -%}
    {{ return(adapter.dispatch('sorted_distinct_list_agg', 'goals_analytics')(expression)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list_agg(expression) -%}
    list_sort(list_distinct(list({{ expression }})))
{%- endmacro %}

{% macro spark__sorted_distinct_list_agg(expression) -%}
    array_sort(collect_set({{ expression }}))
{%- endmacro %}

{#- The texts of a group joined by `separator` (a SQL expression), in the order of
    `expression` (or of `order_by`), each once when `distinct`. -#}
{% macro string_agg_ordered(expression, separator, order_by=none, distinct=false) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'goals_analytics')(expression, separator, order_by, distinct)) }}
{%- endmacro %}

{% macro duckdb__string_agg_ordered(expression, separator, order_by, distinct) -%}
    string_agg(
        {{ 'distinct ' if distinct }}{{ expression }}, {{ separator }}
        order by {{ order_by if order_by is not none else expression }}
    )
{%- endmacro %}

{#- Spark: distinct texts as a sorted set (listagg distinct beside another distinct
    aggregate fails in Spark 4's planner), so `order_by` must then be the expression. -#}
{% macro spark__string_agg_ordered(expression, separator, order_by, distinct) -%}
    {%- if distinct -%}
        {%- if order_by is not none and order_by != expression -%}
            {{ exceptions.raise_compiler_error("string_agg_ordered: distinct texts are in their own order on Spark") }}
        {%- endif -%}
        array_join(array_sort(collect_set({{ expression }})), {{ separator }})
    {%- else -%}
        listagg({{ expression }}, {{ separator }})
            within group (order by {{ order_by if order_by is not none else expression }})
    {%- endif -%}
{%- endmacro %}

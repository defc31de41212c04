{#- The position of a row of a seed in its CSV file (1, 2, ...). -#}
{% macro row_number_in_file_order() -%}
    {{ return(adapter.dispatch('row_number_in_file_order', 'goals_analytics')()) }}
{%- endmacro %}

{% macro duckdb__row_number_in_file_order() -%}
    row_number() over ()
{%- endmacro %}

{#- Spark's row_number needs an order: a seed's small table is one file read in order,
    and monotonically_increasing_id follows it. -#}
{% macro spark__row_number_in_file_order() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}

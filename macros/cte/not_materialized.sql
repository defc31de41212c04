{#- Written after `<name> as` in a CTE read more than once that must stay a view of
    its source: DuckDB materializes such CTEs by default, which copies the whole
    relation (10M events) before any filter can reach its scan. Spark inlines CTEs
    anyway. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'goals_analytics')()) }}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

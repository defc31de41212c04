{#- Written after `<name> as` in a small CTE read more than once that must be computed
    once: DuckDB may inline such a CTE into each reader, recomputing it (the new
    matches of an incremental run, with their conditions and values, were computed
    twice). Spark has no such keyword. -#}
{% macro materialized() -%}
    {{ return(adapter.dispatch('materialized', 'goals_analytics')()) }}
{%- endmacro %}

{% macro duckdb__materialized() -%}
    materialized
{%- endmacro %}

{% macro default__materialized() -%}
{%- endmacro %}

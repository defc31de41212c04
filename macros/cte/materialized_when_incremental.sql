{#- Written after `<name> as` in a CTE that a scheduled run computes once and a full run
    keeps inline: on an incremental run it is small (what the run's scope names) and read
    more than once, on a full run it is everything and a copy would hold all of it.
    `materialized` or `not materialized` on DuckDB, empty elsewhere. -#}
{% macro materialized_when_incremental() -%}
    {{ return(goals_analytics.materialized() if is_incremental() else goals_analytics.not_materialized()) }}
{%- endmacro %}

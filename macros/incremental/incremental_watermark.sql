{#- The greatest value of `column` in this model's existing table, as a SQL literal
    for an incremental run to filter on (a literal lets DuckDB skip whole row
    groups by their min/max), or none when there is nothing to compare with. Runs
    only at execution time; at parse time it returns none. In a dbt unit test, where
    `this` is a fixture CTE, it is the same maximum as a scalar subquery. -#}
{% macro incremental_watermark(column, relation=none) -%}
    {%- set relation = relation if relation is not none else this -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return("(select max(" ~ column ~ ") from " ~ relation ~ ")") }}
    {%- endif -%}
    {%- set result = run_query("select cast(max(" ~ column ~ ") as string) from " ~ relation) -%}
    {%- set value = result.columns[0].values()[0] if result.rows | length > 0 else none -%}
    {{ return(none if value is none else "cast('" ~ value ~ "' as timestamp)") }}
{%- endmacro %}

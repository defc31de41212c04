{#- Whether a table or view exists, asked of the database at execution time. dbt's
    relation cache does not see the tables hooks create or drop during a run (the
    change queues), so it cannot answer this. -#}
{% macro relation_exists(relation) -%}
    {{ return(adapter.dispatch('relation_exists', 'goals_analytics')(relation)) }}
{%- endmacro %}

{% macro default__relation_exists(relation) -%}
    {%- set result = run_query(
        "select count(*) from information_schema.tables"
        ~ " where table_catalog = '" ~ relation.database ~ "'"
        ~ " and table_schema = '" ~ relation.schema ~ "'"
        ~ " and table_name = '" ~ relation.identifier ~ "'"
    ) -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro spark__relation_exists(relation) -%}
    {%- set result = run_query(
        "show tables in " ~ relation.schema ~ " like '" ~ relation.identifier ~ "'"
    ) -%}
    {{ return(result.rows | length > 0) }}
{%- endmacro %}

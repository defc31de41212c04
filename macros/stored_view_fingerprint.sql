{#- The fingerprint the view materialization stored in a DuckDB view's comment when
    it created the view; none for a view without one. -#}
{% macro stored_view_fingerprint(relation) -%}
    {%- set result = run_query(
        "select comment from duckdb_views()"
        ~ " where database_name = '" ~ relation.database ~ "'"
        ~ " and schema_name = '" ~ relation.schema ~ "'"
        ~ " and view_name = '" ~ relation.identifier ~ "'"
    ) -%}
    {{ return(result.columns[0].values()[0] if result.rows | length > 0 else none) }}
{%- endmacro %}

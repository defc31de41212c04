{#- What a DuckDB view depends on, as one text (the view materialization keeps a view
    whose fingerprint did not change): a hash of its compiled SQL and of the columns,
    with their types, of every relation it selects from (DuckDB's catalog, read
    without binding anything). -#}
{% macro view_fingerprint(compiled_sql) -%}
    {%- set parents = [] -%}
    {%- for unique_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
        {%- if node is not none -%}
            {%- do parents.append(
                "(schema_name = '" ~ node.schema ~ "' and table_name = '"
                ~ (node.alias or node.identifier or node.name) ~ "')"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- if parents -%}
        {%- set result = run_query(
            "select schema_name || '.' || table_name || '(' || string_agg("
            ~ "column_name || ' ' || data_type, ', ' order by column_index) || ')'"
            ~ " from duckdb_columns()"
            ~ " where database_name = '" ~ this.database ~ "' and (" ~ parents | join(' or ') ~ ")"
            ~ " group by schema_name, table_name order by 1"
        ) -%}
        {%- set columns = result.columns[0].values() | list -%}
    {%- endif -%}
    {{ return('dbt view fingerprint ' ~ local_md5(compiled_sql ~ '\n' ~ columns | join('\n'))) }}
{%- endmacro %}

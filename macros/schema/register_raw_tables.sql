{#- on-run-start hook: the loader's raw tables as tables of schema `raw`. On DuckDB they
    are tables of the warehouse (ingest/schema.py creates them): nothing to do. On Spark
    the loader writes Parquet under <lake>/raw/<table>/, one folder per loaded file
    (docs/spark.md); each table is (re)registered over its folder on every run, with its
    columns declared, so that a missing or empty folder reads as an empty table and every
    folder committed since the last run is read. Folders whose names start with `_` or
    `.` (writes in progress) are ignored by Spark's file listing. -#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'goals_analytics')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
    select 1 as nothing_to_register
{%- endmacro %}

{#- The columns of each raw table, as in ingest/schema.py (`properties` is JSON text). -#}
{% macro raw_table_columns() -%}
    {{ return({
        'loaded_files': [
            ('file_sha256', 'string'), ('file_path', 'string'), ('file_format', 'string'),
            ('size_bytes', 'bigint'), ('lines_read', 'bigint'), ('lines_accepted', 'bigint'),
            ('lines_rejected', 'bigint'), ('lines_duplicate', 'bigint'),
            ('loaded_at', 'timestamp'),
        ],
        'events': [
            ('workspace_id', 'string'), ('event_id', 'string'), ('name', 'string'),
            ('occurred_at', 'timestamp'), ('source', 'string'), ('conversation_id', 'string'),
            ('customer_id', 'string'), ('flow_id', 'string'), ('properties', 'string'),
            ('file_sha256', 'string'), ('line_number', 'bigint'), ('loaded_at', 'timestamp'),
        ],
        'event_rejects': [
            ('file_sha256', 'string'), ('file_path', 'string'), ('line_number', 'bigint'),
            ('raw_text', 'string'), ('reason', 'string'), ('loaded_at', 'timestamp'),
            ('reason_code', 'string'),
        ],
        'event_duplicates': [
            ('workspace_id', 'string'), ('event_id', 'string'), ('file_sha256', 'string'),
            ('file_path', 'string'), ('line_number', 'bigint'), ('raw_text', 'string'),
            ('loaded_at', 'timestamp'),
        ],
        'file_rejects': [
            ('file_sha256', 'string'), ('file_path', 'string'), ('size_bytes', 'bigint'),
            ('reason_code', 'string'), ('reason', 'string'), ('rejected_at', 'timestamp'),
        ],
    }) }}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {#- A relative lake path is relative to the project root, where dbt runs. -#}
    {%- set lake = env_var('GOALS_LAKE_PATH', 'warehouse/lake') | trim | replace("'", "\\'") -%}
    {%- set tables = goals_analytics.raw_table_columns() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for table, columns in tables.items() -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- set column_list = [] -%}
            {%- for name, type in columns -%}
                {%- do column_list.append(name ~ ' ' ~ type) -%}
            {%- endfor -%}
            {%- do run_query(
                'create table raw.' ~ table ~ ' (' ~ column_list | join(', ') ~ ')'
                ~ " using parquet options (path '" ~ lake ~ "/raw/" ~ table ~ "',"
                ~ " recursiveFileLookup 'true')"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_tables_registered
{%- endmacro %}

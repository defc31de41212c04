{#- The materialization of the models that keep state from run to run (the stored
    outcomes, conversations and event summaries, and the marts built from them):
    `incremental` (delete+insert) on DuckDB; on Spark, whose Parquet tables can neither
    delete nor merge rows, a `table` rebuilt from all events by every run, which
    full_run_required makes a full run (docs/spark.md). Each of those models calls it
    in its own config() block. -#}
{% macro stateful_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}

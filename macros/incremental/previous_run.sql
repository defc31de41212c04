{#- The latest complete run's rows of int_incremental_manifest (no rows before the
    first one). The manifest is written at the end of a run (it depends on every model
    a run updates), so the models that read it at the start cannot `ref` it without a
    cycle: this looks it up by name instead. -#}
{% macro previous_run() -%}
    {%- set manifest = goals_analytics.model_relation('int_incremental_manifest') -%}
    {%- if manifest is none %}
    select
        cast(null as integer) as run_id,
        cast(null as timestamp) as events_loaded_through,
        cast(null as string) as workspace_id,
        cast(null as string) as goal_code,
        cast(null as string) as goal_fingerprint

    from {{ ref('int_goals_fingerprinted') }}
    where false
    {%- else %}
    select
        run_id,
        events_loaded_through,
        workspace_id,
        goal_code,
        goal_fingerprint

    from {{ manifest }}
    where run_id = (select max(run_id) from {{ manifest }})
    {%- endif %}
{%- endmacro %}

{#- Whether this run must recompute everything whatever the previous run did: a full
    refresh, or stored outcomes that are missing (never built, or dropped by hand). -#}
{% macro full_run_required() -%}
    {{ return(adapter.dispatch('full_run_required', 'goals_analytics')()) }}
{%- endmacro %}

{% macro default__full_run_required() -%}
    {{ return(flags.FULL_REFRESH or goals_analytics.model_relation('int_goal_outcomes_attributed') is none) }}
{%- endmacro %}

{#- Spark (Parquet tables: no delete, no merge): every run is a full one, and the models
    that keep state on DuckDB are tables rebuilt from all events
    (stateful_materialization). -#}
{% macro spark__full_run_required() -%}
    {{ return(true) }}
{%- endmacro %}

{#- The existing relation of a model of this project, by name, or none (also at
    parse time, when nothing is looked up). -#}
{% macro model_relation(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias
        )) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

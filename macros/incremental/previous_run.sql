{#- The previous complete run's rows of int_incremental_manifest, or no rows when this
    run recomputes everything: a full refresh, a first build, or stored outcomes that
    are missing (dropped by hand, or never built).

    The manifest is written at the end of a run (it depends on every model a run
    updates), so the models that read it at the start cannot `ref` it without a cycle:
    this looks it up by name instead. -#}
{% macro previous_run() -%}
    {%- set manifest = goals_analytics.model_relation('int_incremental_manifest') -%}
    {%- set outcomes = goals_analytics.model_relation('int_goal_outcomes_attributed') -%}
    {%- if flags.FULL_REFRESH or manifest is none or outcomes is none %}
    select
        cast(null as integer) as run_id,
        cast(null as timestamp) as events_loaded_through,
        cast(null as varchar) as workspace_id,
        cast(null as varchar) as goal_code,
        cast(null as varchar) as goal_fingerprint

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

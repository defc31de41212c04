{#- The loaded_at of the latest event int_goal_outcomes_attributed has processed (its
    state's watermark), as a timestamp literal; none at parse time, without a state,
    or on a full refresh. Every event up to it has passed the checks on
    stg_telemetry__events in an earlier build: dbt build runs a model's tests before
    anything downstream of it, and the state moves only when the outcomes are built.
    The model is found in dbt's graph, not ref'd, so a test calling this does not
    come to depend on it. -#}
{% macro events_processed_through() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', 'int_goal_outcomes_attributed')
        | list -%}
    {%- if nodes | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = goals_analytics.incremental_state_relation(api.Relation.create(
        database=nodes[0].database, schema=nodes[0].schema, identifier=nodes[0].alias
    )) -%}
    {%- if not goals_analytics.relation_exists(state) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(goals_analytics.incremental_watermark('processed_through', state)) }}
{%- endmacro %}

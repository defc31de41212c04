{#- A stable, collision-free id for the outcome of one goal from one event. The
    workspace id is length-prefixed and goal codes hold no ':', so distinct
    (workspace, goal, event) triples never share the hashed text. -#}
{% macro outcome_id(workspace_id, goal_code, event_id) -%}
    md5(
        cast(length({{ workspace_id }}) as string) || ':' || {{ workspace_id }}
        || ':' || {{ goal_code }} || ':' || {{ event_id }}
    )
{%- endmacro %}

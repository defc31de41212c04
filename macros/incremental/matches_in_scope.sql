{#- The matches a run of the stored outcomes recomputes, with the `columns` named: the
    matches of the events loaded in this run (on a full run, of every event) and every
    earlier match of a goal in `goals_in_scope` (its configuration, status history or
    workspace changed). `valued` is read once per part, each filtered at its scan:
    run_scope()'s lower limit is a literal, so the database skips the row groups of
    older events below the matching joins. -#}
{% macro matches_in_scope(valued, goals_in_scope, columns) -%}
    {%- set scope = goals_analytics.run_scope() %}
    select {{ columns | join(', ') }}
    from {{ valued }}
    {%- if not scope.full %}
    where loaded_at > {{ scope.events_loaded_after }}
    {%- endif %}
    {%- if scope.goals_in_scope %}

    union all

    select {{ columns | join(', ') }}
    from {{ valued }}
    where loaded_at <= {{ scope.events_loaded_after }}
        and {{ goals_analytics.keys_occur_in(goals_in_scope, valued, ['workspace_id', 'goal_code']) }}
    {%- endif %}
{%- endmacro %}

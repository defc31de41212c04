{#- Pre-hook of fct_goal_outcomes on an incremental run, in the model's transaction:
    deletes the rows of outcomes that are gone, i.e. those the stored outcomes
    (`stored`) flag is_removed since the previous complete run. The model then replaces
    the rows of the outcomes that changed. -#}
{% macro delete_removed_outcomes(stored) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where (workspace_id, goal_code, event_id) in (
        select
            stored.workspace_id,
            stored.goal_code,
            stored.event_id

        from {{ stored }} as stored
        where stored.is_removed
            and stored.run_id >= {{ goals_analytics.run_scope().run_id }}
    )
    {%- endif %}
{%- endmacro %}

{#- Pre-hook of fct_goal_outcomes on an incremental run: when every stored outcome was
    written since the previous complete run (the stored outcomes were rebuilt from
    scratch, e.g. by a full refresh of them alone), deletes every row whose outcome is
    no longer stored at all. Otherwise nothing: a stored outcome is removed by a row
    flagged is_removed (above). -#}
{% macro delete_vanished_outcomes(stored) -%}
    {%- if is_incremental() -%}
        {%- if goals_analytics.stored_outcomes_rebuilt(stored) %}
    delete from {{ this }}
    where (workspace_id, goal_code, event_id) not in (
        select
            workspace_id,
            goal_code,
            event_id

        from {{ stored }}
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

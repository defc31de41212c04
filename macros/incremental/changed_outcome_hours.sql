{#- The hours (workspace_id, utc_hour) of the outcomes the runs since the previous
    complete one changed: the stored outcomes (`stored`) they wrote or flagged
    is_removed, whose rows of fct_goal_outcomes they replaced or deleted. -#}
{% macro changed_outcome_hours(stored) -%}
    select distinct
        workspace_id,
        date_trunc('hour', occurred_at) as utc_hour

    from {{ stored }}
    where run_id >= {{ goals_analytics.run_scope().run_id }}
{%- endmacro %}

{#- Whether every stored outcome (`stored`) was written since the previous complete run:
    they were rebuilt from scratch (e.g. by a full refresh of them alone), so what the
    marts hold besides them is unknown. False at parse time and in a dbt unit test. -#}
{% macro stored_outcomes_rebuilt(stored) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_query(
        "select coalesce(min(run_id) >= " ~ goals_analytics.run_scope().run_id ~ ", true) from "
        ~ stored
    ).rows[0][0]) }}
{%- endmacro %}

{#- Pre-hook of int_goal_outcome_sums_hourly on an incremental run, in the model's
    transaction: deletes the hours the model recomputes, the changed ones, or every
    hour when the stored outcomes were rebuilt. -#}
{% macro delete_changed_hours(stored) -%}
    {%- if is_incremental() -%}
        {%- if goals_analytics.stored_outcomes_rebuilt(stored) %}
    delete from {{ this }}
        {%- else %}
    delete from {{ this }}
    where (workspace_id, utc_hour) in (
        {{ goals_analytics.changed_outcome_hours(stored) }}
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- One row per goal outcome (docs/reference.md#4-marts).

    Incremental: applies the stored outcomes written since the previous complete run
    (run_id from this run's on: the work of a run that did not finish is applied
    again). Its pre-hooks delete, in the model's transaction, the rows of outcomes
    that are gone (macros/incremental/delete_removed_outcomes.sql). -#}
{{ config(
    materialized=goals_analytics.stateful_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['workspace_id', 'goal_code', 'event_id'],
    on_schema_change='fail',
    pre_hook=[
        "{{ goals_analytics.delete_removed_outcomes(ref('int_goal_outcomes_attributed')) }}",
        "{{ goals_analytics.delete_vanished_outcomes(ref('int_goal_outcomes_attributed')) }}",
    ],
) }}
{%- set scope = goals_analytics.run_scope() %}
with

stored as (

    select * from {{ ref('int_goal_outcomes_attributed') }}

),

changed as (

    select *
    from stored
    where not is_removed
    {%- if is_incremental() %}
        and run_id >= {{ scope.run_id }}
    {%- endif %}

),

final as (

    select
        {{ goals_analytics.outcome_id('workspace_id', 'goal_code', 'event_id') }} as outcome_id,
        workspace_id,
        goal_code,
        goal_kind,
        is_primary,
        event_id,
        event_name,
        event_source,
        occurred_at,
        customer_id,
        conversation_id,
        flow_id,
        attribution,
        is_chat_driven,
        hours_since_chat,
        value,
        currency,
        base_value,
        base_currency,
        base_value_source,
        value_issue

    from changed

)

select * from final

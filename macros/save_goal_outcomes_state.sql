{#- Post-hook of int_goal_outcomes_attributed: records the goal fingerprints and the
    loaded_at watermark (the latest load the run saw) that the next incremental run
    compares against. One row per goal; a row without a goal when there are none,
    so the watermark survives. -#}
{% macro save_goal_outcomes_state() -%}
    create or replace table {{ goals_analytics.incremental_state_relation() }} as
    select
        goals.workspace_id,
        goals.goal_code,
        goals.goal_fingerprint,
        loads.processed_through

    from (
        select max(loaded_at) as processed_through
        from {{ ref('stg_telemetry__events') }}
    ) as loads
    left join {{ ref('int_goals_fingerprinted') }} as goals
        on true
{%- endmacro %}

{#- Outcomes and revenue per workspace, goal, display currency, base currency and UTC
    hour, in parts that add up (outcome_partial_sums): agg_goal_outcomes_daily dates
    these hours rather than every outcome.

    Incremental: a run recomputes from fct_goal_outcomes the hours of the outcomes
    changed since the previous complete run (changed_outcome_hours), after its pre-hook
    deleted their rows (every hour when the stored outcomes were rebuilt from
    scratch). -#}
{{
    config(
        materialized=goals_analytics.stateful_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ goals_analytics.delete_changed_hours(ref('int_goal_outcomes_attributed')) }}",
    )
}}
{#- the run's scope (run_scope), which only a scheduled run reads -#}
-- depends_on: {{ ref('int_run_limits') }}
-- depends_on: {{ ref('int_goals_in_scope') }}
{%- set keys = ['workspace_id', 'goal_code', 'currency', 'base_currency'] -%}
{%- set every_hour = not is_incremental()
    or goals_analytics.stored_outcomes_rebuilt(ref('int_goal_outcomes_attributed')) %}
with

outcomes as (

    select * from {{ ref('fct_goal_outcomes') }}

),

{%- if not every_hour %}

changed_hours as {{ goals_analytics.materialized() }} (

    {{ goals_analytics.changed_outcome_hours(ref('int_goal_outcomes_attributed')) }}

),

recomputed as (

    -- read from the earliest changed hour on: the database skips the row groups that
    -- end before it
    select outcomes.*
    from outcomes
    where outcomes.occurred_at >= (select min(utc_hour) from changed_hours)
        and exists (
            select 1
            from changed_hours
            where changed_hours.workspace_id = outcomes.workspace_id
                and changed_hours.utc_hour = date_trunc('hour', outcomes.occurred_at)
        )

),

{%- endif %}

final as (

    select
        {{ keys | join(', ') }},
        date_trunc('hour', occurred_at) as utc_hour,
        {{ goals_analytics.outcome_partial_sums(['value', 'base_value']) }}

    from {{ 'outcomes' if every_hour else 'recomputed' }}
    group by {{ keys | join(', ') }}, date_trunc('hour', occurred_at)

)

select * from final

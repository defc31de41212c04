{#- The record of each complete run: its limits and the fingerprint of every goal it
    processed, one row per goal (one row without a goal when there are none). The next
    run's int_run_limits and int_goals_in_scope compare with the latest run here.

    Built last (it depends on every model a run updates), and only when this dbt
    invocation built the run's scope and every one of those models: dbt skips it when
    one of them fails, and a partial selection records nothing, so the next run does
    that work again (every stored model applies its scope idempotently). -#}
{%- set updated_models = [
    'int_goal_outcomes_attributed', 'int_conversations_summarized',
    'fct_goal_outcomes', 'int_goal_outcome_sums_hourly', 'dim_conversations',
] -%}
{%- for name in updated_models %}
-- depends_on: {{ ref(name) }}
{%- endfor %}
{%- set complete = goals_analytics.selected(['int_run_limits'] + updated_models) %}
with

limits as (

    select * from {{ ref('int_run_limits') }}

),

goals as (

    select * from {{ ref('int_goals_fingerprinted') }}

),

final as (

    select
        limits.run_id,
        limits.run_case,
        limits.events_loaded_after,
        limits.events_loaded_through,
        goals.workspace_id,
        goals.goal_code,
        goals.goal_fingerprint,
        {{ goals_analytics.current_utc_timestamp() }} as recorded_at

    from limits
    left join goals
        on true
    where limits.invocation_id = '{{ invocation_id }}'
        and {{ 'true' if complete else 'false' }}

)

select * from final

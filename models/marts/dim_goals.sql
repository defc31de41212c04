{#- Every goal with its configuration and its status at the build's reference time. -#}
with

goals as (

    select * from {{ ref('int_goals_validated') }}

),

status_changes as (

    select * from {{ ref('stg_seeds__goal_status_changes') }}

),

current_statuses as (

    select
        workspace_id,
        goal_code,
        max_by(goal_status, (changed_at, change_sequence)) as current_status,
        max(changed_at) as status_changed_at

    from status_changes
    where changed_at <= {{ goals_analytics.reference_time() }}
    group by workspace_id, goal_code

),

final as (

    select
        goals.workspace_id,
        goals.goal_code,
        goals.goal_name,
        goals.goal_description,
        goals.goal_kind,
        goals.is_primary,
        goals.trigger_event,
        goals.match_conditions,
        goals.value_mode,
        goals.fixed_value,
        goals.value_property,
        goals.currency,
        goals.currency_property,
        goals.base_value_property,
        goals.base_currency_property,
        goals.attribution_window_hours,
        goals.dedupe_property,
        coalesce(current_statuses.current_status, 'active') as current_status,
        current_statuses.status_changed_at

    from goals
    left join current_statuses
        on goals.workspace_id = current_statuses.workspace_id
        and goals.goal_code = current_statuses.goal_code

)

select * from final

{#- The periods in which each goal is active (docs/reference.md#23-goal-status-history):
    a goal's status at t is that of its latest change at or before t, `active` before any change. A period is
    [active_from, active_until); a null bound is open. Changes of one goal at the
    same instant apply in file order, so the later row wins. -#}
with

goals as (

    select * from {{ ref('int_goals_validated') }}

),

status_changes as (

    select * from {{ ref('stg_seeds__goal_status_changes') }}

),

ordered_changes as (

    select
        workspace_id,
        goal_code,
        goal_status,
        changed_at,
        lead(changed_at) over (
            partition by workspace_id, goal_code
            order by changed_at, change_sequence
        ) as next_changed_at

    from status_changes

),

first_changes as (

    select
        workspace_id,
        goal_code,
        min(changed_at) as first_changed_at

    from status_changes
    group by workspace_id, goal_code

),

periods as (

    select
        goals.workspace_id,
        goals.goal_code,
        cast(null as timestamp) as active_from,
        first_changes.first_changed_at as active_until

    from goals
    left join first_changes
        on goals.workspace_id = first_changes.workspace_id
        and goals.goal_code = first_changes.goal_code

    union all

    select
        workspace_id,
        goal_code,
        changed_at as active_from,
        next_changed_at as active_until

    from ordered_changes
    where goal_status = 'active'

),

final as (

    select *
    from periods
    where active_from is null
        or active_until is null
        or active_from < active_until

)

select * from final

{#- The goals whose outcomes this run recomputes from all their events, and why: on a
    full run every goal (`full`); otherwise a goal that is new, whose fingerprint
    (configuration, status history, workspace base currency, currency list) changed
    since the previous run, or that was removed. -#}
with

limits as (

    select * from {{ ref('int_run_limits') }}

),

goals as (

    select * from {{ ref('int_goals_fingerprinted') }}

),

previous_goals as (

    select * from ({{ goals_analytics.previous_run() }}) as previous_run
    where goal_code is not null

),

compared as (

    select
        coalesce(goals.workspace_id, previous_goals.workspace_id) as workspace_id,
        coalesce(goals.goal_code, previous_goals.goal_code) as goal_code,
        case
            when limits.run_case = 'full' then 'full'
            when previous_goals.goal_code is null then 'new'
            when goals.goal_code is null then 'removed'
            when goals.goal_fingerprint <> previous_goals.goal_fingerprint then 'changed'
        end as scope_reason

    from goals
    full outer join previous_goals
        on goals.workspace_id = previous_goals.workspace_id
        and goals.goal_code = previous_goals.goal_code
    cross join limits

),

final as (

    select
        workspace_id,
        goal_code,
        scope_reason

    from compared
    where scope_reason is not null

)

select * from final

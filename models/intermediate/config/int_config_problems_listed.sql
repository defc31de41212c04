{#- Every configuration problem in the three seeds, one row each, with a message
    that names the file, the workspace, the goal and the problem. Empty when the
    configuration is valid. int_config_validated fails the build on any row. -#}
with

goal_problems as (

    select * from {{ ref('int_goal_problems_listed') }}

),

goals as (

    select * from {{ ref('stg_seeds__goals') }}

),

status_changes as (

    select * from {{ ref('stg_seeds__goal_status_changes') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

currencies as (

    select * from {{ ref('stg_seeds__currencies') }}

),

status_problems as (

    select
        status_changes.workspace_id,
        status_changes.goal_code,
        case
            when goals.goal_code is null
                then 'status change names an unknown goal'
            when coalesce(status_changes.goal_status, '') not in ('active', 'paused', 'archived')
                then 'status ''' || coalesce(status_changes.goal_status, '')
                    || ''' is not one of active, paused, archived'
            when status_changes.changed_at is null
                then 'changed_at ''' || coalesce(status_changes.changed_at_text, '')
                    || ''' is not an ISO 8601 timestamp'
        end as problem

    from status_changes
    left join goals
        on status_changes.workspace_id = goals.workspace_id
        and status_changes.goal_code = goals.goal_code

),

workspace_problems as (

    select
        workspaces.workspace_id,
        cast(null as string) as goal_code,
        case
            when workspaces.workspace_id is null then 'workspace_id is empty'
            when count(*) over (partition by workspaces.workspace_id) > 1
                then 'workspace is listed more than once'
            when workspaces.base_currency is null or currencies.currency_code is null
                then 'base_currency ''' || coalesce(workspaces.base_currency, '')
                    || ''' is not an ISO 4217 code'
            when not {{ goals_analytics.is_time_zone('workspaces.time_zone') }}
                then 'timezone ''' || workspaces.time_zone || ''' is not an IANA time zone'
        end as problem

    from workspaces
    left join currencies
        on workspaces.base_currency = currencies.currency_code

),

all_problems as (

    select
        'goals.csv' as seed_name,
        *
    from goal_problems
    union all
    select
        'goal_status_changes.csv' as seed_name,
        *
    from status_problems
    where problem is not null
    union all
    select
        'workspaces.csv' as seed_name,
        *
    from workspace_problems
    where problem is not null

),

final as (

    select
        seed_name,
        workspace_id,
        goal_code,
        problem,
        seed_name
        || ': workspace ''' || coalesce(workspace_id, '') || ''''
        || case when goal_code is not null then ', goal ''' || goal_code || '''' else '' end
        || ': ' || problem as problem_message

    from all_problems

)

select * from final

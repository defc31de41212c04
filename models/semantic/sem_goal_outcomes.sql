{#- The goal outcomes as the semantic layer reads them: every outcome with the day it
    happened on in its workspace's time zone (the day reports use). A view: nothing is
    stored twice, and the incremental fct_goal_outcomes keeps its shape. -#}
with

outcomes as (

    select * from {{ ref('fct_goal_outcomes') }}

),

workspaces as (

    select * from {{ ref('dim_workspaces') }}

),

final as (

    select
        outcomes.*,
        {{ goals_analytics.to_local_date('outcomes.occurred_at', 'workspaces.timezone') }}
            as outcome_date

    from outcomes
    inner join workspaces
        on outcomes.workspace_id = workspaces.workspace_id

)

select * from final

{#- The chat conversations as the semantic layer reads them: every conversation with the
    day it started on in its workspace's time zone. -#}
with

conversations as (

    select * from {{ ref('dim_conversations') }}

),

workspaces as (

    select * from {{ ref('dim_workspaces') }}

),

final as (

    select
        conversations.*,
        {{ goals_analytics.to_local_date('conversations.started_at', 'workspaces.timezone') }}
            as started_date

    from conversations
    inner join workspaces
        on conversations.workspace_id = workspaces.workspace_id

)

select * from final

{#- The admin's "change status" actions from seeds/goal_status_changes.csv.
    change_sequence keeps the file order, which breaks ties between changes of one
    goal at the same instant (the later row wins). -#}
with

source as (

    select * from {{ ref('goal_status_changes') }}

),

renamed as (

    select
        nullif(trim(workspace_id), '') as workspace_id,
        nullif(trim(goal_code), '') as goal_code,
        nullif(trim(status), '') as goal_status,
        nullif(trim(changed_at), '') as changed_at_text,
        {{ goals_analytics.parse_iso8601_utc("nullif(trim(changed_at), '')") }} as changed_at,
        {{ goals_analytics.row_number_in_file_order() }} as change_sequence

    from source

)

select * from renamed

with

source as (

    select * from {{ ref('workspaces') }}

),

renamed as (

    select
        nullif(trim(workspace_id), '') as workspace_id,
        upper(nullif(trim(base_currency), '')) as base_currency,
        coalesce(nullif(trim(timezone), ''), 'UTC') as time_zone

    from source

)

select * from renamed

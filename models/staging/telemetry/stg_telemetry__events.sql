with

source as (

    select * from {{ source('telemetry', 'events') }}

),

renamed as (

    select
        workspace_id,
        event_id,
        name as event_name,
        occurred_at,
        source as event_source,
        conversation_id,
        customer_id,
        flow_id,
        properties,
        loaded_at

    from source

)

select * from renamed

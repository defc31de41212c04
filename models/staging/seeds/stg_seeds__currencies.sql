with

source as (

    select * from {{ ref('currencies') }}

),

renamed as (

    select
        currency_code,
        currency_number,
        minor_units,
        currency_name

    from source

)

select * from renamed

{#- One row per workspace: its display name, base currency and reporting time zone. -#}
with

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

final as (

    select
        workspace_id,
        workspace_name,
        base_currency,
        time_zone as timezone

    from workspaces

)

select * from final

{#- workspaces.csv may carry an optional `name` column (older seeds have none). -#}
{%- set seed_columns = adapter.get_columns_in_relation(ref('workspaces')) if execute else [] %}
{%- set has_name = 'name' in (seed_columns | map(attribute='name') | map('lower') | list) %}
with

source as (

    select * from {{ ref('workspaces') }}

),

renamed as (

    select
        nullif(trim(workspace_id), '') as workspace_id,
        {%- if has_name %}
            nullif(trim(cast(name as string)), '') as workspace_name,
        {%- else %}
            cast(null as string) as workspace_name,
        {%- endif %}
        upper(nullif(trim(base_currency), '')) as base_currency,
        coalesce(nullif(trim(timezone), ''), 'UTC') as time_zone

    from source

)

select * from renamed

{#- workspaces.csv may carry an optional `name` column (older seeds have none). -#}
{#- The seed table itself, looked up by name: under `dbt build --empty` ref() is a
    subquery, whose columns Spark cannot describe. -#}
{%- set seed = ref('workspaces') %}
{%- set seed_table = adapter.get_relation(
    database=seed.database, schema=seed.schema, identifier=seed.identifier
) if execute else none %}
{%- set seed_columns = (
    adapter.get_columns_in_relation(seed_table) if seed_table is not none else []
) %}
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

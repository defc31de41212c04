{#- One row per workspace, event name and property shape (json_structure of the
    properties), with the latest event of that shape as its example: what
    event_catalog lists as the property keys an author can match on. Parsing
    properties is the costly part of the catalog, so it is incremental: a run
    summarizes the events loaded since the last one and keeps, per shape, the later
    example. -#}
{{
    config(
        materialized=goals_analytics.stateful_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['workspace_id', 'event_name', 'shape'],
        on_schema_change='fail',
    )
}}
{%- set watermark = (
    goals_analytics.incremental_watermark('loaded_through') if is_incremental() else none
) %}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

new_events as (

    select * from events
    {%- if watermark is not none %}
        where loaded_at > {{ watermark }}
    {%- endif %}

),

summarized as (

    select
        workspace_id,
        event_name,
        {{ goals_analytics.json_shape('properties') }} as shape,
        max_by(properties, (occurred_at, event_id)) as example_properties,
        max((occurred_at, event_id)) as example_of,
        max(loaded_at) as loaded_through

    from new_events
    group by workspace_id, event_name, {{ goals_analytics.json_shape('properties') }}

),

{% if is_incremental() %}

    folded as (

        select
            workspace_id,
            event_name,
            shape,
            max_by(example_properties, example_of) as example_properties,
            max(example_of) as example_of,
            max(loaded_through) as loaded_through

    from (
        select * from summarized
        union all
        select
            stored.workspace_id,
            stored.event_name,
            stored.shape,
            stored.example_properties,
            stored.example_of,
            stored.loaded_through

        from {{ this }} as stored
        where {{ goals_analytics.keys_occur_in('summarized', 'stored', ['workspace_id', 'event_name', 'shape']) }}
    ) as both_summaries
    group by workspace_id, event_name, shape

    ),

{% else %}

    folded as (

        select * from summarized

    ),

{% endif %}

final as (

    select
        workspace_id,
        event_name,
        shape,
        example_properties,
        example_of,
        loaded_through

    from folded

)

select * from final

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
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

new_events as (

    select * from events
    where {{ goals_analytics.loaded_after_watermark() }}

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

folded as (

    {#- per shape, the later example #}
    {{ goals_analytics.fold_into_stored(
        'summarized',
        keys=['workspace_id', 'event_name', 'shape'],
        folds=[
            ('example_properties', 'max_by(example_properties, example_of)'),
            ('example_of', 'max(example_of)'),
            ('loaded_through', 'max(loaded_through)'),
        ],
    ) }}

),

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
